package image_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imageshare/terraform-provider-openstack/internal/acctest"
)

// The consumer side and the data sources, against the real cloud, with the
// owner's, the consumer's and a stranger's credentials.

func accStatusConfig(as *acctest.Identity, imageID, extra string) string {
	return as.Provider("") + fmt.Sprintf(`
resource "openstack_image_member_status" "test" {
  image_id = %q
%s}
`, imageID, extra)
}

func TestAccImageMemberStatus_lifecycle(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "status-lifecycle", "shared")
	owner.AddMember(t, img, consumer.ProjectID())
	me := consumer.ProjectID()
	steps := []resource.TestStep{}
	for _, status := range []string{"accepted", "rejected", "pending", "accepted"} {
		steps = append(steps, resource.TestStep{
			Config: accStatusConfig(consumer, img, fmt.Sprintf("  status = %q\n", status)),
			Check:  accCheckMemberStatus(owner, img, me, status),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("openstack_image_member_status.test", tfjsonpath.New("member_id"), knownvalue.StringExact(me)),
				statecheck.ExpectKnownValue("openstack_image_member_status.test", tfjsonpath.New("status"), knownvalue.StringExact(status)),
				statecheck.ExpectKnownValue("openstack_image_member_status.test", tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339)),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		})
	}
	cfg := accStatusConfig(consumer, img, `  status = "accepted"`+"\n")
	steps = append(steps,
		resource.TestStep{Config: cfg, ResourceName: "openstack_image_member_status.test", ImportState: true, ImportStateId: img, ImportStateVerify: true},
		resource.TestStep{Config: cfg, ResourceName: "openstack_image_member_status.test", ImportState: true, ImportStateId: img + "/" + me, ImportStateVerify: true},
	)
	accTest(t, resource.TestCase{
		// destroy_status defaults to rejected.
		CheckDestroy: accCheckMemberStatus(owner, img, me, "rejected"),
		Steps:        steps,
	})
}

func TestAccImageMemberStatus_destroyStatus(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	for destroy, want := range map[string]string{"pending": "pending", "unchanged": "accepted", "rejected": "rejected"} {
		t.Run(destroy, func(t *testing.T) {
			img := owner.CreateImage(t, "destroy-"+destroy, "shared")
			owner.AddMember(t, img, consumer.ProjectID())
			accTest(t, resource.TestCase{
				CheckDestroy: accCheckMemberStatus(owner, img, consumer.ProjectID(), want),
				Steps: []resource.TestStep{{
					Config: accStatusConfig(consumer, img, fmt.Sprintf("  status = \"accepted\"\n  destroy_status = %q\n", destroy)),
					Check:  accCheckMemberStatus(owner, img, consumer.ProjectID(), "accepted"),
				}},
			})
		})
	}
}

func TestAccImageMemberStatus_memberRemovedByOwner(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "status-removed", "shared")
	owner.AddMember(t, img, consumer.ProjectID())
	cfg := accStatusConfig(consumer, img, `  status = "accepted"`+"\n")
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: cfg, Check: accCheckMemberStatus(owner, img, consumer.ProjectID(), "accepted")},
			{
				// Gone from Glance: refresh drops it, and accepting again needs the owner first.
				PreConfig: func() { owner.RemoveMember(t, img, consumer.ProjectID()) },
				Config:    cfg,
				ExpectError: diagRegexp("HTTP 404", img, "project "+consumer.ProjectID(),
					"openstack_image_member"),
			},
			{
				// Shared again by the owner: applying accepts it again.
				PreConfig: func() { owner.AddMember(t, img, consumer.ProjectID()) },
				Config:    cfg,
				Check:     accCheckMemberStatus(owner, img, consumer.ProjectID(), "accepted"),
			},
		},
	})
}

func TestAccImageMemberStatus_strangerAndOwner(t *testing.T) {
	owner, consumer, stranger := acctest.Owner(t), acctest.Consumer(t), acctest.Stranger(t)
	img := owner.CreateImage(t, "status-refused", "shared")
	owner.AddMember(t, img, consumer.ProjectID())
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				// Not shared with the stranger: Glance answers 404; ask the owner.
				Config:      accStatusConfig(stranger, img, `  status = "accepted"`+"\n"),
				ExpectError: diagRegexp("HTTP 404", img, "project "+stranger.ProjectID(), "owner"),
			},
			{
				// The owner may not accept for the member.
				Config:      accStatusConfig(owner, img, fmt.Sprintf("  member_id = %q\n  status = \"accepted\"\n", consumer.ProjectID())),
				ExpectError: diagRegexp("HTTP 403", "member project", consumer.ProjectID()),
			},
		},
	})
	if m, err := owner.Member(img, consumer.ProjectID()); err != nil || m.Status != "pending" {
		t.Errorf("refused attempts changed the member: %+v, %v", m, err)
	}
}

