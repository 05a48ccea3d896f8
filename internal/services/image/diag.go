package image

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

// All the wording users read lives here, so every resource speaks alike:
// a short summary, then what happened (image, member, project, HTTP status),
// why, and what to do next.

// project names the caller's project for messages.
func project(p string) string {
	if p == "" {
		return "(unknown: the token is not scoped to a project)"
	}
	return p
}

// forbiddenCause is why Glance refused a member call with 403: the caller
// does not own the image, or the image is not shared. Glance does not say.
type forbiddenCause struct {
	image     *images.Image
	lookupErr error
}

// explainForbidden reads the image to tell the two 403 causes apart.
func explainForbidden(ctx context.Context, client *conns.Client, region, imageID string) forbiddenCause {
	sc, err := client.ImageClient(region)
	if err != nil {
		return forbiddenCause{lookupErr: err}
	}
	img, err := findImage(ctx, sc, imageID)
	return forbiddenCause{image: img, lookupErr: err}
}

// forbiddenDiag builds the 403 diagnostic for adding ("add") or removing
// ("remove") a member.
func forbiddenDiag(action string, imageID, member, caller string, cause forbiddenCause, err error) diag.Diagnostic {
	verb, summary := "add project "+member+" to", "Cannot share image"
	if action == "remove" {
		verb, summary = "remove project "+member+" from", "Cannot remove image member"
	}
	head := fmt.Sprintf("Glance refused to %s image %s (%s).", verb, imageID, conns.Said(err))
	img := cause.image
	switch {
	case img != nil && img.Owner != caller:
		next := "Configure this resource's provider with the owner's credentials (a provider alias for the owner project)."
		if action == "remove" {
			next = "Run destroy with a provider configured with the owner's credentials, or forget the member with " +
				"`terraform state rm` if it should stay. If project " + project(caller) + " is the member and no longer wants the image, " +
				"set its status to rejected with openstack_image_member_status instead."
		}
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf(
			"%s The provider is authenticated as project %s, but image %s is owned by project %s, and only the owner may %s its members. %s",
			head, project(caller), imageID, img.Owner, action, next))
	case img != nil && img.Visibility != images.ImageVisibilityShared:
		if action == "remove" {
			return diag.NewErrorDiagnostic("Image is not shared", fmt.Sprintf(
				"%s Image %s has visibility %q, and Glance freezes the member list of images that are not shared: "+
					"member %s still exists but cannot be removed. Either set the image's visibility back to shared "+
					"(for example `openstack image set --shared %s`) and destroy again, or forget the member with "+
					"`terraform state rm`; it then stays in Glance, dormant, and returns if the image is shared again.",
				head, imageID, img.Visibility, member, imageID))
		}
		return diag.NewErrorDiagnostic("Image is not shared", fmt.Sprintf(
			"%s Image %s has visibility %q; only images with visibility \"shared\" have members. "+
				"Set its visibility to shared (for example `openstack image set --shared %s`) and apply again.",
			head, imageID, img.Visibility, imageID))
	case img != nil:
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf(
			"%s Project %s owns image %s and the image is shared, so the refusal comes from the cloud's policy: "+
				"the user may lack the role it requires (under secure RBAC, the member role on project %s). Ask the cloud operator.",
			head, project(caller), imageID, project(caller)))
	default:
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf(
			"%s Either project %s does not own image %s (only the owner may %s members; use the owner's credentials), "+
				"or the image's visibility is not shared (Glance only keeps members of shared images). "+
				"Reading the image to tell which failed too: %s.",
			head, project(caller), imageID, action, conns.Said(cause.lookupErr)))
	}
}

func imageNotFoundDiag(imageID, member, caller string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Image not found", fmt.Sprintf(
		"Glance could not add project %s to image %s (%s): the image does not exist or is not visible to project %s. "+
			"Check image_id, and that this resource's provider authenticates as the image's owner.",
		member, imageID, conns.Said(err), project(caller)))
}

func memberExistsDiag(imageID, member string, err error) diag.Diagnostic {
	id := memberID(imageID, member)
	return diag.NewErrorDiagnostic("Image member already exists", fmt.Sprintf(
		"Project %s is already a member of image %s (%s); it was added outside this configuration. "+
			"Adopt it instead of creating it, replacing NAME with this resource's name:\n\n"+
			"  terraform import openstack_image_member.NAME %s\n\n"+
			"or, with Terraform 1.5 or later and OpenTofu, an import block:\n\n"+
			"  import {\n    to = openstack_image_member.NAME\n    id = %q\n  }",
		member, imageID, conns.Said(err), id, id))
}

