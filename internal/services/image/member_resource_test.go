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
		admin:    c.Project("admin"),
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

// diagRegexp matches a diagnostic that contains the fragments in order.
// Terraform wraps diagnostic text, so any space may be a line break.
func diagRegexp(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

func TestMemberResource_createErrors(t *testing.T) {
	s := newSharing(t)
	shared := s.cloud.AddImage(s.owner, "shared", "shared")
	private := s.cloud.AddImage(s.owner, "private", "private")
	s.cloud.PutMember(shared, s.stranger.ID, "pending")

	cases := map[string]struct {
		as, image, member string
		setup             func()
		want              *regexp.Regexp
	}{
		"duplicate gives the import hint": {
			as: "owner", image: shared, member: s.stranger.ID,
			want: diagRegexp("Image member already exists", "HTTP 409", "terraform import openstack_image_member.NAME "+shared+"/"+s.stranger.ID,
				"import {", "to = openstack_image_member.NAME", `id = "`+shared+"/"+s.stranger.ID+`"`),
		},
		"quota names image_member_quota": {
			as: "owner", image: shared, member: s.consumer.ID,
			setup: func() { s.cloud.SetMemberQuota(1) },
			want:  diagRegexp("Image member quota reached", "HTTP 413", "image_member_quota"),
		},
		"private image must be shared first": {
			as: "owner", image: private, member: s.consumer.ID,
			want: diagRegexp("Image is not shared", "(HTTP 403: Not allowed to create members for image "+private+".)", `visibility "private"`, "openstack image set --shared "+private),
		},
		"member cannot add members": {
			as: "stranger", image: shared, member: s.consumer.ID,
			want: diagRegexp("Cannot share image", "HTTP 403", "authenticated as project "+s.stranger.ID, "owned by project "+s.owner.ID, "only the owner may add"),
		},
		"stranger does not see the image": {
			as: "consumer", image: shared, member: s.consumer.ID,
			want: diagRegexp("Image not found", "HTTP 404", "not visible to project "+s.consumer.ID),
		},
		"missing image": {
			as: "owner", image: "11111111-2222-4333-8444-555555555555", member: s.consumer.ID,
			want: diagRegexp("Image not found", "HTTP 404"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s.cloud.SetMemberQuota(128)
			if tc.setup != nil {
				tc.setup()
			}
			unitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:      s.memberConfig(tc.as, tc.image, tc.member, ""),
					ExpectError: tc.want,
				}},
			})
		})
	}
}

func TestMemberResource_diagnosticsHaveNoHTML(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	s.cloud.Fail(fakecloud.Fault{Method: "POST", Path: "/members", Status: 500,
		Body: "<html><head><title>500 Internal Server Error</title></head><body><h1>500 Internal Server Error</h1>The server has either erred or is incapable of performing the requested operation.<br /><br /></body></html>"})
	unitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      s.memberConfig("owner", img, s.consumer.ID, ""),
			ExpectError: diagRegexp("Cannot share image", "Adding project "+s.consumer.ID+" to image "+img+" failed (HTTP 500: The server has either erred or is incapable of performing the requested operation.)"),
		}},
	})
}

func TestMemberResource_statusByOwnerIsKept(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkMemberGone(img, s.consumer.ID),
		Steps: []resource.TestStep{
			{
				Config: s.memberConfig("owner", img, s.consumer.ID, `  status = "accepted"`+"\n"),
				ExpectError: diagRegexp("Member status not set", "kept in the state", `"accepted"`, "HTTP 403",
					"Only the member project ("+s.consumer.ID+") or an admin", "openstack_image_member_status"),
			},
			{
				// The member is in the state (tainted, so replaced), not orphaned.
				PreConfig: func() {
					if _, ok := s.cloud.Member(img, s.consumer.ID); !ok {
						t.Fatal("the member was not created")
					}
				},
				Config: s.memberConfig("owner", img, s.consumer.ID, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openstack_image_member.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

// A failure other than 403 while setting the status is not about ownership.
func TestMemberResource_statusServerError(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	s.cloud.Fail(fakecloud.Fault{Method: "PUT", Path: "/members/" + s.consumer.ID, Status: 503, Body: `{"message": "Service Unavailable"}`})
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkMemberGone(img, s.consumer.ID),
		Steps: []resource.TestStep{{
			Config: s.memberConfig("admin", img, s.consumer.ID, `  status = "accepted"`+"\n"),
			ExpectError: diagRegexp("Member status not set", "Project "+s.consumer.ID+" is a member of image "+img+
				` and is kept in the state, but setting its status to "accepted" failed (HTTP 503: Service Unavailable)`),
		}},
	})
}

func TestMemberResource_statusByAdmin(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkMemberGone(img, s.consumer.ID),
		Steps: []resource.TestStep{
			{
				Config: s.memberConfig("admin", img, s.consumer.ID, `  status = "accepted"`+"\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
			{
				Config: s.memberConfig("admin", img, s.consumer.ID, `  status = "rejected"`+"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openstack_image_member.test", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if m, _ := s.cloud.Member(img, s.consumer.ID); m.Status != "rejected" {
						return fmt.Errorf("status in Glance is %q, want rejected", m.Status)
					}
					return nil
				},
			},
		},
	})
}

func TestMemberResource_disappears(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkMemberGone(img, s.consumer.ID),
		Steps: []resource.TestStep{
			{Config: s.memberConfig("owner", img, s.consumer.ID, "")},
			{
				PreConfig: func() { s.cloud.RemoveMember(img, s.consumer.ID) },
				Config:    s.memberConfig("owner", img, s.consumer.ID, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openstack_image_member.test", plancheck.ResourceActionCreate),
				}},
			},
			{
				// Image deleted: the member goes with it, destroy has nothing to do.
				PreConfig: func() { s.cloud.DeleteImage(img) },
				Config:    s.memberConfig("owner", img, s.consumer.ID, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openstack_image_member.test", plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`Image not found`),
			},
		},
	})
}

