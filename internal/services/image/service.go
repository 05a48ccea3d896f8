// Package image holds the Glance image sharing resources and data sources,
// the finders that call Glance, and the diagnostics they report.
package image

import (
	"fmt"
	"regexp"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

// Resources lists the resources of the image service.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewMemberResource,
		NewMemberStatusResource,
	}
}

// DataSources lists the data sources of the image service.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewMembersDataSource,
		NewSharedImagesDataSource,
	}
}

var memberStatuses = []string{"pending", "accepted", "rejected"}

// clientFrom unpacks the provider's client; nil (and no error) while the
// provider is not configured yet, as during validation.
func clientFrom(data any, diags *diag.Diagnostics) *conns.Client {
	if data == nil {
		return nil
	}
	client, ok := data.(*conns.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *conns.Client, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return client
}

func uuidValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern, "must be an image ID (a UUID such as 0b5d1c3e-2f4a-4e7b-9c61-8d2f0a7e4b13)")
}

func memberIDValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 255),
		stringvalidator.RegexMatches(regexp.MustCompile(`^[^/]+$`), "must be a project ID, without \"/\""),
	}
}

// The schema attributes both member resources share.

func idAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "`<image_id>/<member_id>`.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func imageIDAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: description + " Changing it replaces the resource.",
		Validators:          []validator.String{uuidValidator()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func createdAtAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "When the owner added the member (RFC 3339).",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func updatedAtAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "When the member last changed (RFC 3339).",
	}
}

func regionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: "The region of the image service. Defaults to the provider's region. Changing it replaces the resource.",
		PlanModifiers: []planmodifier.String{
			stringplanmodifier.UseStateForUnknown(),
			stringplanmodifier.RequiresReplace(),
		},
	}
}

// imageService returns the image client for a region attribute and the
// region it resolved to; nil, with a diagnostic, when there is none.
func imageService(client *conns.Client, region types.String, diags *diag.Diagnostics) (*gophercloud.ServiceClient, string) {
	r := regionOf(region, client)
	sc, err := client.ImageClient(r)
	if err != nil {
		diags.Append(noImageServiceDiag(err))
		return nil, r
	}
	return sc, r
}

// timestamp renders Glance's times as RFC 3339 in UTC.
func timestamp(t time.Time) types.String {
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// memberFields are the attributes of a member that both member resources
// hold: the owner's openstack_image_member and the member's
// openstack_image_member_status.
type memberFields struct {
	ID        types.String `tfsdk:"id"`
	ImageID   types.String `tfsdk:"image_id"`
	MemberID  types.String `tfsdk:"member_id"`
	Status    types.String `tfsdk:"status"`
	CreatedAt types.String `tfsdk:"created_at"`
	UpdatedAt types.String `tfsdk:"updated_at"`
	Region    types.String `tfsdk:"region"`
}

// fill copies Glance's member into the model. image_id and member_id keep
// the configured spelling (Glance also accepts a UUID in other forms).
func (m *memberFields) fill(member *members.Member, region string) {
	if m.ImageID.IsNull() || m.ImageID.IsUnknown() {
		m.ImageID = types.StringValue(member.ImageID)
	}
	if m.MemberID.IsNull() || m.MemberID.IsUnknown() {
		m.MemberID = types.StringValue(member.MemberID)
	}
	m.ID = types.StringValue(memberID(m.ImageID.ValueString(), m.MemberID.ValueString()))
	m.Status = types.StringValue(member.Status)
	m.CreatedAt = timestamp(member.CreatedAt)
	m.UpdatedAt = timestamp(member.UpdatedAt)
	m.Region = types.StringValue(region)
}

// fillFromState keeps everything Glance reports as the state has it.
func (m *memberFields) fillFromState(state memberFields) {
	m.ID, m.MemberID, m.Status, m.CreatedAt, m.UpdatedAt, m.Region = state.ID, state.MemberID, state.Status, state.CreatedAt, state.UpdatedAt, state.Region
}

// regionOf is the resource's region, or the provider's when unset.
func regionOf(v types.String, client *conns.Client) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return client.Region
	}
	return v.ValueString()
}
