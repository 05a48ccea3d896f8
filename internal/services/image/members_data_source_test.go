package image_test

import (
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/imageshare/terraform-provider-openstack/internal/fakecloud"
)

// memberRows is the expected members list: member ID → status, sorted by
// member ID as the data source sorts it.
func memberRows(rows map[string]string) knownvalue.Check {
	ids := make([]string, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	checks := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"member_id":  knownvalue.StringExact(id),
			"status":     knownvalue.StringExact(rows[id]),
			"created_at": knownvalue.StringRegexp(rfc3339),
			"updated_at": knownvalue.StringRegexp(rfc3339),
		}))
	}
	return knownvalue.ListExact(checks)
}

// The owner sees every member, a member only its own row; both follow the
// consumer's acceptance.
func TestMembersDataSource_ownerAndMember(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	s.cloud.PutMember(img, s.consumer.ID, "pending")
	s.cloud.PutMember(img, s.stranger.ID, "pending")
	other := s.cloud.AddImage(s.owner, "no members", "shared")

	dataSources := func(dependsOn string) string {
		return fmt.Sprintf(`
data "openstack_image_members" "owner" {
  image_id   = %[1]q
  depends_on = [%[2]s]
}

data "openstack_image_members" "owner_accepted" {
  image_id   = %[1]q
  status     = "accepted"
  depends_on = [%[2]s]
}

data "openstack_image_members" "consumer" {
  provider   = consumer
  image_id   = %[1]q
  depends_on = [%[2]s]
}

data "openstack_image_members" "none" {
  image_id = %[3]q
}
`, img, dependsOn, other)
	}
	providers := s.cloud.ProviderConfig("", "owner") + s.consumerProvider("consumer")
	accept := `
resource "openstack_image_member_status" "accept" {
  provider = consumer
  image_id = ` + fmt.Sprintf("%q", img) + `
  status   = "accepted"
}
`
	members := func(name string, want knownvalue.Check) statecheck.StateCheck {
		return stateIs("data.openstack_image_members."+name, "members", want)
	}
	twoIdentityTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: providers + dataSources(""),
				ConfigStateChecks: []statecheck.StateCheck{
					members("owner", memberRows(map[string]string{s.consumer.ID: "pending", s.stranger.ID: "pending"})),
					members("owner_accepted", knownvalue.ListSizeExact(0)),
					members("consumer", memberRows(map[string]string{s.consumer.ID: "pending"})),
					members("none", knownvalue.ListSizeExact(0)),
					stateIs("data.openstack_image_members.owner", "region", knownvalue.StringExact(fakecloud.Region)),
				},
			},
			{
				Config: providers + accept + dataSources("openstack_image_member_status.accept"),
				ConfigStateChecks: []statecheck.StateCheck{
					members("owner", memberRows(map[string]string{s.consumer.ID: "accepted", s.stranger.ID: "pending"})),
					members("owner_accepted", memberRows(map[string]string{s.consumer.ID: "accepted"})),
					members("consumer", memberRows(map[string]string{s.consumer.ID: "accepted"})),
				},
			},
		},
	})
}

func TestMembersDataSource_errors(t *testing.T) {
	s := newSharing(t)
	shared := s.cloud.AddImage(s.owner, "shared", "shared")
	private := s.cloud.AddImage(s.owner, "private", "private")
	s.cloud.PutMember(shared, s.consumer.ID, "accepted")
	s.cloud.PutMember(private, s.consumer.ID, "accepted")

	cases := map[string]struct {
		as, image string
		want      *regexp.Regexp
	}{
		"owner of a private image": {
			as: "owner", image: private,
			want: diagRegexp("Image is not shared", "HTTP 403", `Image `+private+` has visibility "private"`,
				`only images with visibility "shared" have members`, "openstack image set --shared "+private),
		},
		"member of a private image": {
			as: "consumer", image: private,
			want: diagRegexp("Image not found", "HTTP 404", "not visible to project "+s.consumer.ID, "only while the image is shared"),
		},
		"stranger": {
			as: "stranger", image: shared,
			want: diagRegexp("Image not found", "members of image "+shared, "HTTP 404", "not visible to project "+s.stranger.ID),
		},
		"missing image": {
			as: "owner", image: "11111111-2222-4333-8444-555555555555",
			want: diagRegexp("Image not found", "HTTP 404"),
		},
		"image_id must be a UUID": {
			as: "owner", image: "my-image",
			want: diagRegexp("must be an image ID"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			unitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config: s.cloud.ProviderConfig("", tc.as) + fmt.Sprintf(`
data "openstack_image_members" "test" {
  image_id = %q
}
`, tc.image),
					ExpectError: tc.want,
				}},
			})
		})
	}
}