func memberQuotaDiag(imageID, member string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Image member quota reached", fmt.Sprintf(
		"Glance refused to add project %s to image %s (%s): the image already has as many members as Glance's "+
			"per-image member quota (image_member_quota, 128 by default) allows. Glance checks the quota before "+
			"anything else, so this also happens for a project that is already a member. Remove members that no "+
			"longer need the image, or ask the cloud operator to raise image_member_quota.",
		member, imageID, conns.Said(err)))
}

// statusNotSetDiag: the member exists (and stays in the state), but setting
// its status failed. Only a 403 is about who may set it.
func statusNotSetDiag(imageID, member, status, caller string, err error) diag.Diagnostic {
	if statusOf(err) != http.StatusForbidden {
		return apiDiag("Member status not set", fmt.Sprintf(
			"Project %s is a member of image %s and is kept in the state, but setting its status to %q", member, imageID, status), err)
	}
	return diag.NewErrorDiagnostic("Member status not set", fmt.Sprintf(
		"Project %s was added to image %s and is kept in the state, but Glance refused to set its status to %q (%s). "+
			"Only the member project (%s) or an admin may set a member's status; the image owner (here project %s) cannot. "+
			"Remove status from this resource and accept the share with openstack_image_member_status, "+
			"configured with the member project's credentials.",
		member, imageID, status, conns.Said(err), member, project(caller)))
}

func statusNotFoundDiag(imageID, member, caller string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Image member not found", fmt.Sprintf(
		"Glance found no member %s on image %s visible to project %s (%s). The image may have been deleted, "+
			"made private, or the member removed by the owner. Run terraform apply again to refresh.",
		member, imageID, project(caller), conns.Said(err)))
}

// noImageServiceDiag reports that the catalog has no usable image endpoint.
func noImageServiceDiag(err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("No image service", err.Error())
}

// callerProjectUnknownDiag: member_id defaults to the caller's project, but
// the token names none.
func callerProjectUnknownDiag(imageID string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Member project unknown", fmt.Sprintf(
		"member_id is not set for image %s, so it defaults to the project the provider's token is scoped to, "+
			"but the token is not scoped to a project. Set member_id, or scope the provider to the member project "+
			"(tenant_name or tenant_id, or the project of the clouds.yaml entry).", imageID))
}

// notSharedWithDiag: Glance answered 404 to setting a member's status. The
// image is not shared with the member, or the caller cannot see it.
func notSharedWithDiag(imageID, member, caller, status string, err error) diag.Diagnostic {
	var who string
	if member != caller {
		who = fmt.Sprintf(" The provider is authenticated as project %s, not as the member project %s: "+
			"Glance shows a member's row only to the image owner and to the member itself, and only the member may set its status, "+
			"so configure this resource's provider with project %s's credentials (or leave member_id unset to use the provider's project).",
			project(caller), member, member)
	}
	return diag.NewErrorDiagnostic("Image not shared with project", fmt.Sprintf(
		"Glance could not set the status of project %s on image %s to %q (%s): image %s is not shared with project %s, "+
			"or is not visible to it (it may not exist, may have been deleted, or its owner may have removed the member "+
			"or made the image private).%s Ask the image's owner to add project %s as a member of image %s "+
			"(with openstack_image_member, using the owner's credentials) and to keep the image's visibility \"shared\", then apply again.",
		member, imageID, status, conns.Said(err), imageID, member, who, member, imageID))
}

// memberStatusForbiddenDiag: Glance answered 403 to setting a member's
// status. cause tells an owner (who may never set it) from an image that is
// not shared.
func memberStatusForbiddenDiag(imageID, member, caller, status string, cause forbiddenCause, err error) diag.Diagnostic {
	head := fmt.Sprintf("Glance refused to set the status of project %s on image %s to %q (%s).", member, imageID, status, conns.Said(err))
	rule := "Only the member project or an admin may set a member's status; the image's owner cannot, " +
		"and Glance also refuses while the image's visibility is not \"shared\"."
	img := cause.image
	switch {
	case img != nil && img.Owner == caller && img.Visibility != images.ImageVisibilityShared:
		return diag.NewErrorDiagnostic("Cannot set image member status", fmt.Sprintf(
			"%s %s The provider is authenticated as project %s, which owns image %s, and the image has visibility %q. "+
				"Configure this resource's provider with the credentials of project %s, and set the image's visibility back to shared "+
				"(for example `openstack image set --shared %s`).",
			head, rule, project(caller), imageID, img.Visibility, member, imageID))
	case img != nil && img.Owner == caller:
		return diag.NewErrorDiagnostic("Cannot set image member status", fmt.Sprintf(
			"%s %s The provider is authenticated as project %s, which owns image %s. "+
				"The owner shares the image with openstack_image_member; configure this openstack_image_member_status "+
				"with the credentials of the member project %s (a provider alias for that project) to accept or reject the share.",
			head, rule, project(caller), imageID, member))
	case img != nil && img.Visibility != images.ImageVisibilityShared:
		return diag.NewErrorDiagnostic("Image is not shared", fmt.Sprintf(
			"%s %s Image %s has visibility %q. Ask its owner (project %s) to set the visibility back to shared; "+
				"the membership then returns with its old status.",
			head, rule, imageID, img.Visibility, img.Owner))
	default:
		return diag.NewErrorDiagnostic("Cannot set image member status", fmt.Sprintf(
			"%s %s The provider is authenticated as project %s. If that is the member project, the refusal comes from the "+
				"cloud's policy (under secure RBAC the user needs the member role on project %s); ask the cloud operator. "+
				"Otherwise configure this resource's provider with project %s's credentials.",
			head, rule, project(caller), member, member))
	}
}

