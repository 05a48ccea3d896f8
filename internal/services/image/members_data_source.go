package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

var (
	_ datasource.DataSource              = &membersDataSource{}
	_ datasource.DataSourceWithConfigure = &membersDataSource{}
)

// NewMembersDataSource returns the openstack_image_members data source: the
// member projects of one image and their statuses.
func NewMembersDataSource() datasource.DataSource {
	return &membersDataSource{}
}

type membersDataSource struct {
	client *conns.Client
}

type membersDataSourceModel struct {
	ImageID types.String      `tfsdk:"image_id"`
	Status  types.String      `tfsdk:"status"`
	Region  types.String      `tfsdk:"region"`
	Members []memberDataModel `tfsdk:"members"`
}

type memberDataModel struct {
	MemberID  types.String `tfsdk:"member_id"`
	Status    types.String `tfsdk:"status"`
	CreatedAt types.String `tfsdk:"created_at"`
	UpdatedAt types.String `tfsdk:"updated_at"`
}

func (d *membersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_members"
}

func (d *membersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the member projects of a shared Glance image and their statuses. " +
			"What Glance shows depends on who asks: the image's **owner** sees every member; a **member** project sees " +
			"only its own row. Only images with visibility `shared` have members: for any other image Glance refuses the list.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ID (a UUID) of the image.",
				Validators:          []validator.String{uuidValidator()},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only list members with this status: `pending`, `accepted` or `rejected`. Lists all members when unset.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"region": dataSourceRegionAttribute(),
			"members": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The members, sorted by `member_id`: every member when the provider authenticates as the image's owner, " +
					"only the caller's own membership when it authenticates as a member project.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"member_id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The ID of the member project.",
						},
						"status": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The member's status: `pending`, `accepted` or `rejected`.",
						},
						"created_at": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "When the member was added (RFC 3339).",
						},
						"updated_at": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "When the member last changed (RFC 3339).",
						},
					},
				},
			},
		},
	}
}

func (d *membersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *membersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config membersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sc, region := imageService(d.client, config.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	imageID := config.ImageID.ValueString()

	list, err := listMembers(ctx, sc, imageID)
	switch {
	case err == nil:
	case errors.Is(err, errNotFound):
		resp.Diagnostics.Append(membersNotFoundDiag(imageID, d.client.ProjectID, err))
		return
	case statusOf(err) == http.StatusForbidden:
		cause := explainForbidden(ctx, d.client, region, imageID)
		resp.Diagnostics.Append(membersForbiddenDiag(imageID, d.client.ProjectID, cause, err))
		return
	default:
		resp.Diagnostics.Append(apiDiag("Cannot list image members", fmt.Sprintf("Listing the members of image %s", imageID), err))
		return
	}

	config.Region = types.StringValue(region)
	config.Members = membersOf(list, config.Status.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// membersOf maps Glance's members with the given status ("" = all), sorted
// by member ID; never nil, so an image without members has an empty list.
func membersOf(list []members.Member, status string) []memberDataModel {
	sort.Slice(list, func(i, j int) bool { return list[i].MemberID < list[j].MemberID })
	out := make([]memberDataModel, 0, len(list))
	for _, m := range list {
		if status != "" && m.Status != status {
			continue
		}
		out = append(out, memberDataModel{
			MemberID:  types.StringValue(m.MemberID),
			Status:    types.StringValue(m.Status),
			CreatedAt: timestamp(m.CreatedAt),
			UpdatedAt: timestamp(m.UpdatedAt),
		})
	}
	return out
}

// dataSourceRegionAttribute is regionAttribute for data sources.
func dataSourceRegionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: "The region of the image service. Defaults to the provider's region.",
	}
}
