package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
)

// The finders are the only place that calls Glance. Each turns a 404 into
// errNotFound once, so callers branch on meaning, not on status codes.

var errNotFound = errors.New("not found")

func notFound(err error) error {
	if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return fmt.Errorf("%w: %w", errNotFound, err)
	}
	return err
}

func findImage(ctx context.Context, sc *gophercloud.ServiceClient, imageID string) (*images.Image, error) {
	img, err := images.Get(ctx, sc, imageID).Extract()
	return img, notFound(err)
}

func findMember(ctx context.Context, sc *gophercloud.ServiceClient, imageID, memberID string) (*members.Member, error) {
	m, err := members.Get(ctx, sc, imageID, memberID).Extract()
	return m, notFound(err)
}

func createMember(ctx context.Context, sc *gophercloud.ServiceClient, imageID, memberID string) (*members.Member, error) {
	m, err := members.Create(ctx, sc, imageID, memberID).Extract()
	return m, notFound(err)
}

func updateMemberStatus(ctx context.Context, sc *gophercloud.ServiceClient, imageID, memberID, status string) (*members.Member, error) {
	m, err := members.Update(ctx, sc, imageID, memberID, members.UpdateOpts{Status: status}).Extract()
	return m, notFound(err)
}

func deleteMember(ctx context.Context, sc *gophercloud.ServiceClient, imageID, memberID string) error {
	return notFound(members.Delete(ctx, sc, imageID, memberID).ExtractErr())
}

// statusOf returns the HTTP status of a failed call, 0 when there was none.
func statusOf(err error) int {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		return code.Actual
	}
	return 0
}
