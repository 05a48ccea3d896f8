package localcloud

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPIDFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.pid")
	if pid, err := ReadPIDFile(p); err != nil || pid != 0 {
		t.Fatalf("missing file: pid %d err %v, want 0 nil", pid, err)
	}
	if err := WritePIDFile(p, 4242); err != nil {
		t.Fatal(err)
	}
	if pid, err := ReadPIDFile(p); err != nil || pid != 4242 {
		t.Fatalf("read back: %d %v", pid, err)
	}
	if err := WritePIDFile(p, 0); err == nil {
		t.Error("wrote pid 0")
	}
	for _, bad := range []string{"", "abc", "-3", "0", "12 13"} {
		must(t, os.WriteFile(p, []byte(bad), 0o644))
		if pid, err := ReadPIDFile(p); err == nil {
			t.Errorf("content %q: pid %d, want error", bad, pid)
		}
	}
}

func TestFreePort(t *testing.T) {
	p, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if p <= 0 || p > 65535 {
		t.Fatalf("port %d", p)
	}
	if !portFree(p) {
		t.Fatalf("port %d not free", p)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if portFree(p) {
		t.Errorf("port %d reported free while listened on", p)
	}
}

// TestStartStopGroup starts a detached group (a shell and its children),
// checks the pid checks and stops the whole group by its id.
func TestStartStopGroup(t *testing.T) {
	dir := t.TempDir()
	mark := marker(dir)
	svc, err := startDetached("test", dir, filepath.Join(dir, "out.log"), os.Environ(), nil,
		"sh", "-c", "sleep 30 & sleep 30; : "+mark)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = stopGroup(svc.pid, mark, time.Second) })

	// Wait until both sleeps run in the group.
	deadline := time.Now().Add(5 * time.Second)
	for len(groupMembers(svc.pid)) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(groupMembers(svc.pid)); n != 3 {
		t.Fatalf("group %d has %d members, want 3 (sh + 2 sleep)", svc.pid, n)
	}
	info, ok := readProc(svc.pid)
	if !ok || info.pgid != svc.pid {
		t.Fatalf("process %d: pgid %d, want its own group", svc.pid, info.pgid)
	}
	if !processAlive(svc.pid, mark) {
		t.Fatal("processAlive false for the running leader")
	}
	if processAlive(svc.pid, "/some/other/dir/") {
		t.Error("processAlive true with a foreign marker (recycled pid guard)")
	}
	// A group of another state dir is left alone.
	if stopped, err := stopGroup(svc.pid, "/some/other/dir/", time.Second); stopped || err != nil {
		t.Fatalf("stopGroup with a foreign marker: stopped=%v err=%v", stopped, err)
	}
	if len(groupMembers(svc.pid)) != 3 {
		t.Fatal("foreign stopGroup killed something")
	}
	stopped, err := stopGroup(svc.pid, mark, 5*time.Second)
	if err != nil || !stopped {
		t.Fatalf("stopGroup: stopped=%v err=%v", stopped, err)
	}
	if n := len(groupMembers(svc.pid)); n != 0 {
		t.Fatalf("%d processes left in the group", n)
	}
	select {
	case <-svc.exited:
	case <-time.After(2 * time.Second):
		t.Fatal("exit not observed")
	}
	if processAlive(svc.pid, mark) {
		t.Error("processAlive true after stop")
	}
	// Stopping again is a no-op.
	if stopped, err := stopGroup(svc.pid, mark, time.Second); stopped || err != nil {
		t.Errorf("second stopGroup: stopped=%v err=%v", stopped, err)
	}
}

// TestZombieIsNotAlive: an exited child that nobody reaped yet still has a
// /proc entry; it must not count as running.
func TestZombieIsNotAlive(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		info, ok := readProc(cmd.Process.Pid)
		if !ok {
			t.Fatal("unreaped child has no /proc entry")
		}
		if info.state == 'Z' {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("child never became a zombie (state %c)", info.state)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if processAlive(cmd.Process.Pid, "") {
		t.Error("zombie counted as alive")
	}
}

func TestStatusAndDownOnEmptyDir(t *testing.T) {
	dir := t.TempDir()
	st, err := Status(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Up() || st.Leftovers() || st.Cloud != nil {
		t.Errorf("empty dir reported as %+v", st)
	}
	if !strings.HasPrefix(st.String(), "down:") {
		t.Errorf("status text %q", st.String())
	}
	if err := Down(dir); err != nil {
		t.Errorf("Down on an empty dir: %v", err)
	}
	if err := Down(filepath.Join(dir, "does-not-exist")); err != nil {
		t.Errorf("Down on a missing dir: %v", err)
	}
	// A pid file whose process is gone: down cleans it up.
	must(t, WritePIDFile(filepath.Join(dir, glancePIDName), 999999))
	if err := Down(dir); err != nil {
		t.Errorf("Down with a dead pid: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, glancePIDName)); !os.IsNotExist(err) {
		t.Errorf("stale pid file not removed: %v", err)
	}
}

func TestGeneratedNamesCoverClientFiles(t *testing.T) {
	names := map[string]bool{}
	for _, n := range generatedNames() {
		names[n] = true
	}
	c := &Cloud{Dir: "/x"}
	for _, f := range c.Files() {
		if !names[filepath.Base(f)] {
			t.Errorf("%s is written but not cleaned on a fresh start", filepath.Base(f))
		}
	}
	for _, n := range []string{keystoneDBName, glanceDBName, keystonePIDName, glancePIDName, fernetDirName} {
		if !names[n] {
			t.Errorf("%s not cleaned on a fresh start", n)
		}
	}
}

func TestRunStreaming(t *testing.T) {
	var b strings.Builder
	err := runStreaming(t.Context(), &b, "apt| ", []string{"sh", "-c", "echo one; echo two >&2; exit 3"}, []string{"X=1"})
	if err == nil {
		t.Error("exit status 3 not reported")
	}
	out := b.String()
	for _, want := range []string{"apt| $ sh -c", "apt| one\n", "apt| two\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckStateDir(t *testing.T) {
	base := t.TempDir()
	if err := checkStateDir(filepath.Join(base, "new")); err != nil {
		t.Errorf("new dir refused: %v", err)
	}
	empty := filepath.Join(base, "empty")
	must(t, os.Mkdir(empty, 0o755))
	if err := checkStateDir(empty); err != nil {
		t.Errorf("empty dir refused: %v", err)
	}
	foreign := filepath.Join(base, "foreign")
	must(t, os.MkdirAll(filepath.Join(foreign, "images"), 0o755))
	if err := checkStateDir(foreign); err == nil {
		t.Error("a foreign non-empty dir was accepted (Up would delete its images/)")
	}
	must(t, os.WriteFile(filepath.Join(foreign, cloudJSONName), []byte("{}"), 0o644))
	if err := checkStateDir(foreign); err != nil {
		t.Errorf("a state dir was refused: %v", err)
	}
}

func TestCanonicalDirResolvesSymlinks(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(base, "real")
	must(t, os.Mkdir(target, 0o755))
	link := filepath.Join(base, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	got, err := canonicalDir(link)
	if err != nil || got != target {
		t.Errorf("canonicalDir(%s) = %q, %v; want %s", link, got, err, target)
	}
	t.Chdir(base)
	if got, _ := canonicalDir("real"); got != target {
		t.Errorf("relative: %q, want %s", got, target)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
