package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

// imageCommand creates or deletes an empty image as one identity of the
// local cloud, for `make demo`:
//
//	localcloud image -dir D -as owner -name imageshare-demo   prints the new image's ID
//	localcloud image -dir D -as owner -delete ID
func imageCommand(args []string) error {
	fs := flag.NewFlagSet("image", flag.ExitOnError)
	dir := fs.String("dir", ".localcloud/default", "state directory of the cloud")
	as := fs.String("as", "owner", "identity (clouds.yaml entry) to act as")
	name := fs.String("name", "imageshare-demo", "name of the image to create")
	del := fs.String("delete", "", "ID of an image to delete instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.Setenv("OS_CLIENT_CONFIG_FILE", filepath.Join(abs, "clouds.yaml")); err != nil {
		return err
	}
	ctx := context.Background()
	client, err := conns.Authenticate(ctx, &conns.Config{Cloud: *as})
	if err != nil {
		return err
	}
	sc, err := client.ImageClient("")
	if err != nil {
		return err
	}
	if *del != "" {
		return images.Delete(ctx, sc, *del).ExtractErr()
	}
	visibility := images.ImageVisibilityShared
	img, err := images.Create(ctx, sc, images.CreateOpts{
		Name: *name, DiskFormat: "raw", ContainerFormat: "bare", Visibility: &visibility,
	}).Extract()
	if err != nil {
		return err
	}
	fmt.Println(img.ID)
	return nil
}
