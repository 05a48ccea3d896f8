package image

import (
	"strings"
	"testing"
)

func TestParseMemberID(t *testing.T) {
	const img = "0b5d1c3e-2f4a-4e7b-9c61-8d2f0a7e4b13"
	for _, tc := range []struct {
		id, image, member, err string
	}{
		{id: img + "/9f8e7d6c", image: img, member: "9f8e7d6c"},
		{id: strings.ReplaceAll(img, "-", "") + "/p", image: strings.ReplaceAll(img, "-", ""), member: "p"},
		{id: img, err: "not of the form <image_id>/<member_id>"},
		{id: img + "/", err: "not of the form"},
		{id: "/p", err: "not of the form"},
		{id: img + "/a/b", err: "not of the form"},
		{id: "not-a-uuid/p", err: `image ID "not-a-uuid"`},
		{id: img + "/" + strings.Repeat("x", 256), err: "longer than 255"},
	} {
		image, member, err := parseMemberID(tc.id)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseMemberID(%q) error = %v, want it to contain %q", tc.id, err, tc.err)
			}
			continue
		}
		if err != nil || image != tc.image || member != tc.member {
			t.Errorf("parseMemberID(%q) = %q, %q, %v; want %q, %q", tc.id, image, member, err, tc.image, tc.member)
		}
		if got := memberID(image, member); got != tc.id {
			t.Errorf("memberID round trip = %q, want %q", got, tc.id)
		}
	}
}