// memberStatusGoneWarning: reading the member's status found nothing.
func memberStatusGoneWarning(imageID, member string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Image member not found", fmt.Sprintf(
		"Glance no longer shows project %s as a member of image %s, so its status is removed from the state and "+
			"will be set again on the next apply. The owner may have removed the member or deleted the image; "+
			"that apply then fails until the owner shares the image with project %s again. If the owner made the image "+
			"private, the membership is dormant: it returns, with its old status, when the image is shared again.",
		member, imageID, member))
}

// memberStatusImportIDDiag explains the two import ID forms.
func memberStatusImportIDDiag(err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Invalid import ID", fmt.Sprintf(
		"%s. Import the status of an image member with one of:\n\n"+
			"  <image_id>              the member is the project the provider is authenticated as\n"+
			"  <image_id>/<member_id>  the member is the given project\n\n"+
			"for example:\n\n"+
			"  terraform import openstack_image_member_status.NAME 0b5d1c3e-2f4a-4e7b-9c61-8d2f0a7e4b13\n"+
			"  terraform import openstack_image_member_status.NAME 0b5d1c3e-2f4a-4e7b-9c61-8d2f0a7e4b13/9f8e7d6c5b4a39281706f5e4d3c2b1a0",
		err))
}

// membersNotFoundDiag: listing the members of an image found no image.
func membersNotFoundDiag(imageID, caller string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Image not found", fmt.Sprintf(
		"Glance could not list the members of image %s (%s): the image does not exist or is not visible to project %s. "+
			"A member project sees a shared image only while the image is shared and the project is a member of it. "+
			"Check image_id, and that the data source's provider authenticates as the image's owner or as one of its members.",
		imageID, conns.Said(err), project(caller)))
}

// membersForbiddenDiag: Glance refuses to list the members of an image that
// is not shared.
func membersForbiddenDiag(imageID, caller string, cause forbiddenCause, err error) diag.Diagnostic {
	head := fmt.Sprintf("Glance refused to list the members of image %s (%s).", imageID, conns.Said(err))
	if img := cause.image; img != nil && img.Visibility != images.ImageVisibilityShared {
		return diag.NewErrorDiagnostic("Image is not shared", fmt.Sprintf(
			"%s Image %s has visibility %q; only images with visibility \"shared\" have members. "+
				"Members added while it was shared are kept, dormant, and return with their status when the image is shared again "+
				"(for example `openstack image set --shared %s`, run by its owner, project %s).",
			head, imageID, img.Visibility, imageID, img.Owner))
	}
	return diag.NewErrorDiagnostic("Cannot list image members", fmt.Sprintf(
		"%s Only images with visibility \"shared\" have members, so Glance refuses to list the members of any other image; "+
			"if image %s is shared, the refusal comes from the cloud's policy for project %s: ask the cloud operator.",
		head, imageID, project(caller)))
}

// filterIgnoredWarning: the same image came back for several member
// statuses, so Glance ignored the member_status filter (an admin caller).
func filterIgnoredWarning(caller string, n int) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Member status filter ignored", fmt.Sprintf(
		"Glance returned %d image(s) for more than one member status, which it does when the caller is an admin: "+
			"the member_status filter is then ignored and every shared image in the cloud comes back. The member_status of "+
			"those images is unknown and left null. Use credentials of project %s without the admin role to see only the "+
			"images shared with it.", n, project(caller)))
}

// apiDiag covers every other failure: what was attempted and what Glance said.
func apiDiag(summary, attempted string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf(
		"%s failed (%s). If the problem persists, check the image service's health and logs for this request.",
		attempted, conns.Said(err)))
}
