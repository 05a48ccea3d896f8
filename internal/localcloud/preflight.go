package localcloud

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
)

// useExisting is appended to every precondition error: how to run the
// acceptance tests against a cloud that already exists instead.
const useExisting = `To test against an existing OpenStack cloud instead, point the tests at it:
  export OS_CLIENT_CONFIG_FILE=/path/to/clouds.yaml OS_CLOUD=<name>   (or set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ...)
  make testacc`

// aptPackages are what Up installs when something is missing.
var aptPackages = []string{"keystone", "glance-api"}

// requirement is one thing the harness needs on the machine.
type requirement struct {
	what  string // human description
	check func() bool
}

func lookPath(name string) func() bool {
	return func() bool { _, err := exec.LookPath(name); return err == nil }
}

func fileExists(path string) func() bool {
	return func() bool { st, err := os.Stat(path); return err == nil && !st.IsDir() }
}

// uwsgiPython3Plugin tells whether uWSGI's python3 plugin is installed.
func uwsgiPython3Plugin() bool {
	m, _ := filepath.Glob("/usr/lib/uwsgi/plugins/python3*_plugin.so")
	return len(m) > 0
}

var requirements = []requirement{
	{"keystone-manage (package keystone)", lookPath("keystone-manage")},
	{"uwsgi (package uwsgi-core, pulled in by keystone)", lookPath("uwsgi")},
	{"uWSGI python3 plugin /usr/lib/uwsgi/plugins/python3_plugin.so (package uwsgi-plugin-python3)", uwsgiPython3Plugin},
	{keystoneWSGIScript + " (package keystone)", fileExists(keystoneWSGIScript)},
	{"glance-manage (package glance-common)", lookPath("glance-manage")},
	{"glance-api (package glance-api)", lookPath("glance-api")},
	{glancePasteConfig + " (package glance-api)", fileExists(glancePasteConfig)},
}

// missingRequirements returns the descriptions of what is missing.
func missingRequirements() []string {
	var missing []string
	for _, r := range requirements {
		if !r.check() {
			missing = append(missing, r.what)
		}
	}
	return missing
}

// checkPlatform checks what no package install can fix.
func checkPlatform() error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("localcloud runs Keystone and Glance from Debian packages and needs Linux (this is %s).\n%s", runtime.GOOS, useExisting)
	}
	if _, err := os.Stat("/etc/debian_version"); err != nil {
		return fmt.Errorf("localcloud needs Debian (12, bookworm) for its keystone and glance-api packages; /etc/debian_version is missing.\n%s", useExisting)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("localcloud must run as root (keystone-manage fernet_setup/credential_setup and apt-get need it); effective uid is %d.\n%s", os.Geteuid(), useExisting)
	}
	return nil
}

// ensurePackages checks the binaries and, if allowed, installs the packages.
func ensurePackages(ctx context.Context, install bool, log io.Writer) error {
	missing := missingRequirements()
	if len(missing) == 0 {
		return nil
	}
	list := "  - " + strings.Join(missing, "\n  - ")
	if !install {
		return fmt.Errorf("missing on this machine:\n%s\nInstall them with:\n  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s\nor run again with -install=true.\n%s",
			list, strings.Join(aptPackages, " "), useExisting)
	}
	// Two clouds started at once must not run apt-get side by side: take a
	// machine-wide lock, then look again (the other may have installed).
	unlock, err := lockInstall()
	if err != nil {
		return err
	}
	defer unlock()
	if missing = missingRequirements(); len(missing) == 0 {
		return nil
	}
	fmt.Fprintf(log, "missing:\n%s\ninstalling %s with apt-get (about a minute)...\n", list, strings.Join(aptPackages, " "))
	if err := runStreaming(ctx, log, "apt| ", []string{"apt-get", "update"}, nil); err != nil {
		return fmt.Errorf("apt-get update failed: %v\n%s", err, useExisting)
	}
	args := append([]string{"apt-get", "install", "-y", "--no-install-recommends"}, aptPackages...)
	if err := runStreaming(ctx, log, "apt| ", args, []string{"DEBIAN_FRONTEND=noninteractive"}); err != nil {
		return fmt.Errorf("apt-get install %s failed: %v (see the apt| lines above; another apt/dpkg running at the same time holds its lock)\n%s",
			strings.Join(aptPackages, " "), err, useExisting)
	}
	if missing = missingRequirements(); len(missing) > 0 {
		return fmt.Errorf("still missing after installing %s:\n  - %s\n%s", strings.Join(aptPackages, " "), strings.Join(missing, "\n  - "), useExisting)
	}
	return nil
}

// runStreaming runs a command and copies its output line by line to log with
// a prefix.
func runStreaming(ctx context.Context, log io.Writer, prefix string, argv []string, extraEnv []string) error {
	if _, err := exec.LookPath(argv[0]); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.Stdin = nil
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Fprintf(log, "%s%s\n", prefix, sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	fmt.Fprintf(log, "%s$ %s\n", prefix, strings.Join(argv, " "))
	err := cmd.Run()
	pw.Close()
	wg.Wait()
	return err
}

// lockInstall holds an exclusive lock on a file shared by every localcloud
// on this machine until the returned function is called.
func lockInstall() (func(), error) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "localcloud-install.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the install lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("taking the install lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
