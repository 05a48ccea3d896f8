package image_test

import (
	"fmt"
	"regexp"
	"strings"
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

const statusAddr = "openstack_image_member_status.test"

// statusConfig declares a provider aliased "consumer" that logs in as the
// project named by as, and an openstack_image_member_status run by it.
func (s *sharing) statusConfig(as, imageID, extra string) string {
	return s.cloud.ProviderConfig("consumer", as) + fmt.Sprintf(`
resource "openstack_image_member_status" "test" {
  provider = openstack.consumer
  image_id = %q
%s}
`, imageID, extra)
}

// Two identities in one configuration. Terraform reattaches every
// configuration of a provider to the one in-process server the test
// harness starts for it, and the framework keeps only the last
// ConfigureProvider: two aliases of "openstack" would both act as whichever
// was configured last. (A real Terraform run starts one plugin process per
// configuration, so aliases work there.) A second local provider name,
// "consumer", served by the same provider code, gets its own server.

// consumerProvider is a provider block with local name "consumer" that logs
// in as the named project; resources use it with `provider = consumer`.
func (s *sharing) consumerProvider(name string) string {
	return strings.Replace(s.cloud.ProviderConfig("", name), `provider "openstack"`, `provider "consumer"`, 1)
}

// twoIdentityTest runs a test case whose configuration uses both the
// default "openstack" provider and the "consumer" one.
func twoIdentityTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	tc.ProtoV6ProviderFactories = acctest.TwoProviderFactories
	resource.UnitTest(t, tc)
}

// checkStored checks the member's status as the fake stores it, whatever
// the image's visibility.
func (s *sharing) checkStored(imageID, member, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, ok := s.cloud.Member(imageID, member)
		switch {
		case !ok:
			return fmt.Errorf("member %s of image %s does not exist, want status %s", member, imageID, want)
		case m.Status != want:
			return fmt.Errorf("member %s of image %s has status %s, want %s", member, imageID, m.Status, want)
		}
		return nil
	}
}

func stateIs(addr, attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), want)
}

func TestMemberStatusResource_basic(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "basic", "shared")
	s.cloud.PutMember(img, s.consumer.ID, "pending")
	id := img + "/" + s.consumer.ID
	step := func(status string, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			Config: s.statusConfig("consumer", img, fmt.Sprintf("  status = %q\n", status)),
			Check:  s.checkStored(img, s.consumer.ID, status),
			ConfigStateChecks: []statecheck.StateCheck{
				stateIs(statusAddr, "status", knownvalue.StringExact(status)),
				stateIs(statusAddr, "id", knownvalue.StringExact(id)),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(statusAddr, action)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}
	}

	accept := step("accepted", plancheck.ResourceActionCreate)
	// member_id defaults to the provider's project, already in the plan.
	accept.ConfigPlanChecks.PreApply = append(accept.ConfigPlanChecks.PreApply,
		plancheck.ExpectKnownValue(statusAddr, tfjsonpath.New("member_id"), knownvalue.StringExact(s.consumer.ID)))
	accept.ConfigStateChecks = append(accept.ConfigStateChecks,
		stateIs(statusAddr, "image_id", knownvalue.StringExact(img)),
		stateIs(statusAddr, "member_id", knownvalue.StringExact(s.consumer.ID)),
		stateIs(statusAddr, "destroy_status", knownvalue.StringExact("rejected")),
		stateIs(statusAddr, "region", knownvalue.StringExact(fakecloud.Region)),
		stateIs(statusAddr, "created_at", knownvalue.StringRegexp(rfc3339)),
		stateIs(statusAddr, "updated_at", knownvalue.StringRegexp(rfc3339)),
	)

	unitTest(t, resource.TestCase{
		// destroy_status defaults to rejected.
		CheckDestroy: s.checkStored(img, s.consumer.ID, "rejected"),
		Steps: []resource.TestStep{
			accept,
			{
				ResourceName:      statusAddr,
				ImportState:       true,
				ImportStateId:     img,
				ImportStateVerify: true,
			},
			{
				ResourceName:      statusAddr,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			step("rejected", plancheck.ResourceActionUpdate),
			step("pending", plancheck.ResourceActionUpdate),
		},
	})
}

