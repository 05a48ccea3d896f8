package image_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/imageshare/terraform-provider-openstack/internal/acctest"
)

// Acceptance tests: the same scenarios as the hermetic tests, against the
// real Keystone + Glance named by the environment (see internal/acctest).

func accTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	if tc.ProtoV6ProviderFactories == nil {
		tc.ProtoV6ProviderFactories = acctest.ProtoV6ProviderFactories
	}
	tc.PreCheck = func() { acctest.PreCheck(t) }
	resource.Test(t, tc)
}

func accMemberConfig(as *acctest.Identity, imageID, member, extra string) string {
	return as.Provider("") + fmt.Sprintf(`
resource "openstack_image_member" "test" {
  image_id  = %q
  member_id = %q
%s}
`, imageID, member, extra)
}

// accCheckMemberGone reads Glance as the owner: the member must be gone.
func accCheckMemberGone(owner *acctest.Identity, imageID, member string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := owner.Member(imageID, member)
		switch {
		case errors.Is(err, acctest.ErrNoMember):
			return nil
		case err != nil:
			return err
		}
		return fmt.Errorf("member %s of image %s still exists (status %s)", member, imageID, m.Status)
	}
}

func accCheckMemberStatus(as *acctest.Identity, imageID, member, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := as.Member(imageID, member)
		if err != nil {
			return fmt.Errorf("reading member %s of image %s: %w", member, imageID, err)
		}
		if m.Status != want {
			return fmt.Errorf("member %s of image %s has status %q in Glance, want %q", member, imageID, m.Status, want)
		}
		return nil
	}
}

func TestAccImageMember_basic(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "basic", "shared")
	id := img + "/" + consumer.ProjectID()
	cfg := accMemberConfig(owner, img, consumer.ProjectID(), "")
	accTest(t, resource.TestCase{
		CheckDestroy: accCheckMemberGone(owner, img, consumer.ProjectID()),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check:  accCheckMemberStatus(owner, img, consumer.ProjectID(), "pending"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339)),
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:            cfg,
				ResourceName:      "openstack_image_member.test",
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			{
				Config:          cfg,
				ResourceName:    "openstack_image_member.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id,
			},
			{
				// The consumer accepts with its own credentials: the owner's state follows, no diff.
				PreConfig: func() { consumer.SetMemberStatus(t, img, consumer.ProjectID(), "accepted") },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccImageMember_disappears(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "disappears", "shared")
	cfg := accMemberConfig(owner, img, consumer.ProjectID(), "")
	accTest(t, resource.TestCase{
		CheckDestroy: accCheckMemberGone(owner, img, consumer.ProjectID()),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() { owner.RemoveMember(t, img, consumer.ProjectID()) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openstack_image_member.test", plancheck.ResourceActionCreate),
				}},
				Check: accCheckMemberStatus(owner, img, consumer.ProjectID(), "pending"),
			},
			{
				// Image deleted: Glance drops its members; destroy has nothing left to do.
				PreConfig: func() { owner.DeleteImage(t, img) },
				Config:    cfg,
				Destroy:   true,
			},
		},
	})
}

// ownership and status run in both policy modes (make test runs the suite
// against a legacy and a secure-RBAC Glance).
func TestAccImageMember_ownership(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "ownership", "shared")
	cfg := accMemberConfig(owner, img, consumer.ProjectID(), "")
	accTest(t, resource.TestCase{
		CheckDestroy: accCheckMemberGone(owner, img, consumer.ProjectID()),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config:  accMemberConfig(consumer, img, consumer.ProjectID(), ""),
				Destroy: true,
				ExpectError: diagRegexp("Cannot remove image member", "HTTP 403", "authenticated as project "+consumer.ProjectID(),
					"owned by project "+owner.ProjectID(), "only the owner may remove", "owner's credentials"),
			},
			{
				// Untouched by the refused destroy.
				Config: cfg,
				Check:  accCheckMemberStatus(owner, img, consumer.ProjectID(), "pending"),
			},
		},
	})
}

func TestAccImageMember_stranger(t *testing.T) {
	owner, consumer, stranger := acctest.Owner(t), acctest.Consumer(t), acctest.Stranger(t)
	img := owner.CreateImage(t, "stranger", "shared")
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      accMemberConfig(stranger, img, consumer.ProjectID(), ""),
			ExpectError: diagRegexp("Image not found", "HTTP 404", "not visible to project "+stranger.ProjectID()),
		}},
	})
}

func TestAccImageMember_dormant(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "dormant", "shared")
	cfg := accMemberConfig(owner, img, consumer.ProjectID(), "")
	accTest(t, resource.TestCase{
		CheckDestroy: accCheckMemberGone(owner, img, consumer.ProjectID()),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(*terraform.State) error {
					consumer.SetMemberStatus(t, img, consumer.ProjectID(), "accepted")
					return nil
				},
			},
			{
				PreConfig: func() { owner.SetVisibility(t, img, "private") },
				Config:    cfg,
				// Kept in the state: no create that Glance would refuse with 403.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:      cfg,
				Destroy:     true,
				ExpectError: diagRegexp("Image is not shared", "HTTP 403", `visibility "private"`, "freezes the member list", "terraform state rm"),
			},
			{
				PreConfig: func() { owner.SetVisibility(t, img, "shared") },
				Config:    cfg,
				Check:     accCheckMemberStatus(owner, img, consumer.ProjectID(), "accepted"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccImageMember_alreadyExists(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "exists", "shared")
	owner.AddMember(t, img, consumer.ProjectID())
	id := img + "/" + consumer.ProjectID()
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: accMemberConfig(owner, img, consumer.ProjectID(), ""),
			ExpectError: diagRegexp("Image member already exists", "HTTP 409",
				"terraform import openstack_image_member.NAME "+id, "to = openstack_image_member.NAME", `id = "`+id+`"`),
		}},
	})
}

func TestAccImageMember_quota(t *testing.T) {
	owner, consumer := acctest.Owner(t), acctest.Consumer(t)
	img := owner.CreateImage(t, "quota", "shared")
	if n := owner.AddMembersUntilFull(t, img, 300); n == 0 {
		t.Fatal("Glance refused the first member")
	}
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      accMemberConfig(owner, img, consumer.ProjectID(), ""),
			ExpectError: diagRegexp("Image member quota reached", "HTTP 413", "image_member_quota"),
		}},
	})
}

func TestAccImageMember_status(t *testing.T) {
	owner, consumer, admin := acctest.Owner(t), acctest.Consumer(t), acctest.Admin(t)
	img := owner.CreateImage(t, "status", "shared")
	accTest(t, resource.TestCase{
		CheckDestroy: accCheckMemberGone(owner, img, consumer.ProjectID()),
		Steps: []resource.TestStep{
			{
				Config: accMemberConfig(owner, img, consumer.ProjectID(), `  status = "accepted"`+"\n"),
				ExpectError: diagRegexp("Member status not set", "kept in the state", "HTTP 403",
					"Only the member project ("+consumer.ProjectID()+") or an admin", "openstack_image_member_status"),
			},
			{
				// Kept in the state (tainted): the next plan replaces it rather than adding a second one.
				Config: accMemberConfig(owner, img, consumer.ProjectID(), ""),
				Check:  accCheckMemberStatus(owner, img, consumer.ProjectID(), "pending"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openstack_image_member.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				Config: accMemberConfig(admin, img, consumer.ProjectID(), `  status = "accepted"`+"\n"),
				Check:  accCheckMemberStatus(owner, img, consumer.ProjectID(), "accepted"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
		},
	})
}
