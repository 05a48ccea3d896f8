package image_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imageshare/terraform-provider-openstack/internal/acctest"
	"github.com/imageshare/terraform-provider-openstack/internal/fakecloud"
)

// These tests drive the provider through the Terraform CLI against the
// in-process fake Keystone + Glance, one test per path of the resource.

type sharing struct {
	cloud                            *fakecloud.Cloud
	owner, consumer, stranger, admin *fakecloud.Project
}

func newSharing(t *testing.T) *sharing {
	c := fakecloud.New(t)
	return &sharing{
		cloud:    c,
		owner:    c.AddProject("owner"),
		consumer: c.AddProject("consumer"),
		stranger: c.AddProject("stranger"),
		admin:    c.AddProject("admin"),
	}
}

func (s *sharing) memberConfig(as, imageID, member, extra string) string {
	return s.cloud.ProviderConfig("", as) + fmt.Sprintf(`
resource "openstack_image_member" "test" {
  image_id  = %q
  member_id = %q
%s}
`, imageID, member, extra)
}

func (s *sharing) checkMemberGone(imageID, member string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if m, ok := s.cloud.Member(imageID, member); ok {
			return fmt.Errorf("member %s of image %s still exists (status %s)", member, imageID, m.Status)
		}
		return nil
	}
}

func unitTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	tc.ProtoV6ProviderFactories = acctest.ProtoV6ProviderFactories
	resource.UnitTest(t, tc)
}

func TestMemberResource_basic(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "basic", "shared")
	id := img + "/" + s.consumer.ID
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkMemberGone(img, s.consumer.ID),
		Steps: []resource.TestStep{
			{
				Config: s.memberConfig("owner", img, s.consumer.ID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("region"), knownvalue.StringExact(fakecloud.Region)),
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339)),
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "openstack_image_member.test",
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			{
				// The consumer accepts outside this configuration: status follows, no diff.
				PreConfig: func() { s.cloud.PutMember(img, s.consumer.ID, "accepted") },
				Config:    s.memberConfig("owner", img, s.consumer.ID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

var rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