func TestMemberStatusResource_destroyStatus(t *testing.T) {
	cases := []struct {
		destroyStatus string
		action        plancheck.ResourceActionType // changing it from the default
		stored        string                       // the status after destroy
	}{
		{"rejected", plancheck.ResourceActionNoop, "rejected"},
		{"pending", plancheck.ResourceActionUpdate, "pending"},
		{"unchanged", plancheck.ResourceActionUpdate, "accepted"},
	}
	for _, tc := range cases {
		t.Run(tc.destroyStatus, func(t *testing.T) {
			s := newSharing(t)
			img := s.cloud.AddImage(s.owner, "img", "shared")
			s.cloud.PutMember(img, s.consumer.ID, "pending")
			unitTest(t, resource.TestCase{
				CheckDestroy: s.checkStored(img, s.consumer.ID, tc.stored),
				Steps: []resource.TestStep{
					{
						Config: s.statusConfig("consumer", img, `  status = "accepted"`+"\n"),
						Check:  s.checkStored(img, s.consumer.ID, "accepted"),
					},
					{
						// Only the state changes: no replacement, Glance untouched.
						Config: s.statusConfig("consumer", img, fmt.Sprintf("  status = \"accepted\"\n  destroy_status = %q\n", tc.destroyStatus)),
						Check:  s.checkStored(img, s.consumer.ID, "accepted"),
						ConfigStateChecks: []statecheck.StateCheck{
							stateIs(statusAddr, "destroy_status", knownvalue.StringExact(tc.destroyStatus)),
						},
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(statusAddr, tc.action)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}

// The member disappears behind Terraform's back: refresh drops it with a
// warning, the plan creates it again, and the apply explains what to ask
// the owner. Once the owner shares again, the next apply accepts again.
func TestMemberStatusResource_memberDisappears(t *testing.T) {
	cases := map[string]struct {
		disappear, reappear func(s *sharing, img string)
	}{
		"removed by the owner": {
			disappear: func(s *sharing, img string) { s.cloud.RemoveMember(img, s.consumer.ID) },
			reappear:  func(s *sharing, img string) { s.cloud.PutMember(img, s.consumer.ID, "pending") },
		},
		// A dormant member: the row survives and comes back with the image.
		"image made private": {
			disappear: func(s *sharing, img string) { s.cloud.SetVisibility(img, "private") },
			reappear:  func(s *sharing, img string) { s.cloud.SetVisibility(img, "shared") },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := newSharing(t)
			img := s.cloud.AddImage(s.owner, "img", "shared")
			s.cloud.PutMember(img, s.consumer.ID, "pending")
			config := s.statusConfig("consumer", img, `  status = "accepted"`+"\n")
			unitTest(t, resource.TestCase{
				CheckDestroy: s.checkStored(img, s.consumer.ID, "rejected"),
				Steps: []resource.TestStep{
					{Config: config, Check: s.checkStored(img, s.consumer.ID, "accepted")},
					{
						PreConfig: func() { tc.disappear(s, img) },
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(statusAddr, plancheck.ResourceActionCreate)},
						},
						ExpectError: diagRegexp("Image not shared with project", "HTTP 404",
							"image "+img+" is not shared with project "+s.consumer.ID,
							"Ask the image's owner to add project "+s.consumer.ID, "openstack_image_member, using the owner's credentials"),
					},
					{
						PreConfig: func() { tc.reappear(s, img) },
						Config:    config,
						Check:     s.checkStored(img, s.consumer.ID, "accepted"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(statusAddr, plancheck.ResourceActionCreate)},
						},
					},
				},
			})
		})
	}
}

func TestMemberStatusResource_refused(t *testing.T) {
	s := newSharing(t)
	shared := s.cloud.AddImage(s.owner, "shared", "shared")
	private := s.cloud.AddImage(s.owner, "private", "private")
	s.cloud.PutMember(shared, s.consumer.ID, "pending")
	s.cloud.PutMember(private, s.consumer.ID, "pending")

	cases := map[string]struct {
		as, image, extra string
		want             *regexp.Regexp
	}{
		"stranger is told to ask the owner": {
			as: "stranger", image: shared,
			want: diagRegexp("Image not shared with project", "HTTP 404", "image "+shared+" is not shared with project "+s.stranger.ID,
				"Ask the image's owner to add project "+s.stranger.ID+" as a member of image "+shared, "openstack_image_member"),
		},
		"stranger cannot set another member's status": {
			as: "stranger", image: shared, extra: fmt.Sprintf("  member_id = %q\n", s.consumer.ID),
			want: diagRegexp("Image not shared with project", "HTTP 404", "authenticated as project "+s.stranger.ID+", not as the member project "+s.consumer.ID),
		},
		"missing image": {
			as: "consumer", image: "11111111-2222-4333-8444-555555555555",
			want: diagRegexp("Image not shared with project", "HTTP 404", "not shared with project "+s.consumer.ID),
		},
		"owner may not set the status": {
			as: "owner", image: shared, extra: fmt.Sprintf("  member_id = %q\n", s.consumer.ID),
			want: diagRegexp("Cannot set image member status", "HTTP 403", "Only the member project or an admin may set a member's status",
				"the image's owner cannot", "authenticated as project "+s.owner.ID+", which owns image "+shared,
				"credentials of the member project "+s.consumer.ID),
		},
		"owner of a private image": {
			as: "owner", image: private, extra: fmt.Sprintf("  member_id = %q\n", s.consumer.ID),
			want: diagRegexp("Cannot set image member status", "HTTP 403",
				`visibility "private"`, "openstack image set --shared "+private),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			unitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:      s.statusConfig(tc.as, tc.image, `  status = "accepted"`+"\n"+tc.extra),
					ExpectError: tc.want,
				}},
			})
		})
	}
	for _, img := range []string{shared, private} {
		if m, _ := s.cloud.Member(img, s.consumer.ID); m.Status != "pending" {
			t.Errorf("image %s: a refused call changed the consumer's status to %s", img, m.Status)
		}
	}
}

