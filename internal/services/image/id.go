package image

import (
	"fmt"
	"regexp"
	"strings"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

// memberID joins an image ID and a member (project) ID into a resource ID.
func memberID(imageID, member string) string {
	return imageID + "/" + member
}

// parseMemberID splits "<image_id>/<member_id>" and checks both halves.
func parseMemberID(id string) (imageID, member string, err error) {
	imageID, member, ok := strings.Cut(id, "/")
	switch {
	case !ok || imageID == "" || member == "" || strings.Contains(member, "/"):
		return "", "", fmt.Errorf("%q is not of the form <image_id>/<member_id>, for example 0b5d1c3e-2f4a-4e7b-9c61-8d2f0a7e4b13/9f8e7d6c5b4a39281706f5e4d3c2b1a0", id)
	case !uuidPattern.MatchString(imageID):
		return "", "", fmt.Errorf("the image ID %q in %q is not a UUID", imageID, id)
	case len(member) > 255:
		return "", "", fmt.Errorf("the member ID in %q is longer than 255 characters", id)
	}
	return imageID, member, nil
}
