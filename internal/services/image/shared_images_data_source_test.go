package image_test

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// sharedImage is one expected row of openstack_shared_images.
type sharedImage struct {
	id, name, owner, memberStatus string
	tags                          []string
}

// imageRows checks the images list row by row, in the given order.
func imageRows(rows ...sharedImage) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(rows))
	for _, r := range rows {
		tags := make([]knownvalue.Check, 0, len(r.tags))
		for _, tag := range r.tags {
			tags = append(tags, knownvalue.StringExact(tag))
		}
		var status knownvalue.Check = knownvalue.Null()
		if r.memberStatus != "" {
			status = knownvalue.StringExact(r.memberStatus)
		}
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":            knownvalue.StringExact(r.id),
			"name":          knownvalue.StringExact(r.name),
			"owner":         knownvalue.StringExact(r.owner),
			"status":        knownvalue.StringExact("queued"),
			"visibility":    knownvalue.StringExact("shared"),
			"created_at":    knownvalue.StringRegexp(rfc3339),
			"tags":          knownvalue.ListExact(tags),
			"member_status": status,
		}))
	}
	return knownvalue.ListExact(checks)
}

func imagesAre(name string, want knownvalue.Check) statecheck.StateCheck {
	return stateIs("data.openstack_shared_images."+name, "images", want)
}

func TestSharedImagesDataSource_filters(t *testing.T) {
	s := newSharing(t)
	other := s.cloud.AddProject("other")
	add := func(owner, name, memberStatus string, tags ...string) sharedImage {
		id := s.cloud.AddImage(s.owner, name, "shared", tags...)
		if owner == other.ID {
			id = s.cloud.AddImage(other, name, "shared", tags...)
		}
		if memberStatus != "" {
			s.cloud.PutMember(id, s.consumer.ID, memberStatus)
		}
		return sharedImage{id: id, name: name, owner: owner, memberStatus: memberStatus, tags: tags}
	}
	alpha := add(s.owner.ID, "alpha", "pending", "linux", "prod")
	beta := add(s.owner.ID, "beta", "accepted", "linux")
	gamma := add(s.owner.ID, "gamma", "rejected")
	epsilon := add(other.ID, "epsilon", "pending")
	// Not shared with the consumer, or not shared at all: never listed.
	delta := s.cloud.AddImage(s.owner, "delta", "shared")
	s.cloud.PutMember(delta, s.stranger.ID, "accepted")
	hidden := s.cloud.AddImage(s.owner, "hidden", "private")
	s.cloud.PutMember(hidden, s.consumer.ID, "accepted")
	own := s.cloud.AddImage(s.consumer, "own", "shared")
	s.cloud.PutMember(own, s.stranger.ID, "accepted")

	dataSources := func(dependsOn string) string {
		return fmt.Sprintf(`
data "openstack_shared_images" "all" {
  depends_on = [%[1]s]
}

data "openstack_shared_images" "pending" {
  member_status = "pending"
  depends_on    = [%[1]s]
}

data "openstack_shared_images" "accepted" {
  member_status = "accepted"
  depends_on    = [%[1]s]
}

data "openstack_shared_images" "by_owner" {
  owner      = %[2]q
  depends_on = [%[1]s]
}

data "openstack_shared_images" "by_name" {
  name       = "beta"
  depends_on = [%[1]s]
}

data "openstack_shared_images" "linux" {
  tags       = ["linux"]
  depends_on = [%[1]s]
}

data "openstack_shared_images" "linux_prod" {
  tags       = ["prod", "linux"]
  depends_on = [%[1]s]
}
`, dependsOn, s.owner.ID)
	}
	accepted := func(img sharedImage) sharedImage { img.memberStatus = "accepted"; return img }

	unitTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: s.cloud.ProviderConfig("", "consumer") + dataSources(""),
				ConfigStateChecks: []statecheck.StateCheck{
					imagesAre("all", imageRows(alpha, beta, epsilon, gamma)),
					stateIs("data.openstack_shared_images.all", "member_status", knownvalue.StringExact("all")),
					imagesAre("pending", imageRows(alpha, epsilon)),
					imagesAre("accepted", imageRows(beta)),
					imagesAre("by_owner", imageRows(alpha, beta, gamma)),
					imagesAre("by_name", imageRows(beta)),
					imagesAre("linux", imageRows(alpha, beta)),
					imagesAre("linux_prod", imageRows(alpha)),
				},
			},
			{
				Config: s.cloud.ProviderConfig("", "consumer") + fmt.Sprintf(`
resource "openstack_image_member_status" "alpha" {
  image_id = %q
  status   = "accepted"
}
`, alpha.id) + dataSources("openstack_image_member_status.alpha"),
				ConfigStateChecks: []statecheck.StateCheck{
					imagesAre("all", imageRows(accepted(alpha), beta, epsilon, gamma)),
					imagesAre("pending", imageRows(epsilon)),
					imagesAre("accepted", imageRows(accepted(alpha), beta)),
					imagesAre("linux_prod", imageRows(accepted(alpha))),
				},
			},
		},
	})
}

