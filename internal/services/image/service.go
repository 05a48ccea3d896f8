// Package image holds the Glance image sharing resources and data sources,
// the finders that call Glance, and the diagnostics they report.
package image

import (
	"fmt"
	"regexp"

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

// regionOf is the resource's region, or the provider's when unset.
func regionOf(v types.String, client *conns.Client) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return client.Region
	}
	return v.ValueString()
}
