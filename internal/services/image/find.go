package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/gophercloud/gophercloud/v2/pagination"
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

// listMembers lists an image's members: all of them for the owner, only its
// own row for a member project. Glance does not page or filter this list.
func listMembers(ctx context.Context, sc *gophercloud.ServiceClient, imageID string) ([]members.Member, error) {
	page, err := members.List(sc, imageID).AllPages(ctx)
	if err != nil {
		return nil, notFound(err)
	}
	return members.ExtractMembers(page)
}

// listSharedImages lists the images shared with the caller's project that
// match opts (visibility is forced to shared), following every page.
func listSharedImages(ctx context.Context, sc *gophercloud.ServiceClient, opts images.ListOpts) ([]images.Image, error) {
	opts.Visibility = images.ImageVisibilityShared
	var out []images.Image
	err := images.List(sc, opts).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		imgs, err := images.ExtractImages(page)
		if err != nil {
			return false, err
		}
		out = append(out, imgs...)
		return true, nil
	})
	return out, notFound(err)
}

// statusOf returns the HTTP status of a failed call, 0 when there was none.
func statusOf(err error) int {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		return code.Actual
	}
	return 0
}
