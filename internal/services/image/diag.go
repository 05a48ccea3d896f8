package image

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

// All the wording users read lives here, so every resource speaks alike:
// a short summary, then what happened (image, member, project, HTTP status),
// why, and what to do next.

// glanceSaid renders the status and Glance's own message of a failed call.
func glanceSaid(err error) string { return conns.Said(err) }

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
	head := fmt.Sprintf("Glance refused to %s image %s (%s).", verb, imageID, glanceSaid(err))
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
			head, project(caller), imageID, action, glanceSaid(cause.lookupErr)))
	}
}

func imageNotFoundDiag(imageID, member, caller string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Image not found", fmt.Sprintf(
		"Glance could not add project %s to image %s (%s): the image does not exist or is not visible to project %s. "+
			"Check image_id, and that this resource's provider authenticates as the image's owner.",
		member, imageID, glanceSaid(err), project(caller)))
}

func memberExistsDiag(imageID, member string, err error) diag.Diagnostic {
	id := memberID(imageID, member)
	return diag.NewErrorDiagnostic("Image member already exists", fmt.Sprintf(
		"Project %s is already a member of image %s (%s); it was added outside this configuration. "+
			"Adopt it instead of creating it, replacing NAME with this resource's name:\n\n"+
			"  terraform import openstack_image_member.NAME %s\n\n"+
			"or, with Terraform 1.5 or later and OpenTofu, an import block:\n\n"+
			"  import {\n    to = openstack_image_member.NAME\n    id = %q\n  }",
		member, imageID, glanceSaid(err), id, id))
}

func memberQuotaDiag(imageID, member string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Image member quota reached", fmt.Sprintf(
		"Glance refused to add project %s to image %s (%s): the image already has as many members as Glance's "+
			"per-image member quota (image_member_quota, 128 by default) allows. Glance checks the quota before "+
			"anything else, so this also happens for a project that is already a member. Remove members that no "+
			"longer need the image, or ask the cloud operator to raise image_member_quota.",
		member, imageID, glanceSaid(err)))
}

func statusNotSetDiag(imageID, member, status, caller string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Member status not set", fmt.Sprintf(
		"Project %s was added to image %s and is kept in the state, but Glance refused to set its status to %q (%s). "+
			"Only the member project (%s) or an admin may set a member's status; the image owner (here project %s) cannot. "+
			"Remove status from this resource and accept the share with openstack_image_member_status, "+
			"configured with the member project's credentials.",
		member, imageID, status, glanceSaid(err), member, project(caller)))
}

func statusNotFoundDiag(imageID, member, caller string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Image member not found", fmt.Sprintf(
		"Glance found no member %s on image %s visible to project %s (%s). The image may have been deleted, "+
			"made private, or the member removed by the owner. Run terraform apply again to refresh.",
		member, imageID, project(caller), glanceSaid(err)))
}

// apiDiag covers every other failure: what was attempted and what Glance said.
func apiDiag(summary, attempted string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf(
		"%s failed (%s). If the problem persists, check the image service's health and logs for this request.",
		attempted, glanceSaid(err)))
}
