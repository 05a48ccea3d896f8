package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

var (
	_ resource.Resource                = &memberStatusResource{}
	_ resource.ResourceWithConfigure   = &memberStatusResource{}
	_ resource.ResourceWithModifyPlan  = &memberStatusResource{}
	_ resource.ResourceWithImportState = &memberStatusResource{}
)

// destroyUnchanged is the destroy_status that leaves the status as it is.
const destroyUnchanged = "unchanged"

// NewMemberStatusResource returns the openstack_image_member_status
// resource: the member project's side of a share (accept or reject it).
func NewMemberStatusResource() resource.Resource {
	return &memberStatusResource{}
}

type memberStatusResource struct {
	client *conns.Client
}

type memberStatusResourceModel struct {
	memberFields
	DestroyStatus types.String `tfsdk:"destroy_status"`
}

func (r *memberStatusResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_member_status"
}

func (r *memberStatusResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Accepts, rejects or resets a share of a Glance image: the status of a member project of an image. " +
			"Run it with the **member** project's credentials; only the member project (or an admin) may set the status, " +
			"never the image's owner. The owner first adds the project as a member with `openstack_image_member`.\n\n" +
			"Destroying the resource sets the status to `destroy_status` (`rejected` by default); the member itself stays " +
			"until the owner removes it.",
		Attributes: map[string]schema.Attribute{
			"id":       idAttribute(),
			"image_id": imageIDAttribute("The ID (a UUID) of the image shared with the member project."),
			"member_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The ID of the member project. Defaults to the project the provider is authenticated as, " +
					"which is the only non-admin project allowed to set the status. Changing it (or, when unset, the provider's project) " +
					"replaces the resource.",
				Validators: memberIDValidators(),
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"status": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The member's status: `accepted` (the image shows up in the member project's image list), " +
					"`rejected`, or `pending` (the status of a new member). Glance allows any change between them, in any order; " +
					"`pending` and `rejected` give the same access and differ only in listings.",
				Validators: []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"destroy_status": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("rejected"),
				MarkdownDescription: "What the status becomes when the resource is destroyed: `rejected` (the default), " +
					"`pending`, or `unchanged` to leave it as it is (an accepted share then stays accepted after destroy). " +
					"Changing it only updates the state.",
				Validators: []validator.String{stringvalidator.OneOf("rejected", "pending", destroyUnchanged)},
			},
			"created_at": createdAtAttribute(),
			"updated_at": updatedAtAttribute(),
			"region":     regionAttribute(),
		},
	}
}

func (r *memberStatusResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills an unset member_id with the provider's project, so the
// plan shows the member and a change of the provider's project replaces it.
func (r *memberStatusResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil || r.client.ProjectID == "" {
		return
	}
	var config types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("member_id"), &config)...)
	if resp.Diagnostics.HasError() || !config.IsNull() {
		return
	}
	var planned types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("member_id"), &planned)...)
	if resp.Diagnostics.HasError() || planned.ValueString() == r.client.ProjectID {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("member_id"), r.client.ProjectID)...)
	if !req.State.Raw.IsNull() {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("member_id"))
		return
	}
	var imageID types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("image_id"), &imageID)...)
	if !imageID.IsUnknown() && !imageID.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), memberID(imageID.ValueString(), r.client.ProjectID))...)
	}
}

