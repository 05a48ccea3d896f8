package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imageshare/terraform-provider-openstack/internal/acctest"
	"github.com/imageshare/terraform-provider-openstack/internal/fakecloud"
)

func matches(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

func member(image, member string) string {
	return fmt.Sprintf(`
resource "openstack_image_member" "test" {
  image_id  = %q
  member_id = %q
}
`, image, member)
}

func TestProvider_authFailures(t *testing.T) {
	cloud := fakecloud.New(t)
	owner := cloud.AddProject("owner")
	img := cloud.AddImage(owner, "img", "shared")
	for name, tc := range map[string]struct {
		provider string
		want     *regexp.Regexp
	}{
		"wrong password": {
			provider: fmt.Sprintf(`provider "openstack" {
  auth_url    = %q
  user_name   = "owner"
  password    = "wrong"
  tenant_name = "owner"
}`, cloud.AuthURL()),
			want: matches("Cannot authenticate to OpenStack", "Logging in to "+cloud.AuthURL()+" as user owner (domain default) for project owner (domain default) failed",
				"Keystone rejected the credentials (HTTP 401: The request you have made requires authentication.)"),
		},
		"unreachable": {
			provider: `provider "openstack" {
  auth_url    = "http://127.0.0.1:1/v3"
  user_name   = "owner"
  password    = "x"
  tenant_name = "owner"
}`,
			want: matches("Cannot authenticate to OpenStack", "http://127.0.0.1:1/v3", "Keystone is unreachable", "connection refused"),
		},
		"no image endpoint in region": {
			provider: fmt.Sprintf(`provider "openstack" {
  auth_url    = %q
  user_name   = "owner"
  password    = "pw-owner"
  tenant_name = "owner"
  region      = "Elsewhere"
}`, cloud.AuthURL()),
			want: matches("Cannot authenticate to OpenStack", `no image endpoint in the service catalog for region "Elsewhere" and interface "public"`),
		},
		"no auth url": {
			provider: `provider "openstack" {
  user_name = "owner"
}`,
			want: matches("Invalid OpenStack provider configuration", "no auth_url", "OS_AUTH_URL"),
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("OS_AUTH_URL", "")
			t.Setenv("OS_CLOUD", "")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.provider + member(img, "someone"),
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// The provider reads the same OS_* variables as the OpenStack clients.
func TestProvider_environment(t *testing.T) {
	cloud := fakecloud.New(t)
	owner := cloud.AddProject("owner")
	img := cloud.AddImage(owner, "img", "shared")
	t.Setenv("OS_CLOUD", "")
	t.Setenv("OS_AUTH_URL", cloud.AuthURL())
	t.Setenv("OS_USERNAME", "owner")
	t.Setenv("OS_PASSWORD", owner.Password)
	t.Setenv("OS_PROJECT_NAME", "owner")
	t.Setenv("OS_USER_DOMAIN_NAME", "Default")
	t.Setenv("OS_PROJECT_DOMAIN_NAME", "Default")
	t.Setenv("OS_REGION_NAME", fakecloud.Region)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "openstack" {}` + member(img, "consumer-project"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("region"), knownvalue.StringExact(fakecloud.Region)),
				statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
			},
		}},
	})
}

func TestProvider_endpointOverride(t *testing.T) {
	cloud := fakecloud.New(t)
	owner := cloud.AddProject("owner")
	img := cloud.AddImage(owner, "img", "shared")
	t.Setenv("OS_CLOUD", "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "openstack" {
  auth_url           = %q
  user_name          = "owner"
  password           = "pw-owner"
  tenant_name        = "owner"
  region             = "NotInCatalog"
  endpoint_overrides = { image = %q }
}`, cloud.AuthURL(), cloud.URL+"/image/v2/") + member(img, "consumer-project"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
			},
		}},
	})
	if _, ok := cloud.Member(img, "consumer-project"); ok {
		t.Error("member still exists after destroy")
	}
}

func TestProvider_endpointOverrideKeys(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "openstack" {
  auth_url           = "http://127.0.0.1:1/v3"
  endpoint_overrides = { compute = "http://nova" }
}` + member("0b5d1c3e-2f4a-4e7b-9c61-8d2f0a7e4b13", "p"),
			PlanOnly:    true,
			ExpectError: matches(`endpoint_overrides["compute"] value must be one of: ["image"]`),
		}},
	})
}

// A token from OS_AUTH_TOKEN is used as it is; the caller's project comes
// from Keystone's view of that token.
func TestProvider_token(t *testing.T) {
	cloud := fakecloud.New(t)
	owner := cloud.AddProject("owner")
	img := cloud.AddImage(owner, "img", "private")
	token := cloud.IssueToken(owner)
	t.Setenv("OS_CLOUD", "")
	t.Setenv("OS_AUTH_URL", cloud.AuthURL())
	t.Setenv("OS_AUTH_TOKEN", token)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// The diagnostic can only name the owner and the visibility if
			// the token's project was found.
			Config:      `provider "openstack" {}` + member(img, "consumer-project"),
			ExpectError: matches("Image is not shared", `visibility "private"`),
		}},
	})
	for _, r := range cloud.Requests() {
		if strings.HasPrefix(r, "POST /v3/auth/tokens") {
			t.Errorf("the provider logged in again instead of using the token: %s", r)
		}
	}
}
