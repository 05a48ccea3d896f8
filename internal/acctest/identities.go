package acctest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
	"github.com/imageshare/terraform-provider-openstack/internal/provider"
)

// Acceptance tests run against a real Keystone + Glance with three non-admin
// identities (an admin bypasses the checks they must prove) and an admin:
//
//	owner     owns the images         IMAGESHARE_ACC_OWNER_CLOUD    (default "owner", or OS_CLOUD)
//	consumer  the member project      IMAGESHARE_ACC_CONSUMER_CLOUD (default "consumer")
//	stranger  any other project       IMAGESHARE_ACC_STRANGER_CLOUD (default "stranger")
//	admin     cloud admin             IMAGESHARE_ACC_ADMIN_CLOUD    (default "admin")
//
// Each names an entry of clouds.yaml (OS_CLIENT_CONFIG_FILE). Without a
// clouds.yaml, the owner is whatever the OS_* variables describe, and only
// tests that need no other identity can run: OS_* credentials override
// clouds.yaml in every provider block. `make test` starts a local cloud that
// has all four.

// Identity is one set of credentials of the cloud under test.
type Identity struct {
	Role   string
	Cloud  string // clouds.yaml entry; "" = the OS_* variables
	Client *conns.Client
}

var (
	identityMu sync.Mutex
	identities = map[string]*Identity{}
)

// PreCheck skips the test unless acceptance tests are enabled; `make test`
// enables them and fails when any is skipped.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1 and a cloud: run `make test` (local cloud) or `make testacc` (OS_* / OS_CLOUD)")
	}
}

// Policy is the cloud's Glance policy mode: "legacy" or "secure".
func Policy() string {
	if p := os.Getenv("IMAGESHARE_ACC_POLICY"); p != "" {
		return p
	}
	return "legacy"
}

// Owner, Consumer, Stranger and Admin log in once per test binary.
func Owner(t *testing.T) *Identity    { return identity(t, "owner") }
func Consumer(t *testing.T) *Identity { return identity(t, "consumer") }
func Stranger(t *testing.T) *Identity { return identity(t, "stranger") }
func Admin(t *testing.T) *Identity    { return identity(t, "admin") }

func identity(t *testing.T, role string) *Identity {
	t.Helper()
	PreCheck(t)
	identityMu.Lock()
	defer identityMu.Unlock()
	if id, ok := identities[role]; ok {
		return id
	}
	variable := "IMAGESHARE_ACC_" + strings.ToUpper(role) + "_CLOUD"
	cloud := os.Getenv(variable)
	if cloud == "" && role == "owner" {
		cloud = os.Getenv("OS_CLOUD")
	}
	if cloud == "" && (os.Getenv("OS_CLIENT_CONFIG_FILE") != "" || role != "owner") {
		cloud = role
	}
	cfg := &conns.Config{Cloud: cloud}
	if cloud != "" {
		// Every provider block reads OS_* too, and they override clouds.yaml:
		// with credentials in the environment, `cloud = "consumer"` would log
		// in as whoever the variables name, and the test would prove nothing.
		if env := credentialVariables(); len(env) > 0 {
			t.Fatalf("the %s identity is the clouds.yaml entry %q, but %s set in the environment override it in every provider block: "+
				"unset them and name the owner with OS_CLOUD or IMAGESHARE_ACC_OWNER_CLOUD", role, cloud, strings.Join(env, ", "))
		}
	} else {
		var err error
		if cfg, err = provider.EnvironmentConfig(); err != nil {
			t.Fatalf("%s identity from OS_* variables: %v", role, err)
		}
	}
	client, err := conns.Authenticate(context.Background(), cfg)
	if err != nil {
		t.Skipf("no %s identity: %v (name a clouds.yaml entry with %s)", role, err, variable)
	}
	id := &Identity{Role: role, Cloud: cloud, Client: client}
	identities[role] = id
	return id
}

// credentialVariables lists the OS_* variables set that say who logs in.
func credentialVariables() []string {
	var set []string
	for _, v := range []string{"OS_AUTH_URL", "OS_USERNAME", "OS_USER_ID", "OS_PASSWORD", "OS_TOKEN", "OS_AUTH_TOKEN",
		"OS_PROJECT_ID", "OS_PROJECT_NAME", "OS_TENANT_ID", "OS_TENANT_NAME",
		"OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_NAME", "OS_APPLICATION_CREDENTIAL_SECRET"} {
		if os.Getenv(v) != "" {
			set = append(set, v)
		}
	}
	return set
}

// ProjectID is the identity's project.
func (id *Identity) ProjectID() string { return id.Client.ProjectID }