func TestAccImageMembersDataSource(t *testing.T) {
	owner, consumer, stranger := acctest.Owner(t), acctest.Consumer(t), acctest.Stranger(t)
	img := owner.CreateImage(t, "members-ds", "shared")
	owner.AddMember(t, img, consumer.ProjectID())
	owner.AddMember(t, img, stranger.ProjectID())
	row := func(member, status string) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"member_id": knownvalue.StringExact(member), "status": knownvalue.StringExact(status),
		})
	}
	// Both sides in one configuration: the owner's view and the consumer's.
	cfg := func(consumerStatus string) string {
		return owner.Provider("") + consumer.ProviderNamed("consumer") + fmt.Sprintf(`
resource "openstack_image_member_status" "consumer" {
  provider = consumer
  image_id = %[1]q
  status   = %[2]q
}

data "openstack_image_members" "owner_view" {
  image_id   = %[1]q
  depends_on = [openstack_image_member_status.consumer]
}

data "openstack_image_members" "accepted" {
  image_id   = %[1]q
  status     = "accepted"
  depends_on = [openstack_image_member_status.consumer]
}

data "openstack_image_members" "consumer_view" {
  provider   = consumer
  image_id   = %[1]q
  depends_on = [openstack_image_member_status.consumer]
}
`, img, consumerStatus)
	}
	accTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.TwoProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("pending"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openstack_image_members.owner_view", tfjsonpath.New("members"),
						// SetExact: the same rows in any order.
						knownvalue.SetExact([]knownvalue.Check{row(consumer.ProjectID(), "pending"), row(stranger.ProjectID(), "pending")})),
					statecheck.ExpectKnownValue("data.openstack_image_members.accepted", tfjsonpath.New("members"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.openstack_image_members.consumer_view", tfjsonpath.New("members"),
						knownvalue.ListExact([]knownvalue.Check{row(consumer.ProjectID(), "pending")})),
				},
			},
			{
				Config: cfg("accepted"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openstack_image_members.accepted", tfjsonpath.New("members"),
						knownvalue.ListExact([]knownvalue.Check{row(consumer.ProjectID(), "accepted")})),
					statecheck.ExpectKnownValue("data.openstack_image_members.consumer_view", tfjsonpath.New("members"),
						knownvalue.ListExact([]knownvalue.Check{row(consumer.ProjectID(), "accepted")})),
				},
			},
		},
	})
}

func TestAccSharedImagesDataSource_acceptAllFromOwner(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	tag := fmt.Sprintf("batch-%d", time.Now().UnixNano())
	var imgs []string
	for i := 0; i < 3; i++ {
		img := owner.CreateImage(t, fmt.Sprintf("batch-%d", i), "shared", tag)
		owner.AddMember(t, img, consumer.ProjectID())
		imgs = append(imgs, img)
	}
	inbox := func(status string) string {
		return fmt.Sprintf(`
data "openstack_shared_images" "%[1]s" {
  member_status = %[1]q
  owner         = %[2]q
  tags          = [%[3]q]
}
`, status, owner.ProjectID(), tag)
	}
	idsOf := func(status string) knownvalue.Check {
		var checks []knownvalue.Check
		for _, img := range imgs {
			checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"id": knownvalue.StringExact(img), "owner": knownvalue.StringExact(owner.ProjectID()),
				"member_status": knownvalue.StringExact(status), "visibility": knownvalue.StringExact("shared"),
			}))
		}
		return knownvalue.SetExact(checks)
	}
	accept := consumer.Provider("") + inbox("all") + `
resource "openstack_image_member_status" "accept" {
  for_each = { for i in data.openstack_shared_images.all.images : i.id => i }
  image_id = each.key
  status   = "accepted"
}
`
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: consumer.Provider("") + inbox("pending") + inbox("accepted"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openstack_shared_images.pending", tfjsonpath.New("images"), idsOf("pending")),
					statecheck.ExpectKnownValue("data.openstack_shared_images.accepted", tfjsonpath.New("images"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: accept,
				ConfigStateChecks: []statecheck.StateCheck{
					checkGlance(accCheckMemberStatus(owner, imgs[0], consumer.ProjectID(), "accepted")),
					checkGlance(accCheckMemberStatus(owner, imgs[1], consumer.ProjectID(), "accepted")),
					checkGlance(accCheckMemberStatus(owner, imgs[2], consumer.ProjectID(), "accepted")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: accept + inbox("accepted") + inbox("pending"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.openstack_shared_images.accepted", tfjsonpath.New("images"), idsOf("accepted")),
					statecheck.ExpectKnownValue("data.openstack_shared_images.pending", tfjsonpath.New("images"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.openstack_shared_images.all", tfjsonpath.New("images"), idsOf("accepted")),
				},
			},
			{
				// Destroy the for_each instances in a step (the framework's
				// end-of-test checks cannot read for_each keys): each is rejected.
				Config: consumer.Provider(""),
				ConfigStateChecks: []statecheck.StateCheck{
					checkGlance(accCheckMemberStatus(owner, imgs[0], consumer.ProjectID(), "rejected")),
					checkGlance(accCheckMemberStatus(owner, imgs[2], consumer.ProjectID(), "rejected")),
				},
			},
		},
	})
}

// checkGlance runs a check of Glance's side as a state check, which, unlike
// Check, works with for_each resources.
func checkGlance(f resource.TestCheckFunc) statecheck.StateCheck { return glanceCheck{f} }

type glanceCheck struct{ f resource.TestCheckFunc }

func (c glanceCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.f(nil)
}
