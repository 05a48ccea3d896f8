// Command localcloud starts, stops and inspects a local Keystone + Glance
// for the acceptance tests:
//
//	go run ./internal/localcloud/cmd/localcloud up     [-dir D] [-policy legacy|secure] [-member-quota N] [-keystone-port P] [-glance-port P] [-install=true]
//	go run ./internal/localcloud/cmd/localcloud status [-dir D]
//	go run ./internal/localcloud/cmd/localcloud down   [-dir D]
//	go run ./internal/localcloud/cmd/localcloud image  [-dir D] [-as owner] [-name N] [-delete ID]
//
// After up, `source D/cloud.env` sets OS_CLIENT_CONFIG_FILE (clouds owner,
// consumer, stranger, admin), IMAGESHARE_ACC_POLICY and
// IMAGESHARE_ACC_MEMBER_QUOTA; D/<name>.env set OS_* variables directly.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/imageshare/terraform-provider-openstack/internal/localcloud"
)

func usage() {
	fmt.Fprintf(os.Stderr, `usage: localcloud up|down|status [flags]

  up      start Keystone + Glance on 127.0.0.1 in the state dir (no-op if already up)
  down    stop the cloud of the state dir (by its recorded pids)
  status  tell whether the cloud of the state dir is up (exit 0 if up, 1 if not)
  image   create an empty shared image as one identity and print its ID (-as owner -name N), or -delete ID

flags:
`)
	flag.PrintDefaults()
}

func main() {
	flag.Usage = usage
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	cmd := os.Args[1]
	if cmd == "image" {
		if err := imageCommand(os.Args[2:]); err != nil {
			fail(err)
		}
		return
	}
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	fs.Usage = usage
	dir := fs.String("dir", localcloud.DefaultDir, "state directory of the cloud")
	policy := fs.String("policy", localcloud.PolicyLegacy, "Glance policy mode: legacy, or secure (enforce_secure_rbac + enforce_new_defaults)")
	quota := fs.Int("member-quota", localcloud.DefaultMemberQuota, "Glance image_member_quota (-1 = unlimited)")
	kport := fs.Int("keystone-port", 0, "Keystone port on 127.0.0.1 (0 = pick a free one)")
	gport := fs.Int("glance-port", 0, "Glance port on 127.0.0.1 (0 = pick a free one)")
	install := fs.Bool("install", true, "apt-get install keystone glance-api when something is missing")
	timeout := fs.Duration("ready-timeout", 60*time.Second, "how long to wait for each service to answer")
	flag.CommandLine = fs
	if err := fs.Parse(os.Args[2:]); err != nil {
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "localcloud: unexpected arguments %q\n", fs.Args())
		os.Exit(2)
	}

	switch cmd {
	case "up":
		if *quota == 0 || *quota < -1 {
			fail(fmt.Errorf("-member-quota %d: want a positive number or -1 (unlimited)", *quota))
		}
		c, err := up(localcloud.Options{
			Dir: *dir, Policy: *policy, MemberQuota: *quota,
			KeystonePort: *kport, GlancePort: *gport,
			Install: *install, Log: os.Stderr, ReadyTimeout: *timeout,
		})
		if err != nil {
			fail(err)
		}
		fmt.Print(c.Summary())
	case "down":
		t := time.Now()
		if err := localcloud.DownWithLog(*dir, os.Stderr); err != nil {
			fail(err)
		}
		fmt.Printf("localcloud down: %s (%.1fs)\n", *dir, time.Since(t).Seconds())
	case "status":
		st, err := localcloud.Status(*dir)
		if err != nil {
			fail(err)
		}
		fmt.Print(st.String())
		if !st.Up() {
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "localcloud: unknown command %q\n\n", cmd)
		usage()
		os.Exit(2)
	}
}

// up starts the cloud; Ctrl-C or SIGTERM stops what it had started.
func up(o localcloud.Options) (*localcloud.Cloud, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return localcloud.Up(ctx, o)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "localcloud: %v\n", err)
	os.Exit(1)
}