func (r *memberStatusResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan memberStatusResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sc, region := imageService(r.client, plan.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	imageID, member := plan.ImageID.ValueString(), plan.MemberID.ValueString()
	if plan.MemberID.IsNull() || plan.MemberID.IsUnknown() {
		if r.client.ProjectID == "" {
			resp.Diagnostics.Append(callerProjectUnknownDiag(imageID))
			return
		}
		member = r.client.ProjectID
	}

	m, d := r.setStatus(ctx, sc, region, imageID, member, plan.Status.ValueString())
	resp.Diagnostics.Append(d...)
	if m == nil {
		return
	}
	tflog.Debug(ctx, "image member status set", map[string]any{"image_id": imageID, "member_id": member, "status": m.Status})
	plan.fill(m, region)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *memberStatusResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state memberStatusResourceModel
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
	switch {
	case err == nil:
	case errors.Is(err, errNotFound):
		// From the member's side a removed member, a deleted image and an
		// image made private all look alike: Glance answers 404.
		resp.Diagnostics.Append(memberStatusGoneWarning(imageID, member))
		resp.State.RemoveResource(ctx)
		return
	default:
		resp.Diagnostics.Append(apiDiag("Cannot read image member status", fmt.Sprintf("Reading member %s of image %s", member, imageID), err))
		return
	}
	state.fill(m, region)
	if state.DestroyStatus.IsNull() || state.DestroyStatus.IsUnknown() {
		state.DestroyStatus = types.StringValue("rejected")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *memberStatusResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state memberStatusResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Status.Equal(state.Status) {
		// Only destroy_status changed: it lives in the state alone.
		plan.fillFromState(state.memberFields)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	sc, region := imageService(r.client, state.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	m, d := r.setStatus(ctx, sc, region, state.ImageID.ValueString(), state.MemberID.ValueString(), plan.Status.ValueString())
	resp.Diagnostics.Append(d...)
	if m == nil {
		return
	}
	plan.fill(m, region)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete sets the status to destroy_status; with "unchanged" it calls
// nothing. 404 means the member or the image is already gone.
func (r *memberStatusResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state memberStatusResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	status := state.DestroyStatus.ValueString()
	if state.DestroyStatus.IsNull() || state.DestroyStatus.IsUnknown() {
		status = "rejected"
	}
	imageID, member := state.ImageID.ValueString(), state.MemberID.ValueString()
	if status == destroyUnchanged {
		tflog.Info(ctx, "image member status left unchanged on destroy", map[string]any{"image_id": imageID, "member_id": member})
		return
	}
	sc, region := imageService(r.client, state.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}

	_, err := updateMemberStatus(ctx, sc, imageID, member, status)
	switch {
	case err == nil:
	case errors.Is(err, errNotFound):
		tflog.Info(ctx, "image member already gone", map[string]any{"image_id": imageID, "member_id": member})
	case statusOf(err) == http.StatusForbidden:
		cause := explainForbidden(ctx, r.client, region, imageID)
		resp.Diagnostics.Append(memberStatusForbiddenDiag(imageID, member, r.client.ProjectID, status, cause, err))
	default:
		resp.Diagnostics.Append(apiDiag("Cannot reset image member status", fmt.Sprintf(
			"Setting the status of project %s on image %s to %q", member, imageID, status), err))
	}
}

// ImportState accepts "<image_id>" (the member is the provider's project) or
// "<image_id>/<member_id>". destroy_status starts at its default.
func (r *memberStatusResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	caller := ""
	if r.client != nil {
		caller = r.client.ProjectID
	}
	imageID, member, err := parseMemberStatusID(req.ID, caller)
	if err != nil {
		resp.Diagnostics.Append(memberStatusImportIDDiag(err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), memberID(imageID, member))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), member)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("destroy_status"), "rejected")...)
}

// setStatus PUTs the status and turns a refusal into its diagnostic; the
// member is nil when it failed.
func (r *memberStatusResource) setStatus(ctx context.Context, sc *gophercloud.ServiceClient, region, imageID, member, status string) (*members.Member, diag.Diagnostics) {
	var diags diag.Diagnostics
	m, err := updateMemberStatus(ctx, sc, imageID, member, status)
	switch {
	case err == nil:
		return m, nil
	case errors.Is(err, errNotFound):
		diags.Append(notSharedWithDiag(imageID, member, r.client.ProjectID, status, err))
	case statusOf(err) == http.StatusForbidden:
		cause := explainForbidden(ctx, r.client, region, imageID)
		diags.Append(memberStatusForbiddenDiag(imageID, member, r.client.ProjectID, status, cause, err))
	default:
		diags.Append(apiDiag("Cannot set image member status", fmt.Sprintf(
			"Setting the status of project %s on image %s to %q", member, imageID, status), err))
	}
	return nil, diags
}

// parseMemberStatusID splits an import ID: "<image_id>/<member_id>", or
// "<image_id>" alone for the caller's own membership.
func parseMemberStatusID(id, caller string) (imageID, member string, err error) {
	if strings.Contains(id, "/") {
		return parseMemberID(id)
	}
	switch {
	case !uuidPattern.MatchString(id):
		return "", "", fmt.Errorf("%q is neither an image ID (a UUID) nor of the form <image_id>/<member_id>", id)
	case caller == "":
		return "", "", fmt.Errorf("%q names no member, and the provider's token is not scoped to a project to use as the member", id)
	}
	return id, caller, nil
}
