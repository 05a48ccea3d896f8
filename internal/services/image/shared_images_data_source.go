package image

import (
	"context"
	"fmt"
	"sort"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

var (
	_ datasource.DataSource              = &sharedImagesDataSource{}
	_ datasource.DataSourceWithConfigure = &sharedImagesDataSource{}
)

// memberStatusAll is the member_status filter that lists every share.
const memberStatusAll = "all"

// NewSharedImagesDataSource returns the openstack_shared_images data
// source: the images other projects share with the caller's project.
func NewSharedImagesDataSource() datasource.DataSource {
	return &sharedImagesDataSource{}
}

type sharedImagesDataSource struct {
	client *conns.Client
}

type sharedImagesDataSourceModel struct {
	MemberStatus types.String       `tfsdk:"member_status"`
	Owner        types.String       `tfsdk:"owner"`
	Name         types.String       `tfsdk:"name"`
	Tags         types.Set          `tfsdk:"tags"`
	Region       types.String       `tfsdk:"region"`
	Images       []sharedImageModel `tfsdk:"images"`
}

type sharedImageModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Owner        types.String `tfsdk:"owner"`
	Status       types.String `tfsdk:"status"`
	Visibility   types.String `tfsdk:"visibility"`
	CreatedAt    types.String `tfsdk:"created_at"`
	Tags         []string     `tfsdk:"tags"`
	MemberStatus types.String `tfsdk:"member_status"`
}

func (d *sharedImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_shared_images"
}

func (d *sharedImagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Glance images other projects share **with** the provider's project, with that project's " +
			"member status on each: the images it may accept with `openstack_image_member_status`. Every page of Glance's " +
			"list is read.\n\n" +
			"For an **admin** Glance ignores the member status filter: every shared image in the cloud comes back, whoever its " +
			"members are. With `member_status = \"all\"` the data source then cannot tell the caller's status and leaves " +
			"`member_status` null (with a warning); with a specific status, each image's `member_status` is the requested one. " +
			"Use a non-admin account of the member project.",
		Attributes: map[string]schema.Attribute{
			"member_status": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Only list images on which the caller's member status is this: `pending`, `accepted`, `rejected`, " +
					"or `all` (the default). `all` costs three list requests (one per status) rather than one per image.",
				Validators: []validator.String{stringvalidator.OneOf(append([]string{memberStatusAll}, memberStatuses...)...)},
			},
			"owner": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only list images owned by this project ID.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only list images with exactly this name.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"tags": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only list images that have all of these tags.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"region": dataSourceRegionAttribute(),
			"images": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching images, sorted by name, then ID.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The image ID.",
						},
						"name": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The image name.",
						},
						"owner": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The ID of the project that owns the image and shares it.",
						},
						"status": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The image's own status, for example `active` or `queued`.",
						},
						"visibility": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The image's visibility (always `shared` here).",
						},
						"created_at": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "When the image was created (RFC 3339).",
						},
						"tags": schema.ListAttribute{
							Computed:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "The image's tags.",
						},
						"member_status": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "The caller's member status on the image: `pending`, `accepted` or `rejected`. " +
								"Null when Glance ignored the filter (an admin caller with `member_status = \"all\"`).",
						},
					},
				},
			},
		},
	}
}

func (d *sharedImagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sharedImagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config sharedImagesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var tags []string
	if !config.Tags.IsNull() {
		resp.Diagnostics.Append(config.Tags.ElementsAs(ctx, &tags, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		sort.Strings(tags)
	}
	sc, region := imageService(d.client, config.Region, &resp.Diagnostics)
	if sc == nil {
		return
	}
	filter := config.MemberStatus.ValueString()
	if filter == "" {
		filter = memberStatusAll
	}

	// One listing per status tells each image's status without asking
	// Glance about every image.
	statuses := []string{filter}
	if filter == memberStatusAll {
		statuses = memberStatuses
	}
	byStatus := map[string][]images.Image{}
	for _, status := range statuses {
		opts := images.ListOpts{
			MemberStatus: images.ImageMemberStatus(status),
			Owner:        config.Owner.ValueString(),
			Name:         config.Name.ValueString(),
			Tags:         tags,
		}
		list, err := listSharedImages(ctx, sc, opts)
		if err != nil {
			resp.Diagnostics.Append(apiDiag("Cannot list shared images", fmt.Sprintf(
				"Listing the images shared with project %s with member status %s", project(d.client.ProjectID), status), err))
			return
		}
		byStatus[status] = list
	}
	merged, ambiguous := mergeByMemberStatus(statuses, byStatus)
	if ambiguous > 0 {
		resp.Diagnostics.Append(filterIgnoredWarning(d.client.ProjectID, ambiguous))
	}

	config.MemberStatus = types.StringValue(filter)
	config.Region = types.StringValue(region)
	config.Images = make([]sharedImageModel, 0, len(merged))
	for _, img := range merged {
		config.Images = append(config.Images, sharedImageModelOf(img))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// sharedImage is an image shared with the caller and the caller's member
// status on it ("" when unknown).
type sharedImage struct {
	images.Image
	memberStatus string
}

// mergeByMemberStatus merges the images listed for each status, in the
// order of statuses. An image listed under more than one status shows that
// Glance ignored the filter (the caller is an admin): its status is unknown,
// and it is counted in ambiguous. The result is sorted by name, then ID.
func mergeByMemberStatus(statuses []string, byStatus map[string][]images.Image) (merged []sharedImage, ambiguous int) {
	index := map[string]int{}
	for _, status := range statuses {
		for _, img := range byStatus[status] {
			i, seen := index[img.ID]
			if !seen {
				index[img.ID] = len(merged)
				merged = append(merged, sharedImage{Image: img, memberStatus: status})
				continue
			}
			if merged[i].memberStatus != "" && merged[i].memberStatus != status {
				merged[i].memberStatus = ""
				ambiguous++
			}
		}
	}
	sort.SliceStable(merged, func(i, j int) bool {
		if merged[i].Name != merged[j].Name {
			return merged[i].Name < merged[j].Name
		}
		return merged[i].ID < merged[j].ID
	})
	return merged, ambiguous
}

func sharedImageModelOf(img sharedImage) sharedImageModel {
	tags := img.Tags
	if tags == nil {
		tags = []string{}
	}
	status := types.StringNull()
	if img.memberStatus != "" {
		status = types.StringValue(img.memberStatus)
	}
	return sharedImageModel{
		ID:           types.StringValue(img.ID),
		Name:         types.StringValue(img.Name),
		Owner:        types.StringValue(img.Owner),
		Status:       types.StringValue(string(img.Status)),
		Visibility:   types.StringValue(string(img.Visibility)),
		CreatedAt:    timestamp(img.CreatedAt),
		Tags:         tags,
		MemberStatus: status,
	}
}
