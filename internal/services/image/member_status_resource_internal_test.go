package image

import (
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

func TestParseMemberStatusID(t *testing.T) {
	const img = "0b5d1c3e-2f4a-4e7b-9c61-8d2f0a7e4b13"
	cases := []struct {
		id, caller          string
		wantImage, wantMemb string
		wantErr             string
	}{
		{id: img, caller: "me", wantImage: img, wantMemb: "me"},
		{id: img + "/other", caller: "me", wantImage: img, wantMemb: "other"},
		{id: img + "/other", caller: "", wantImage: img, wantMemb: "other"},
		{id: img, caller: "", wantErr: "not scoped to a project"},
		{id: "not-a-uuid", caller: "me", wantErr: "neither an image ID"},
		{id: img + "/", caller: "me", wantErr: "<image_id>/<member_id>"},
		{id: img + "/a/b", caller: "me", wantErr: "<image_id>/<member_id>"},
		{id: "x/other", caller: "me", wantErr: "is not a UUID"},
	}
	for _, tc := range cases {
		image, member, err := parseMemberStatusID(tc.id, tc.caller)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("parseMemberStatusID(%q, %q) error = %v, want one containing %q", tc.id, tc.caller, err, tc.wantErr)
		case tc.wantErr == "" && err != nil:
			t.Errorf("parseMemberStatusID(%q, %q) error = %v", tc.id, tc.caller, err)
		case image != tc.wantImage || member != tc.wantMemb:
			t.Errorf("parseMemberStatusID(%q, %q) = %q, %q, want %q, %q", tc.id, tc.caller, image, member, tc.wantImage, tc.wantMemb)
		}
	}
}

func TestMergeByMemberStatus(t *testing.T) {
	img := func(id, name string) images.Image { return images.Image{ID: id, Name: name} }
	got, ambiguous := mergeByMemberStatus(memberStatuses, map[string][]images.Image{
		"pending":  {img("3", "b"), img("9", "twice")},
		"accepted": {img("2", "b"), img("1", "c"), img("9", "twice"), img("8", "thrice")},
		"rejected": {img("4", "a"), img("8", "thrice")},
	})
	// "thrice" is listed under two statuses here; each ambiguous image counts once.
	want := []struct{ id, status string }{{"4", "rejected"}, {"2", "accepted"}, {"3", "pending"}, {"1", "accepted"}, {"8", ""}, {"9", ""}}
	if len(got) != len(want) {
		t.Fatalf("got %d images, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].memberStatus != w.status {
			t.Errorf("image %d = %s (%q), want %s (%q)", i, got[i].ID, got[i].memberStatus, w.id, w.status)
		}
	}
	if ambiguous != 2 {
		t.Errorf("ambiguous = %d, want 2", ambiguous)
	}

	// A single status: every image has it.
	got, ambiguous = mergeByMemberStatus([]string{"accepted"}, map[string][]images.Image{"accepted": {img("1", "x")}})
	if len(got) != 1 || got[0].memberStatus != "accepted" || ambiguous != 0 {
		t.Errorf("single status: got %+v, ambiguous %d", got, ambiguous)
	}
}
