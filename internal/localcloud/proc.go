package localcloud

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// WritePIDFile records pid in path (mode 0644).
func WritePIDFile(path string, pid int) error {
	if pid <= 0 {
		return fmt.Errorf("refusing to write pid %d to %s", pid, path)
	}
	return writeFileAtomic(path, []byte(strconv.Itoa(pid)+"\n"), 0o644)
}

// ReadPIDFile returns the pid recorded in path; 0 and no error when the file
// does not exist.
func ReadPIDFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	pid, err := strconv.Atoi(s)
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("%s: not a pid: %q", path, s)
	}
	return pid, nil
}

// procInfo is what /proc says about one process.
type procInfo struct {
	pid, pgid int
	state     byte // R, S, D, Z, ...
	cmdline   string
}

// readProc reads /proc/<pid>/stat and cmdline. ok is false when the process
// does not exist.
func readProc(pid int) (procInfo, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procInfo{}, false
	}
	// Format: pid (comm) state ppid pgrp ...; comm may contain spaces and ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procInfo{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 {
		return procInfo{}, false
	}
	pgid, _ := strconv.Atoi(f[2])
	info := procInfo{pid: pid, pgid: pgid, state: f[0][0]}
	if c, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
		info.cmdline = strings.TrimSpace(string(bytes.ReplaceAll(c, []byte{0}, []byte{' '})))
	}
	return info, true
}

// processAlive tells whether pid runs (a zombie does not count) and its
// command line contains marker (guards against a recycled pid).
func processAlive(pid int, marker string) bool {
	if pid <= 0 {
		return false
	}
	info, ok := readProc(pid)
	if !ok || info.state == 'Z' || info.state == 'X' {
		return false
	}
	return marker == "" || strings.Contains(info.cmdline, marker)
}

// groupMembers returns the live (non-zombie) processes whose process group is
// pgid.
func groupMembers(pgid int) []procInfo {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []procInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		info, ok := readProc(pid)
		if ok && info.pgid == pgid && info.state != 'Z' && info.state != 'X' {
			out = append(out, info)
		}
	}
	return out
}

// ourGroup returns the live members of process group pgid, but only when the
// group is ours: at least one member's command line contains marker (the
// absolute state dir). A recycled pid of someone else's group is left alone.
func ourGroup(pgid int, marker string) []procInfo {
	if pgid <= 1 {
		return nil
	}
	members := groupMembers(pgid)
	for _, m := range members {
		if strings.Contains(m.cmdline, marker) {
			return members
		}
	}
	return nil
}

// stopGroup stops the process group pgid that a service of this state dir
// runs in: SIGTERM to the group, wait up to grace, then SIGKILL. It returns
// whether anything was running. It never looks processes up by name.
func stopGroup(pgid int, marker string, grace time.Duration) (bool, error) {
	if len(ourGroup(pgid, marker)) == 0 {
		return false, nil
	}
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return true, fmt.Errorf("SIGTERM to process group %d: %w", pgid, err)
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if len(groupMembers(pgid)) == 0 {
			return true, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return true, fmt.Errorf("SIGKILL to process group %d: %w", pgid, err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if len(groupMembers(pgid)) == 0 {
			return true, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true, fmt.Errorf("process group %d still has processes after SIGKILL", pgid)
}

// service is one started background process.
type service struct {
	name   string
	pid    int
	logs   []string      // log files to show when it fails
	exited chan struct{} // closed when the process exited (while we run)
	err    error         // exit status, valid after exited is closed
}

// startDetached starts a long-running service in its own session (so its
// process group id equals its pid and a terminal's ^C does not reach it),
// with stdin from /dev/null and stdout/stderr appended to outPath.
func startDetached(name, dir, outPath string, env []string, logs []string, argv ...string) (*service, error) {
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin = devnull
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &service{name: name, pid: cmd.Process.Pid, logs: append([]string{outPath}, logs...), exited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// runLogged runs a one-shot command in the foreground, appending its output
// to logPath; on failure the error carries the tail of that output.
func runLogged(ctx context.Context, dir, logPath string, env []string, argv ...string) error {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(f, "\n$ %s\n", strings.Join(argv, " "))
	start, _ := f.Seek(0, io.SeekEnd)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = f
	cmd.Stderr = f
	runErr := cmd.Run()
	f.Close()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if runErr != nil {
		return fmt.Errorf("%s failed: %v\n--- output (%s) ---\n%s", strings.Join(argv, " "), runErr, logPath, tailFrom(logPath, start, 30))
	}
	return nil
}

// tailFrom returns the last n lines of path after byte offset start.
func tailFrom(path string, start int64, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(cannot read " + path + ": " + err.Error() + ")"
	}
	if start > 0 && start <= int64(len(b)) {
		b = b[start:]
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// tail returns the last n lines of path.
func tail(path string, n int) string { return tailFrom(path, 0, n) }

// FreePort returns a TCP port on 127.0.0.1 that nobody listens on right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// portFree tells whether 127.0.0.1:port can be bound now.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// writeFileAtomic writes data to path via a temporary file and rename, with
// the given mode from the first byte on.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
