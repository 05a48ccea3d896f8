package conns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

func TestResolveDomainsAndScope(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Config
		userDom [2]string // ID, name
		scope   gophercloud.AuthScope
		noScope bool
	}{
		{
			name:    "default domain",
			cfg:     Config{AuthURL: "http://k/v3", UserName: "u", Password: "p", TenantName: "proj"},
			userDom: [2]string{"default", ""},
			scope:   gophercloud.AuthScope{ProjectName: "proj", DomainID: "default"},
		},
		{
			name:    "specific domains win",
			cfg:     Config{AuthURL: "http://k/v3", UserName: "u", Password: "p", TenantName: "proj", UserDomainName: "Users", ProjectDomainID: "pd", DomainName: "Other"},
			userDom: [2]string{"", "Users"},
			scope:   gophercloud.AuthScope{ProjectName: "proj", DomainID: "pd"},
		},
		{
			name:    "domain_name for both",
			cfg:     Config{AuthURL: "http://k/v3", UserName: "u", Password: "p", TenantName: "proj", DomainName: "Shared"},
			userDom: [2]string{"", "Shared"},
			scope:   gophercloud.AuthScope{ProjectName: "proj", DomainName: "Shared"},
		},
		{
			name:  "project id",
			cfg:   Config{AuthURL: "http://k/v3", UserID: "uid", Password: "p", TenantID: "pid"},
			scope: gophercloud.AuthScope{ProjectID: "pid"},
		},
		{
			name:    "application credential carries its scope",
			cfg:     Config{AuthURL: "http://k/v3", ApplicationCredentialID: "ac", ApplicationCredentialSecret: "s", TenantName: "proj"},
			noScope: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.cfg.resolve()
			if err != nil {
				t.Fatal(err)
			}
			if got := [2]string{r.auth.DomainID, r.auth.DomainName}; got != tc.userDom {
				t.Errorf("user domain = %v, want %v", got, tc.userDom)
			}
			if tc.noScope {
				if r.auth.Scope != nil {
					t.Errorf("scope = %+v, want none", *r.auth.Scope)
				}
				return
			}
			if r.auth.Scope == nil || *r.auth.Scope != tc.scope {
				t.Errorf("scope = %+v, want %+v", r.auth.Scope, tc.scope)
			}
		})
	}
}

func TestResolveCloudsYAML(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "clouds.yaml")
	if err := os.WriteFile(file, []byte(`clouds:
  owner:
    auth:
      auth_url: http://keystone.example:5000/v3
      username: alice
      password: from-yaml
      project_name: team
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionTwo
    interface: internal
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", file)
	t.Setenv("OS_REGION_NAME", "")
	t.Setenv("OS_INTERFACE", "")

	r, err := (&Config{Cloud: "owner", Password: "explicit"}).resolve()
	if err != nil {
		t.Fatal(err)
	}
	if r.auth.IdentityEndpoint != "http://keystone.example:5000/v3" || r.auth.Username != "alice" {
		t.Errorf("auth from clouds.yaml = %q %q", r.auth.IdentityEndpoint, r.auth.Username)
	}
	if r.auth.Password != "explicit" {
		t.Errorf("an explicit password must override clouds.yaml")
	}
	if r.endpoint.Region != "RegionTwo" || r.endpoint.Availability != gophercloud.AvailabilityInternal {
		t.Errorf("endpoint = %+v", r.endpoint)
	}
	if r.auth.Scope == nil || r.auth.Scope.ProjectName != "team" {
		t.Errorf("scope = %+v", r.auth.Scope)
	}

	_, err = (&Config{Cloud: "missing"}).resolve()
	if err == nil || !strings.Contains(err.Error(), `cloud "missing"`) {
		t.Errorf("missing cloud error = %v", err)
	}
}

func TestResolveNeedsAuthURL(t *testing.T) {
	_, err := (&Config{UserName: "u"}).resolve()
	if err == nil || !strings.Contains(err.Error(), "OS_AUTH_URL") {
		t.Errorf("error = %v, want a hint about OS_AUTH_URL", err)
	}
}

func TestImageClientAt(t *testing.T) {
	for _, in := range []string{"https://glance:9292", "https://glance:9292/", "https://glance:9292/v2", "https://glance:9292/v2/"} {
		sc := imageClientAt(&gophercloud.ProviderClient{}, in)
		if sc.ResourceBase != "https://glance:9292/v2/" {
			t.Errorf("%s: ResourceBase = %q", in, sc.ResourceBase)
		}
	}
}