func TestMemberStatusResource_importInvalidID(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	s.cloud.PutMember(img, s.consumer.ID, "accepted")
	config := s.statusConfig("consumer", img, `  status = "accepted"`+"\n")
	for _, id := range []string{"not-an-image", img + "/", "/" + s.consumer.ID, img + "/a/b"} {
		t.Run(id, func(t *testing.T) {
			unitTest(t, resource.TestCase{
				Steps: []resource.TestStep{
					{Config: config},
					{
						Config:        config,
						ResourceName:  statusAddr,
						ImportState:   true,
						ImportStateId: id,
						ExpectError:   diagRegexp("Invalid import ID", "<image_id>", "<image_id>/<member_id>", "terraform import openstack_image_member_status.NAME"),
					},
				},
			})
		})
	}
}

// An import block adopts a membership accepted or pending outside
// Terraform: the plan updates it in place instead of creating it.
func TestMemberStatusResource_importBlock(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	s.cloud.PutMember(img, s.consumer.ID, "pending")
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkStored(img, s.consumer.ID, "rejected"),
		Steps: []resource.TestStep{{
			Config: s.statusConfig("consumer", img, `  status = "accepted"`+"\n") + fmt.Sprintf(`
import {
  provider = openstack.consumer
  to       = openstack_image_member_status.test
  id       = %q
}
`, img),
			Check: s.checkStored(img, s.consumer.ID, "accepted"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(statusAddr, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				stateIs(statusAddr, "id", knownvalue.StringExact(img+"/"+s.consumer.ID)),
				stateIs(statusAddr, "destroy_status", knownvalue.StringExact("rejected")),
			},
		}},
	})
}

// The whole workflow in one configuration: the owner shares, the consumer
// accepts; on destroy the consumer rejects before the owner removes the
// member.
func TestMemberStatusResource_withOwnerShare(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	config := s.cloud.ProviderConfig("", "owner") + s.consumerProvider("consumer") + fmt.Sprintf(`
resource "openstack_image_member" "share" {
  image_id  = %q
  member_id = %q
}

resource "openstack_image_member_status" "test" {
  provider  = consumer
  image_id  = openstack_image_member.share.image_id
  member_id = openstack_image_member.share.member_id
  status    = "accepted"
}
`, img, s.consumer.ID)
	memberPath := "/image/v2/images/" + img + "/members/" + s.consumer.ID
	twoIdentityTest(t, resource.TestCase{
		CheckDestroy: func(st *terraform.State) error {
			if err := s.checkMemberGone(img, s.consumer.ID)(st); err != nil {
				return err
			}
			reqs := s.cloud.Requests()
			put, del := -1, -1
			for i, r := range reqs {
				switch r {
				case "PUT " + memberPath:
					put = i
				case "DELETE " + memberPath:
					del = i
				}
			}
			if put < 0 || del < 0 || put > del {
				return fmt.Errorf("want the status reset (last PUT at %d) before the member's removal (DELETE at %d)", put, del)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check:  s.checkStored(img, s.consumer.ID, "accepted"),
			ConfigStateChecks: []statecheck.StateCheck{
				stateIs("openstack_image_member.share", "status", knownvalue.StringExact("pending")),
				stateIs(statusAddr, "status", knownvalue.StringExact("accepted")),
			},
			// The owner's member refreshes to accepted; the config leaves its
			// status unset, so there is nothing to change.
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}