func TestMemberResource_dormant(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	cfg := s.memberConfig("owner", img, s.consumer.ID, "")
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkMemberGone(img, s.consumer.ID),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					s.cloud.PutMember(img, s.consumer.ID, "accepted")
					s.cloud.SetVisibility(img, "private")
				},
				Config: cfg,
				// Kept in the state: no create that Glance would refuse.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:      cfg,
				Destroy:     true,
				ExpectError: diagRegexp("Image is not shared", "HTTP 403", `visibility "private"`, "freezes the member list", "terraform state rm"),
			},
			{
				PreConfig: func() { s.cloud.SetVisibility(img, "shared") },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("openstack_image_member.test", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestMemberResource_deleteErrors(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	owner := s.memberConfig("owner", img, s.consumer.ID, "")
	unitTest(t, resource.TestCase{
		CheckDestroy: s.checkMemberGone(img, s.consumer.ID),
		Steps: []resource.TestStep{
			{Config: owner},
			{
				// The member project cannot remove itself: Glance answers 403.
				Config:  s.memberConfig("consumer", img, s.consumer.ID, ""),
				Destroy: true,
				ExpectError: diagRegexp("Cannot remove image member", "HTTP 403", "authenticated as project "+s.consumer.ID,
					"owned by project "+s.owner.ID, "owner's credentials", "rejected with openstack_image_member_status"),
			},
			{
				PreConfig: func() {
					if _, ok := s.cloud.Member(img, s.consumer.ID); !ok {
						t.Fatal("the refused destroy removed the member")
					}
					s.cloud.Fail(fakecloud.Fault{Method: "DELETE", Path: "/members/" + s.consumer.ID, Status: 503, Body: `{"message": "Service Unavailable"}`})
				},
				Config:      owner,
				Destroy:     true,
				ExpectError: diagRegexp("Cannot remove image member", "Removing project "+s.consumer.ID+" from image "+img+" failed (HTTP 503: Service Unavailable)"),
			},
			{
				// 404 on delete (member already removed) is success.
				PreConfig: func() {
					s.cloud.Fail(fakecloud.Fault{Method: "DELETE", Path: "/members/" + s.consumer.ID, Status: 404, Body: "not found"})
				},
				Config:  owner,
				Destroy: true,
			},
			{
				// The injected 404 left the member in Glance; the state no longer has it.
				PreConfig: func() { s.cloud.RemoveMember(img, s.consumer.ID) },
				Config:    owner,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("openstack_image_member.test", plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestMemberResource_planTimeValidation(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	for name, tc := range map[string]struct{ image, member, extra, want string }{
		"image id not a uuid": {"not-a-uuid", s.consumer.ID, "", `must be an image ID`},
		"member with slash":   {img, "a/b", "", `without "/"`},
		"member empty":        {img, "", "", `length must be between 1 and 255`},
		"member too long":     {img, strings.Repeat("x", 256), "", `length must be between 1 and 255`},
		"status not a status": {img, s.consumer.ID, `  status = "approved"` + "\n", `value must be one of`},
	} {
		t.Run(name, func(t *testing.T) {
			unitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:      s.memberConfig("owner", tc.image, tc.member, tc.extra),
					PlanOnly:    true,
					ExpectError: diagRegexp(tc.want),
				}},
			})
		})
	}
	if got := s.cloud.Requests(); len(got) > 0 {
		for _, r := range got {
			if strings.Contains(r, "/members") {
				t.Errorf("plan-time validation reached Glance: %s", r)
			}
		}
	}
}

func TestMemberResource_importMalformed(t *testing.T) {
	s := newSharing(t)
	img := s.cloud.AddImage(s.owner, "img", "shared")
	unitTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: s.memberConfig("owner", img, s.consumer.ID, "")},
			{
				ResourceName:  "openstack_image_member.test",
				ImportState:   true,
				ImportStateId: img,
				ExpectError:   diagRegexp("Invalid import ID", "<image_id>/<member_id>"),
			},
		},
	})
}
