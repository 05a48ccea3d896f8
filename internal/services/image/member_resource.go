package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

var (
	_ resource.Resource                = &memberResource{}
	_ resource.ResourceWithConfigure   = &memberResource{}
	_ resource.ResourceWithImportState = &memberResource{}
)

// NewMemberResource returns the openstack_image_member resource: the image
// owner's side of a share.
func NewMemberResource() resource.Resource {
	return &memberResource{}
}

type memberResource struct {
	client *conns.Client
}

type memberResourceModel struct {
	memberFields
}

func (r *memberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_member"
}

func (r *memberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Shares a Glance image with another project by adding that project as a member of the image. " +
			"Run it with the image owner's credentials. The member project then accepts the share with " +
			"`openstack_image_member_status`, using its own credentials.",
		Attributes: map[string]schema.Attribute{
			"id":       idAttribute(),
			"image_id": imageIDAttribute("The ID (a UUID) of the image to share. The image must have visibility `shared`."),
			"member_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ID of the project to share the image with. Glance does not check it against Keystone. " +
					"Changing it replaces the member.",
				Validators:    memberIDValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"status": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The member's status: `pending` (new members start there), `accepted` or `rejected`. " +
					"Only the member project or an admin may set it; leave it unset when running as the owner and use " +
					"`openstack_image_member_status` on the consumer side.",
				Validators:    []validator.String{stringvalidator.OneOf(memberStatuses...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": createdAtAttribute(),
			"updated_at": updatedAtAttribute(),
			"region":     regionAttribute(),
		},
	}
}

func (r *memberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *memberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan memberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sc, region := imageService(r.client, plan.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	imageID, member := plan.ImageID.ValueString(), plan.MemberID.ValueString()

	m, err := createMember(ctx, sc, imageID, member)
	switch {
	case err == nil:
	case errors.Is(err, errNotFound):
		resp.Diagnostics.Append(imageNotFoundDiag(imageID, member, r.client.ProjectID, err))
		return
	case statusOf(err) == http.StatusConflict:
		resp.Diagnostics.Append(memberExistsDiag(imageID, member, err))
		return
	case statusOf(err) == http.StatusRequestEntityTooLarge:
		resp.Diagnostics.Append(memberQuotaDiag(imageID, member, err))
		return
	case statusOf(err) == http.StatusForbidden:
		cause := explainForbidden(ctx, r.client, region, imageID)
		resp.Diagnostics.Append(forbiddenDiag("add", imageID, member, r.client.ProjectID, cause, err))
		return
	default:
		resp.Diagnostics.Append(apiDiag("Cannot share image", fmt.Sprintf("Adding project %s to image %s", member, imageID), err))
		return
	}
	tflog.Debug(ctx, "image member added", map[string]any{"image_id": imageID, "member_id": member})

	want := plan.Status
	plan.fill(m, region)
	if !want.IsNull() && !want.IsUnknown() && want.ValueString() != m.Status {
		updated, err := updateMemberStatus(ctx, sc, imageID, member, want.ValueString())
		if err != nil {
			// The member exists: keep it in the state so nothing is orphaned.
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			resp.Diagnostics.Append(statusNotSetDiag(imageID, member, want.ValueString(), r.client.ProjectID, err))
			return
		}
		plan.fill(updated, region)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *memberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state memberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sc, region := imageService(r.client, state.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	imageID, member := state.ImageID.ValueString(), state.MemberID.ValueString()

	m, err := findMember(ctx, sc, imageID, member)
	if err == nil {
		state.fill(m, region)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if !errors.Is(err, errNotFound) {
		resp.Diagnostics.Append(apiDiag("Cannot read image member", fmt.Sprintf("Reading member %s of image %s", member, imageID), err))
		return
	}

	// Glance hides the members of an image that is no longer shared; the
	// row is still there and Glance refuses to add it again. Keep it.
	img, imgErr := findImage(ctx, sc, imageID)
	switch {
	case imgErr == nil && img.Owner == r.client.ProjectID && img.Visibility != images.ImageVisibilityShared:
		resp.Diagnostics.AddWarning("Image member is dormant", fmt.Sprintf(
			"Image %s has visibility %q, so Glance hides its members: member %s is kept in the state with status %q. "+
				"Glance brings the member back, with its status, when the image is shared again. "+
				"While the image is not shared, destroying this member fails; set the visibility back to shared first, "+
				"or use `terraform state rm` to forget it.",
			imageID, img.Visibility, member, state.Status.ValueString()))
		if state.Region.IsNull() || state.Region.IsUnknown() {
			state.Region = types.StringValue(region)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
	case imgErr == nil:
		resp.Diagnostics.AddWarning("Image member removed outside Terraform", fmt.Sprintf(
			"Project %s is no longer a member of image %s; it is removed from the state and will be added again on the next apply.",
			member, imageID))
		resp.State.RemoveResource(ctx)
	case errors.Is(imgErr, errNotFound):
		resp.Diagnostics.AddWarning("Image deleted", fmt.Sprintf(
			"Image %s no longer exists (or is not visible to project %s), so its member %s is removed from the state.",
			imageID, project(r.client.ProjectID), member))
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.Append(apiDiag("Cannot read image member", fmt.Sprintf(
			"Member %s of image %s was not found; reading the image to tell whether it is dormant or gone", member, imageID), imgErr))
	}
}

func (r *memberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state memberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sc, region := imageService(r.client, state.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	imageID, member := state.ImageID.ValueString(), state.MemberID.ValueString()
	if plan.Status.IsUnknown() || plan.Status.IsNull() || plan.Status.Equal(state.Status) {
		plan.fillFromState(state.memberFields)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	m, err := updateMemberStatus(ctx, sc, imageID, member, plan.Status.ValueString())
	switch {
	case err == nil:
	case errors.Is(err, errNotFound):
		resp.Diagnostics.Append(statusNotFoundDiag(imageID, member, r.client.ProjectID, err))
		return
	default:
		resp.Diagnostics.Append(statusNotSetDiag(imageID, member, plan.Status.ValueString(), r.client.ProjectID, err))
		return
	}
	plan.fill(m, region)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete removes the member: 204 is done, 404 means it is already gone
// (member removed or image deleted), 403 is explained.
func (r *memberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state memberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sc, region := imageService(r.client, state.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	imageID, member := state.ImageID.ValueString(), state.MemberID.ValueString()

	err := deleteMember(ctx, sc, imageID, member)
	switch {
	case err == nil:
	case errors.Is(err, errNotFound):
		tflog.Info(ctx, "image member already gone", map[string]any{"image_id": imageID, "member_id": member})
	case statusOf(err) == http.StatusForbidden:
		cause := explainForbidden(ctx, r.client, region, imageID)
		resp.Diagnostics.Append(forbiddenDiag("remove", imageID, member, r.client.ProjectID, cause, err))
	default:
		resp.Diagnostics.Append(apiDiag("Cannot remove image member", fmt.Sprintf("Removing project %s from image %s", member, imageID), err))
	}
}

func (r *memberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	imageID, member, err := parseMemberID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf(
			"%s. Import an image member with its image ID and member project ID: "+
				"terraform import openstack_image_member.NAME <image_id>/<member_id>", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), member)...)
}
