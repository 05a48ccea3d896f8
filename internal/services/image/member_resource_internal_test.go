package image

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
	"github.com/imageshare/terraform-provider-openstack/internal/fakecloud"
)

// Read's warnings cannot be asserted through the CLI; call Read directly.
func TestMemberResourceRead_warnings(t *testing.T) {
	ctx := context.Background()
	cloud := fakecloud.New(t)
	owner := cloud.AddProject("owner")
	client, err := conns.Authenticate(ctx, &conns.Config{
		AuthURL: cloud.AuthURL(), UserName: "owner", Password: owner.Password, TenantName: "owner", Region: fakecloud.Region,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &memberResource{client: client}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)

	read := func(imageID string) (resource.ReadResponse, memberResourceModel) {
		t.Helper()
		state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
		model := memberResourceModel{memberFields{
			ID: types.StringValue(imageID + "/consumer"), ImageID: types.StringValue(imageID), MemberID: types.StringValue("consumer"),
			Status: types.StringValue("accepted"), CreatedAt: types.StringValue("2026-01-02T03:04:06Z"),
			UpdatedAt: types.StringValue("2026-01-02T03:04:07Z"), Region: types.StringValue(fakecloud.Region),
		}}
		if d := state.Set(ctx, &model); d.HasError() {
			t.Fatal(d)
		}
		resp := resource.ReadResponse{State: state}
		r.Read(ctx, resource.ReadRequest{State: state}, &resp)
		var got memberResourceModel
		if !resp.State.Raw.IsNull() {
			resp.State.Get(ctx, &got)
		}
		return resp, got
	}
	warning := func(resp resource.ReadResponse) string {
		if resp.Diagnostics.HasError() {
			t.Fatalf("unexpected error: %v", resp.Diagnostics)
		}
		if len(resp.Diagnostics) != 1 {
			t.Fatalf("want one warning, got %v", resp.Diagnostics)
		}
		return resp.Diagnostics[0].Summary() + ": " + resp.Diagnostics[0].Detail()
	}

	dormant := cloud.AddImage(owner, "dormant", "shared")
	cloud.PutMember(dormant, "consumer", "accepted")
	cloud.SetVisibility(dormant, "private")
	resp, got := read(dormant)
	if w := warning(resp); !strings.Contains(w, "Image member is dormant") || !strings.Contains(w, `visibility "private"`) {
		t.Errorf("dormant warning = %q", w)
	}
	if resp.State.Raw.IsNull() || got.Status.ValueString() != "accepted" {
		t.Errorf("a dormant member must stay in the state with its status; got %+v", got)
	}

	removed := cloud.AddImage(owner, "removed", "shared")
	resp, _ = read(removed)
	if w := warning(resp); !strings.Contains(w, "removed outside Terraform") {
		t.Errorf("removed warning = %q", w)
	}
	if !resp.State.Raw.IsNull() {
		t.Error("a member removed behind Terraform's back must leave the state")
	}

	deleted := cloud.AddImage(owner, "deleted", "shared")
	cloud.PutMember(deleted, "consumer", "accepted")
	cloud.DeleteImage(deleted)
	resp, _ = read(deleted)
	if w := warning(resp); !strings.Contains(w, "Image deleted") || !strings.Contains(w, deleted) {
		t.Errorf("deleted warning = %q", w)
	}
	if !resp.State.Raw.IsNull() {
		t.Error("a member of a deleted image must leave the state")
	}

	// Any other answer is an error that keeps the state as it was.
	cloud.Fail(fakecloud.Fault{Method: "GET", Path: "/members/consumer", Status: 500,
		Body: `{"message": "The server has either erred or is incapable of performing the requested operation.<br /><br />", "code": "500 Internal Server Error"}`})
	resp, _ = read(dormant)
	if !resp.Diagnostics.HasError() {
		t.Fatalf("want an error, got %v", resp.Diagnostics)
	}
	if d := resp.Diagnostics[0]; d.Summary() != "Cannot read image member" ||
		!strings.Contains(d.Detail(), "Reading member consumer of image "+dormant+" failed (HTTP 500: The server has either erred") ||
		strings.Contains(d.Detail(), "<br") {
		t.Errorf("500 diagnostic = %q: %q", d.Summary(), d.Detail())
	}
}