// member_status = "all" costs one listing per status, never a request per
// image, and passes the filters to Glance.
func TestSharedImagesDataSource_requests(t *testing.T) {
	s := newSharing(t)
	for i, status := range []string{"pending", "accepted", "rejected", "accepted"} {
		img := s.cloud.AddImage(s.owner, fmt.Sprintf("img-%d", i), "shared", "linux")
		s.cloud.PutMember(img, s.consumer.ID, status)
	}
	unitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: s.cloud.ProviderConfig("", "consumer") + fmt.Sprintf(`
data "openstack_shared_images" "test" {
  owner = %q
  tags  = ["linux"]
}
`, s.owner.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				imagesAre("test", knownvalue.ListSizeExact(4)),
			},
			Check: func(*terraform.State) error {
				perStatus := map[string]int{}
				for _, r := range s.cloud.Requests() {
					method, uri, _ := strings.Cut(r, " ")
					if !strings.HasPrefix(uri, "/image/v2/images") {
						continue
					}
					u, err := url.Parse(uri)
					if err != nil {
						return err
					}
					q := u.Query()
					switch {
					case method != "GET" || u.Path != "/image/v2/images":
						return fmt.Errorf("unexpected request %s", r)
					case q.Get("visibility") != "shared" || q.Get("owner") != s.owner.ID || q.Get("tag") != "linux":
						return fmt.Errorf("listing without the filters: %s", r)
					}
					perStatus[q.Get("member_status")]++
				}
				reads := perStatus["pending"]
				if reads == 0 || len(perStatus) != 3 || perStatus["accepted"] != reads || perStatus["rejected"] != reads {
					return fmt.Errorf("want one listing per status and read, got %v", perStatus)
				}
				return nil
			},
		}},
	})
}

// Glance pages its image list; every page is read, for each status.
func TestSharedImagesDataSource_paging(t *testing.T) {
	s := newSharing(t)
	s.cloud.SetPageSize(2)
	var pending, all []sharedImage
	for i := 0; i < 11; i++ {
		status := "pending"
		if i%3 == 0 {
			status = "accepted"
		}
		name := fmt.Sprintf("img-%02d", i)
		img := sharedImage{id: s.cloud.AddImage(s.owner, name, "shared"), name: name, owner: s.owner.ID, memberStatus: status}
		s.cloud.PutMember(img.id, s.consumer.ID, status)
		all = append(all, img)
		if status == "pending" {
			pending = append(pending, img)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	unitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: s.cloud.ProviderConfig("", "consumer") + `
data "openstack_shared_images" "all" {}

data "openstack_shared_images" "pending" {
  member_status = "pending"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				imagesAre("all", imageRows(all...)),
				imagesAre("pending", imageRows(pending...)),
			},
			Check: func(*terraform.State) error {
				for _, r := range s.cloud.Requests() {
					if strings.Contains(r, "marker=") {
						return nil
					}
				}
				return fmt.Errorf("no request asked for a next page")
			},
		}},
	})
}

// fakeCheck runs a check of the fake cloud as a state check. The legacy
// Check and CheckDestroy read a shimmed state that rejects for_each
// instances; state checks do not.
type fakeCheck func() error

func (f fakeCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// Accept every image one owner shares, with for_each over the data source.
// Filtering on "all" (not "pending") keeps the set stable once accepted.
func TestSharedImagesDataSource_forEachAccept(t *testing.T) {
	s := newSharing(t)
	other := s.cloud.AddProject("other")
	var ids []string
	for i := 0; i < 3; i++ {
		img := s.cloud.AddImage(s.owner, fmt.Sprintf("app-%d", i), "shared")
		s.cloud.PutMember(img, s.consumer.ID, "pending")
		ids = append(ids, img)
	}
	foreign := s.cloud.AddImage(other, "foreign", "shared")
	s.cloud.PutMember(foreign, s.consumer.ID, "pending")

	dataSource := s.cloud.ProviderConfig("", "consumer") + fmt.Sprintf(`
data "openstack_shared_images" "from_owner" {
  owner = %q
}
`, s.owner.ID)
	config := dataSource + `
resource "openstack_image_member_status" "accept" {
  for_each = toset([for img in data.openstack_shared_images.from_owner.images : img.id if img.member_status != "rejected"])

  image_id = each.key
  status   = "accepted"
}
`
	statuses := func(want string) func() error {
		return func() error {
			checks := []resource.TestCheckFunc{s.checkStored(foreign, s.consumer.ID, "pending")}
			for _, id := range ids {
				checks = append(checks, s.checkStored(id, s.consumer.ID, want))
			}
			return resource.ComposeTestCheckFunc(checks...)(nil)
		}
	}
	var creates, destroys []plancheck.PlanCheck
	for _, id := range ids {
		addr := fmt.Sprintf("openstack_image_member_status.accept[%q]", id)
		creates = append(creates, plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate))
		destroys = append(destroys, plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy))
	}
	unitTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: creates},
				ConfigStateChecks: []statecheck.StateCheck{fakeCheck(statuses("accepted"))},
			},
			{
				// Once accepted, the images are still listed: nothing to do.
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Destroyed here rather than by CheckDestroy (see fakeCheck).
				Config:            dataSource,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: destroys},
				ConfigStateChecks: []statecheck.StateCheck{fakeCheck(statuses("rejected"))},
			},
		},
	})
}

// For an admin Glance ignores the member filter: every shared image comes
// back under every status, so with "all" the status is unknown.
func TestSharedImagesDataSource_admin(t *testing.T) {
	s := newSharing(t)
	s.admin.Admin = true
	a := s.cloud.AddImage(s.owner, "a", "shared")
	s.cloud.PutMember(a, s.consumer.ID, "accepted")
	b := s.cloud.AddImage(s.owner, "b", "shared") // no members at all
	s.cloud.AddImage(s.owner, "private", "private")
	rows := func(status string) knownvalue.Check {
		return imageRows(
			sharedImage{id: a, name: "a", owner: s.owner.ID, memberStatus: status},
			sharedImage{id: b, name: "b", owner: s.owner.ID, memberStatus: status},
		)
	}
	unitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: s.cloud.ProviderConfig("", "admin") + `
data "openstack_shared_images" "all" {}

data "openstack_shared_images" "rejected" {
  member_status = "rejected"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				imagesAre("all", rows("")),
				imagesAre("rejected", rows("rejected")),
			},
		}},
	})
}