// Provider renders a provider block for this identity; alias may be "".
func (id *Identity) Provider(alias string) string {
	return id.block("openstack", alias)
}

// ProviderNamed renders the provider block under another local name (see
// TwoProviderFactories), for resources that say `provider = <name>`.
func (id *Identity) ProviderNamed(name string) string {
	return id.block(name, "")
}

func (id *Identity) block(name, alias string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider %q {\n", name)
	if alias != "" {
		fmt.Fprintf(&b, "  alias = %q\n", alias)
	}
	if id.Cloud != "" {
		fmt.Fprintf(&b, "  cloud = %q\n", id.Cloud)
	}
	b.WriteString("}\n")
	return b.String()
}

func (id *Identity) image(t *testing.T) *gophercloud.ServiceClient {
	t.Helper()
	sc, err := id.Client.ImageClient("")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// CreateImage creates an empty image owned by this identity, tagged
// "imageshare-acc" and the given tags, and deletes it when the test ends.
func (id *Identity) CreateImage(t *testing.T, name, visibility string, tags ...string) string {
	t.Helper()
	vis := images.ImageVisibility(visibility)
	img, err := images.Create(context.Background(), id.image(t), images.CreateOpts{
		Name: "acc-" + name, DiskFormat: "raw", ContainerFormat: "bare", Visibility: &vis,
		Tags: append([]string{"imageshare-acc"}, tags...),
	}).Extract()
	if err != nil {
		t.Fatalf("creating image %s as %s: %v", name, id.Role, err)
	}
	t.Cleanup(func() {
		err := images.Delete(context.Background(), id.image(t), img.ID).ExtractErr()
		if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			t.Errorf("deleting image %s: %v", img.ID, err)
		}
	})
	return img.ID
}

// SetVisibility changes an image's visibility.
func (id *Identity) SetVisibility(t *testing.T, imageID, visibility string) {
	t.Helper()
	_, err := images.Update(context.Background(), id.image(t), imageID, images.UpdateOpts{
		images.UpdateVisibility{Visibility: images.ImageVisibility(visibility)},
	}).Extract()
	if err != nil {
		t.Fatalf("setting visibility of %s to %s: %v", imageID, visibility, err)
	}
}

// DeleteImage deletes an image now.
func (id *Identity) DeleteImage(t *testing.T, imageID string) {
	t.Helper()
	if err := images.Delete(context.Background(), id.image(t), imageID).ExtractErr(); err != nil {
		t.Fatalf("deleting image %s: %v", imageID, err)
	}
}

// AddMember adds a member outside Terraform.
func (id *Identity) AddMember(t *testing.T, imageID, member string) {
	t.Helper()
	if _, err := members.Create(context.Background(), id.image(t), imageID, member).Extract(); err != nil {
		t.Fatalf("adding member %s to %s: %v", member, imageID, err)
	}
}

// AddMembersUntilFull adds made-up members until Glance answers 413 and
// returns how many it added. It stops after limit members.
func (id *Identity) AddMembersUntilFull(t *testing.T, imageID string, limit int) int {
	t.Helper()
	for i := 0; i < limit; i++ {
		_, err := members.Create(context.Background(), id.image(t), imageID, fmt.Sprintf("filler-%04d", i)).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusRequestEntityTooLarge) {
			return i
		}
		if err != nil {
			t.Fatalf("adding filler member %d: %v", i, err)
		}
	}
	t.Fatalf("Glance took %d members without reaching its member quota", limit)
	return 0
}

// RemoveMember removes a member outside Terraform.
func (id *Identity) RemoveMember(t *testing.T, imageID, member string) {
	t.Helper()
	if err := members.Delete(context.Background(), id.image(t), imageID, member).ExtractErr(); err != nil {
		t.Fatalf("removing member %s from %s: %v", member, imageID, err)
	}
}

// SetMemberStatus sets a member's status as this identity.
func (id *Identity) SetMemberStatus(t *testing.T, imageID, member, status string) {
	t.Helper()
	if _, err := members.Update(context.Background(), id.image(t), imageID, member, members.UpdateOpts{Status: status}).Extract(); err != nil {
		t.Fatalf("setting member %s of %s to %s: %v", member, imageID, status, err)
	}
}

// ErrNoMember is returned by Member when Glance answers 404.
var ErrNoMember = errors.New("no such member")

// Member reads a member as this identity.
func (id *Identity) Member(imageID, member string) (*members.Member, error) {
	sc, err := id.Client.ImageClient("")
	if err != nil {
		return nil, err
	}
	m, err := members.Get(context.Background(), sc, imageID, member).Extract()
	if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return nil, ErrNoMember
	}
	return m, err
}
