// Package localcloud runs a real, throw-away OpenStack Keystone (22, Zed) and
// Glance (25, Zed) from Debian packages on 127.0.0.1, for the provider's
// acceptance tests.
//
// Everything a cloud needs lives in one state directory: configuration,
// SQLite databases, key repositories, image store, logs, pid files and the
// client files the tests use (clouds.yaml, *.env, cloud.env, cloud.json).
// Several clouds can run side by side in different directories. Services are
// started detached in their own sessions and stopped by the pids recorded in
// the directory, never by name.
package localcloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Policy modes of Glance.
const (
	// PolicyLegacy is the Zed default: enforce_secure_rbac and
	// enforce_new_defaults both false.
	PolicyLegacy = "legacy"
	// PolicySecure sets [DEFAULT] enforce_secure_rbac and [oslo_policy]
	// enforce_new_defaults both true.
	PolicySecure = "secure"
)

// DefaultMemberQuota is Glance's default image_member_quota.
const DefaultMemberQuota = 128

// DefaultDir is the state directory the CLI uses when none is given.
const DefaultDir = ".localcloud/default"

// Options configure Up.
type Options struct {
	Dir          string    // state directory (relative paths are made absolute); default DefaultDir
	Policy       string    // PolicyLegacy (default) or PolicySecure
	MemberQuota  int       // Glance image_member_quota; 0 means DefaultMemberQuota, -1 unlimited
	KeystonePort int       // 0 picks a free port
	GlancePort   int       // 0 picks a free port
	Install      bool      // apt-get install keystone glance-api when something is missing
	Log          io.Writer // progress output; nil discards it
	// ReadyTimeout bounds the wait for each service to answer; default 60 s.
	ReadyTimeout time.Duration
}

// Endpoint is one running service.
type Endpoint struct {
	Port int    `json:"port"`
	PID  int    `json:"pid"`
	URL  string `json:"url"`
}

// Cloud describes a running local cloud; it is also the content of
// cloud.json (passwords excluded: they are in clouds.yaml and the env files).
type Cloud struct {
	Dir         string   `json:"dir"`
	Policy      string   `json:"policy"`
	MemberQuota int      `json:"member_quota"`
	Region      string   `json:"region"`
	AuthURL     string   `json:"auth_url"`
	Keystone    Endpoint `json:"keystone"`
	Glance      Endpoint `json:"glance"`
	// ProjectIDs maps identity name (owner, consumer, stranger, admin) to
	// the id of its project.
	ProjectIDs     map[string]string `json:"project_ids"`
	Identities     []Identity        `json:"identities"`
	StartedAt      time.Time         `json:"started_at"`
	StartupSeconds float64           `json:"startup_seconds"`

	// Reused is true when Up found this cloud already running.
	Reused bool `json:"-"`
	// Elapsed is how long Up took.
	Elapsed time.Duration `json:"-"`
}

// Files returns the absolute paths of the client files Up writes.
func (c *Cloud) Files() []string {
	out := []string{filepath.Join(c.Dir, cloudsYAMLName), filepath.Join(c.Dir, cloudEnvName), filepath.Join(c.Dir, cloudJSONName)}
	for _, n := range IdentityNames {
		out = append(out, filepath.Join(c.Dir, n+".env"))
	}
	return out
}

// Identity returns the identity with that name (owner, consumer, stranger,
// admin); passwords are filled in only for a Cloud returned by Up on a fresh
// start.
func (c *Cloud) Identity(name string) (Identity, bool) {
	for _, id := range c.Identities {
		if id.Name == name {
			return id, true
		}
	}
	return Identity{}, false
}

func (o *Options) normalise() error {
	if o.Dir == "" {
		o.Dir = DefaultDir
	}
	abs, err := filepath.Abs(o.Dir)
	if err != nil {
		return err
	}
	o.Dir = abs
	switch o.Policy {
	case "":
		o.Policy = PolicyLegacy
	case PolicyLegacy, PolicySecure:
	default:
		return fmt.Errorf("unknown policy mode %q (want %s or %s)", o.Policy, PolicyLegacy, PolicySecure)
	}
	if o.MemberQuota == 0 {
		o.MemberQuota = DefaultMemberQuota
	}
	if o.MemberQuota < -1 {
		return fmt.Errorf("member quota %d: want a positive number or -1 (unlimited)", o.MemberQuota)
	}
	for _, p := range []int{o.KeystonePort, o.GlancePort} {
		if p < 0 || p > 65535 {
			return fmt.Errorf("port %d out of range", p)
		}
	}
	if o.KeystonePort != 0 && o.KeystonePort == o.GlancePort {
		return fmt.Errorf("keystone and glance cannot share port %d", o.KeystonePort)
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = 60 * time.Second
	}
	return nil
}

// lockDir takes an exclusive lock on the state dir for the duration of an
// up/down, so two commands on the same dir do not interleave.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, upLockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fmt.Fprintf(os.Stderr, "localcloud: waiting for another localcloud command on %s...\n", dir)
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// State is what Status finds in a state directory.
type State struct {
	Dir             string
	Cloud           *Cloud // from cloud.json; nil when absent or unreadable
	KeystonePID     int
	GlancePID       int
	KeystoneRunning bool // pid alive and ours
	GlanceRunning   bool
	KeystoneAnswers bool // GET /v3 answered 200
	GlanceAnswers   bool // GET / answered 300
}

// Up reports whether the cloud is fully up.
func (s State) Up() bool {
	return s.Cloud != nil && s.KeystoneRunning && s.GlanceRunning && s.KeystoneAnswers && s.GlanceAnswers
}

// Leftovers reports whether some service of the dir still runs.
func (s State) Leftovers() bool { return s.KeystoneRunning || s.GlanceRunning }

func (s State) String() string {
	var b strings.Builder
	switch {
	case s.Up():
		fmt.Fprintf(&b, "up: %s (policy %s, image_member_quota %d)\n", s.Dir, s.Cloud.Policy, s.Cloud.MemberQuota)
	case s.Leftovers():
		fmt.Fprintf(&b, "not healthy: %s (some processes run; `up` restarts it cleanly, `down` stops them)\n", s.Dir)
	case s.Cloud != nil:
		fmt.Fprintf(&b, "down: %s (stopped; `up` starts a fresh cloud there)\n", s.Dir)
	default:
		fmt.Fprintf(&b, "down: %s (no cloud)\n", s.Dir)
	}
	line := func(name string, pid int, running, answers bool, u string) {
		fmt.Fprintf(&b, "  %-8s pid %-7s running=%-5v answers=%-5v %s\n", name, pidString(pid), running, answers, u)
	}
	ku, gu := "", ""
	if s.Cloud != nil {
		ku, gu = s.Cloud.Keystone.URL, s.Cloud.Glance.URL
	}
	line("keystone", s.KeystonePID, s.KeystoneRunning, s.KeystoneAnswers, ku)
	line("glance", s.GlancePID, s.GlanceRunning, s.GlanceAnswers, gu)
	if s.Up() {
		fmt.Fprintf(&b, "  credentials: %s (source %s)\n", filepath.Join(s.Dir, cloudsYAMLName), filepath.Join(s.Dir, cloudEnvName))
	}
	return b.String()
}

func pidString(pid int) string {
	if pid == 0 {
		return "-"
	}
	return fmt.Sprint(pid)
}

// marker is what every service command line of dir contains.
func marker(absDir string) string { return absDir + "/" }

// canonicalDir makes dir absolute and resolves symlinks when it exists, so
// that every spelling of a state dir finds the same processes.
func canonicalDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		return resolved, nil
	}
	return abs, nil
}

// checkStateDir refuses a directory that has content but is not a localcloud
// state dir: a fresh start deletes the names it uses (images, locks, ...).
func checkStateDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(ents) == 0 {
		return nil
	}
	for _, own := range []string{upLockName, cloudJSONName, keystoneConfName, glanceConfName} {
		if _, err := os.Stat(filepath.Join(dir, own)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s is not empty and is not a localcloud state directory; give -dir a new or empty directory", dir)
}

// Status inspects a state directory.
func Status(dir string) (State, error) {
	abs, err := canonicalDir(dir)
	if err != nil {
		return State{}, err
	}
	return status(context.Background(), abs), nil
}

func status(ctx context.Context, abs string) State {
	s := State{Dir: abs}
	if c, err := readCloudJSON(abs); err == nil {
		s.Cloud = c
	}
	s.KeystonePID, _ = ReadPIDFile(filepath.Join(abs, keystonePIDName))
	s.GlancePID, _ = ReadPIDFile(filepath.Join(abs, glancePIDName))
	s.KeystoneRunning = processAlive(s.KeystonePID, marker(abs))
	s.GlanceRunning = processAlive(s.GlancePID, marker(abs))
	if s.Cloud != nil {
		if s.KeystoneRunning {
			s.KeystoneAnswers = probe(ctx, s.Cloud.AuthURL) == http.StatusOK
		}
		if s.GlanceRunning {
			s.GlanceAnswers = probe(ctx, s.Cloud.Glance.URL+"/") == http.StatusMultipleChoices
		}
	}
	return s
}

func readCloudJSON(abs string) (*Cloud, error) {
	b, err := os.ReadFile(filepath.Join(abs, cloudJSONName))
	if err != nil {
		return nil, err
	}
	var c Cloud
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", cloudJSONName, err)
	}
	return &c, nil
}

// Down stops the cloud of dir by its recorded pids. Nothing running is a
// success.
func Down(dir string) error { return DownWithLog(dir, io.Discard) }

// DownWithLog is Down with progress messages.
func DownWithLog(dir string, log io.Writer) error {
	abs, err := canonicalDir(dir)
	if err != nil {
		return err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		fmt.Fprintf(log, "nothing to stop: %s does not exist\n", abs)
		return nil
	}
	unlock, err := lockDir(abs)
	if err != nil {
		return err
	}
	defer unlock()
	return stopServices(abs, log)
}

// stopServices stops glance then keystone of abs and removes their pid files.
func stopServices(abs string, log io.Writer) error {
	var errs []error
	for _, svc := range []struct{ name, pidFile string }{{"glance", glancePIDName}, {"keystone", keystonePIDName}} {
		path := filepath.Join(abs, svc.pidFile)
		pid, err := ReadPIDFile(path)
		if err != nil {
			errs = append(errs, err)
			os.Remove(path)
			continue
		}
		if pid == 0 {
			continue
		}
		t := time.Now()
		stopped, err := stopGroup(pid, marker(abs), 10*time.Second)
		if err != nil {
			errs = append(errs, fmt.Errorf("stopping %s (pid %d): %w", svc.name, pid, err))
			continue
		}
		if stopped {
			fmt.Fprintf(log, "stopped %s (process group %d) in %.1fs\n", svc.name, pid, time.Since(t).Seconds())
		} else {
			fmt.Fprintf(log, "%s (pid %d) was not running\n", svc.name, pid)
		}
		os.Remove(path)
	}
	return errors.Join(errs...)
}

// randomSecret returns 32 hex characters from crypto/rand.
func randomSecret() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// childEnv is the environment of every child: ours, with loopback excluded
// from any proxy (Python's requests does not skip loopback by itself).
func childEnv(extra ...string) []string {
	env := os.Environ()
	for _, k := range []string{"no_proxy", "NO_PROXY"} {
		v := os.Getenv(k)
		if v != "" {
			v += ","
		}
		env = append(env, k+"="+v+"127.0.0.1,localhost")
	}
	return append(env, extra...)
}

// setWAL switches a SQLite database file to write-ahead logging (it persists
// in the file). Without it Keystone and Glance fail writes with "database is
// locked" after 5 s.
func setWAL(ctx context.Context, db, logPath string) error {
	var argv []string
	if p, err := exec.LookPath("sqlite3"); err == nil {
		argv = []string{p, db, "PRAGMA journal_mode=WAL;"}
	} else {
		py := "/usr/bin/python3" // the interpreter the OpenStack packages use
		if _, err := os.Stat(py); err != nil {
			py = "python3"
		}
		argv = []string{py, "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('PRAGMA journal_mode=WAL').fetchone()[0]); c.close()", db}
	}
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if f, ferr := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); ferr == nil {
		fmt.Fprintf(f, "\n$ %s\n%s", strings.Join(argv, " "), out)
		f.Close()
	}
	if err != nil {
		return fmt.Errorf("setting WAL on %s: %v: %s", db, err, out)
	}
	if strings.TrimSpace(string(out)) != "wal" {
		return fmt.Errorf("setting WAL on %s: journal mode is %q", db, strings.TrimSpace(string(out)))
	}
	return nil
}

// waitReady polls u until it answers want, the service exits or the timeout
// passes.
func waitReady(ctx context.Context, s *service, u string, want int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	last := 0
	for {
		code := probe(ctx, u)
		if code == want {
			return nil
		}
		last = code
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited while starting (%v)%s", s.name, s.err, logTails(s.logs))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			what := "nothing answered"
			if last != 0 {
				what = fmt.Sprintf("last answer HTTP %d", last)
			}
			return fmt.Errorf("%s did not answer GET %s with %d within %s (%s)%s", s.name, u, want, timeout, what, logTails(s.logs))
		}
	}
}

func logTails(paths []string) string {
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "\n--- tail of %s ---\n%s", p, tail(p, 25))
	}
	return b.String()
}

// progress prints timed progress lines.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "[%5.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

// parallel runs fns concurrently and returns their errors joined.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Up starts a local cloud in o.Dir, or reports the one already running there.
func Up(ctx context.Context, o Options) (*Cloud, error) {
	start := time.Now()
	if err := o.normalise(); err != nil {
		return nil, err
	}
	if err := checkPlatform(); err != nil {
		return nil, err
	}
	if err := ensurePackages(ctx, o.Install, o.Log); err != nil {
		return nil, err
	}
	if err := checkStateDir(o.Dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	abs, err := canonicalDir(o.Dir)
	if err != nil {
		return nil, err
	}
	o.Dir = abs
	unlock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	defer unlock()

	st := status(ctx, abs)
	if st.Up() {
		c := st.Cloud
		c.Reused = true
		c.Elapsed = time.Since(start)
		warnMismatch(o, c)
		return c, nil
	}
	if st.Leftovers() || st.KeystonePID != 0 || st.GlancePID != 0 {
		fmt.Fprintf(o.Log, "stale cloud in %s: stopping leftovers by pid and starting over\n", abs)
	}
	if err := stopServices(abs, o.Log); err != nil {
		return nil, fmt.Errorf("cannot stop the leftovers of %s: %w", abs, err)
	}
	for _, n := range generatedNames() {
		if err := os.RemoveAll(filepath.Join(abs, n)); err != nil {
			return nil, err
		}
	}

	r := &run{o: o, abs: abs, p: &progress{w: o.Log, start: start}}
	c, err := r.start(ctx)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("interrupted (%v); stopped what was started", ctx.Err())
	}
	if err != nil {
		// Leave the logs for the post-mortem, stop what was started.
		if serr := stopServices(abs, io.Discard); serr != nil {
			err = errors.Join(err, serr)
		}
		return nil, fmt.Errorf("%w\n(logs are in %s)", err, abs)
	}
	c.Elapsed = time.Since(start)
	c.StartupSeconds = c.Elapsed.Seconds()
	if err := writeCloudJSON(c); err != nil {
		return nil, err
	}
	return c, nil
}

func warnMismatch(o Options, c *Cloud) {
	var diffs []string
	if o.Policy != c.Policy {
		diffs = append(diffs, fmt.Sprintf("policy %s (asked for %s)", c.Policy, o.Policy))
	}
	if o.MemberQuota != c.MemberQuota {
		diffs = append(diffs, fmt.Sprintf("image_member_quota %d (asked for %d)", c.MemberQuota, o.MemberQuota))
	}
	if o.KeystonePort != 0 && o.KeystonePort != c.Keystone.Port {
		diffs = append(diffs, fmt.Sprintf("keystone port %d (asked for %d)", c.Keystone.Port, o.KeystonePort))
	}
	if o.GlancePort != 0 && o.GlancePort != c.Glance.Port {
		diffs = append(diffs, fmt.Sprintf("glance port %d (asked for %d)", c.Glance.Port, o.GlancePort))
	}
	if len(diffs) > 0 {
		fmt.Fprintf(o.Log, "WARNING: the cloud already running in %s has %s; run `down` first to change it\n", c.Dir, strings.Join(diffs, ", "))
	}
}

func writeCloudJSON(c *Cloud) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(c.Dir, cloudJSONName), append(b, '\n'), 0o644)
}

// run is one fresh start.
type run struct {
	o   Options
	abs string
	p   *progress

	keystonePort, glancePort int
	adminPassword            string
	glancePassword           string
}

func (r *run) path(name string) string { return filepath.Join(r.abs, name) }

// pickPorts chooses the ports: given ones must be free, 0 picks one.
func (r *run) pickPorts() error {
	pick := func(want int, other int, name string) (int, error) {
		if want != 0 {
			if !portFree(want) {
				return 0, fmt.Errorf("%s port %d on 127.0.0.1 is in use (leave the flag at 0 to pick a free port)", name, want)
			}
			return want, nil
		}
		for i := 0; i < 20; i++ {
			p, err := FreePort()
			if err != nil {
				return 0, err
			}
			if p != other {
				return p, nil
			}
		}
		return 0, fmt.Errorf("no free port for %s", name)
	}
	var err error
	if r.keystonePort, err = pick(r.o.KeystonePort, r.o.GlancePort, "keystone"); err != nil {
		return err
	}
	r.glancePort, err = pick(r.o.GlancePort, r.keystonePort, "glance")
	return err
}

func (r *run) start(ctx context.Context) (*Cloud, error) {
	if err := r.pickPorts(); err != nil {
		return nil, err
	}
	r.adminPassword = randomSecret()
	r.glancePassword = randomSecret()
	for _, d := range []string{fernetDirName, receiptDirName, credentialDirName, glanceImagesDir, glanceStagingDir, glanceTasksDir, lockDirName} {
		if err := os.MkdirAll(r.path(d), 0o700); err != nil {
			return nil, err
		}
	}
	kconf, err := RenderKeystoneConfig(KeystoneConfig{Dir: r.abs})
	if err != nil {
		return nil, err
	}
	gconf, err := RenderGlanceConfig(GlanceConfig{
		Dir: r.abs, Port: r.glancePort, KeystonePort: r.keystonePort, GlancePassword: r.glancePassword,
		MemberQuota: r.o.MemberQuota, Secure: r.o.Policy == PolicySecure,
	})
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(r.path(keystoneConfName), []byte(kconf), 0o600); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(r.path(glanceConfName), []byte(gconf), 0o600); err != nil {
		return nil, err
	}
	r.p.printf("state dir %s: keystone on 127.0.0.1:%d, glance on 127.0.0.1:%d, policy %s, image_member_quota %d",
		r.abs, r.keystonePort, r.glancePort, r.o.Policy, r.o.MemberQuota)

	// Keystone and Glance come up in parallel: glance-api needs Keystone
	// only when the first authenticated request arrives.
	var c *Cloud
	var glanceSvc *service
	err = parallel(
		func() (err error) { c, err = r.keystone(ctx); return err },
		func() (err error) { glanceSvc, err = r.glance(ctx); return err },
	)
	if err != nil {
		return nil, err
	}
	if err := r.checkGlanceAuth(ctx, c, glanceSvc); err != nil {
		return nil, err
	}
	r.p.printf("glance accepts keystone tokens")
	c.Glance = Endpoint{Port: r.glancePort, PID: glanceSvc.pid, URL: fmt.Sprintf("http://127.0.0.1:%d", r.glancePort)}
	if err := r.writeClientFiles(c); err != nil {
		return nil, err
	}
	return c, nil
}

// keystone prepares and starts Keystone, then creates the projects, users
// and the image service through its API.
func (r *run) keystone(ctx context.Context) (*Cloud, error) {
	conf := r.path(keystoneConfName)
	logPath := r.path(keystoneManageLog)
	env := childEnv()
	km := func(args ...string) func() error {
		return func() error {
			return runLogged(ctx, r.abs, logPath, env, append([]string{"keystone-manage", "--config-file", conf}, args...)...)
		}
	}
	if err := parallel(
		km("db_sync"),
		km("fernet_setup", "--keystone-user", "root", "--keystone-group", "root"),
		km("credential_setup", "--keystone-user", "root", "--keystone-group", "root"),
	); err != nil {
		return nil, err
	}
	if err := setWAL(ctx, r.path(keystoneDBName), logPath); err != nil {
		return nil, err
	}
	r.p.printf("keystone: db_sync, fernet_setup, credential_setup done")

	authURL := fmt.Sprintf("http://127.0.0.1:%d/v3", r.keystonePort)
	// uWSGI: processes, no threads (SQLite objects are per thread).
	svc, err := startDetached("keystone (uwsgi)", r.abs, r.path(keystoneOutName),
		childEnv("OS_KEYSTONE_CONFIG_DIR="+r.abs, "OS_KEYSTONE_CONFIG_FILES="+keystoneConfName),
		[]string{r.path(keystoneLogName)},
		"uwsgi",
		"--http-socket", fmt.Sprintf("127.0.0.1:%d", r.keystonePort),
		"--plugins", "python3",
		"--wsgi-file", keystoneWSGIScript,
		"--chdir", marker(r.abs),
		"--master", "--processes", "2", "--lazy-apps", "--die-on-term", "--need-app",
		"--buffer-size", "65535",
		// uWSGI's http-socket closes the connection after every response
		// without saying so; clients that reuse it (Go's net/http does)
		// get "connection reset by peer" on their next POST.
		"--add-header", "Connection: close",
	)
	if err != nil {
		return nil, err
	}
	if err := WritePIDFile(r.path(keystonePIDName), svc.pid); err != nil {
		return nil, err
	}
	// Bootstrap while uWSGI loads the application.
	err = km("bootstrap",
		"--bootstrap-password", r.adminPassword,
		"--bootstrap-region-id", regionName,
		"--bootstrap-public-url", authURL+"/",
		"--bootstrap-internal-url", authURL+"/",
		"--bootstrap-admin-url", authURL+"/",
	)()
	if err != nil {
		return nil, err
	}
	r.p.printf("keystone: bootstrap done")
	if err := waitReady(ctx, svc, authURL, http.StatusOK, r.o.ReadyTimeout); err != nil {
		return nil, err
	}
	r.p.printf("keystone: answering on %s (pid %d)", authURL, svc.pid)

	c := &Cloud{
		Dir: r.abs, Policy: r.o.Policy, MemberQuota: r.o.MemberQuota, Region: regionName, AuthURL: authURL,
		Keystone:   Endpoint{Port: r.keystonePort, PID: svc.pid, URL: authURL},
		ProjectIDs: map[string]string{},
		StartedAt:  time.Now().UTC().Truncate(time.Second),
	}
	if err := r.populate(ctx, c); err != nil {
		return nil, fmt.Errorf("setting up keystone: %w%s", err, logTails([]string{r.path(keystoneLogName)}))
	}
	r.p.printf("keystone: service project, glance user, image endpoints, projects owner/consumer/stranger created")
	return c, nil
}

// populate creates, as the bootstrap admin, the glance service user and the
// image service with its endpoints, and the non-admin projects and users.
func (r *run) populate(ctx context.Context, c *Cloud) error {
	k := newKeystoneClient(c.AuthURL)
	adminProject, adminUser, err := k.authenticate(ctx, "admin", r.adminPassword, "admin")
	if err != nil {
		return err
	}
	var adminRole, memberRole string
	if err := parallel(
		func() (err error) { adminRole, err = k.roleID(ctx, "admin"); return err },
		func() (err error) { memberRole, err = k.roleID(ctx, "member"); return err },
	); err != nil {
		return err
	}
	glanceURL := fmt.Sprintf("http://127.0.0.1:%d", r.glancePort)

	ids := make([]Identity, len(NonAdminNames))
	tasks := []func() error{
		func() error { // glance service user with admin on project service
			pid, err := k.createProject(ctx, "service", "Service project (localcloud)")
			if err != nil {
				return err
			}
			uid, err := k.createUser(ctx, "glance", r.glancePassword, pid)
			if err != nil {
				return err
			}
			return k.grantProjectRole(ctx, pid, uid, adminRole)
		},
		func() error { // image service and its endpoints
			sid, err := k.createService(ctx, "image", "glance", "OpenStack Image (localcloud)")
			if err != nil {
				return err
			}
			for _, iface := range []string{"public", "internal", "admin"} {
				if err := k.createEndpoint(ctx, sid, iface, glanceURL); err != nil {
					return err
				}
			}
			return nil
		},
	}
	for i, name := range NonAdminNames {
		tasks = append(tasks, func() error {
			pw := randomSecret()
			pid, err := k.createProject(ctx, name, "Non-admin project "+name+" (localcloud)")
			if err != nil {
				return err
			}
			uid, err := k.createUser(ctx, name, pw, pid)
			if err != nil {
				return err
			}
			if err := k.grantProjectRole(ctx, pid, uid, memberRole); err != nil {
				return err
			}
			ids[i] = Identity{Name: name, Username: name, Password: pw, ProjectName: name, ProjectID: pid, UserID: uid}
			return nil
		})
	}
	if err := parallel(tasks...); err != nil {
		return err
	}
	ids = append(ids, Identity{Name: "admin", Username: "admin", Password: r.adminPassword, ProjectName: "admin", ProjectID: adminProject, UserID: adminUser})
	c.Identities = ids
	for _, id := range ids {
		c.ProjectIDs[id.Name] = id.ProjectID
	}
	return nil
}

// glance prepares and starts glance-api and waits until it answers.
func (r *run) glance(ctx context.Context) (*service, error) {
	conf := r.path(glanceConfName)
	logPath := r.path(glanceManageLog)
	if err := runLogged(ctx, r.abs, logPath, childEnv(), "glance-manage", "--config-file", conf, "db_sync"); err != nil {
		return nil, err
	}
	if err := setWAL(ctx, r.path(glanceDBName), logPath); err != nil {
		return nil, err
	}
	r.p.printf("glance: db_sync done")
	svc, err := startDetached("glance-api", r.abs, r.path(glanceOutName), childEnv(), []string{r.path(glanceLogName)},
		"glance-api", "--config-file", conf)
	if err != nil {
		return nil, err
	}
	if err := WritePIDFile(r.path(glancePIDName), svc.pid); err != nil {
		return nil, err
	}
	u := fmt.Sprintf("http://127.0.0.1:%d/", r.glancePort)
	if err := waitReady(ctx, svc, u, http.StatusMultipleChoices, r.o.ReadyTimeout); err != nil {
		return nil, err
	}
	r.p.printf("glance: answering on %s (pid %d)", u, svc.pid)
	return svc, nil
}

// checkGlanceAuth makes one authenticated Glance call as owner: it proves
// the whole chain (owner's credentials, the glance service user, token
// validation) and warms up glance's auth plugin.
func (r *run) checkGlanceAuth(ctx context.Context, c *Cloud, glanceSvc *service) error {
	owner, _ := c.Identity("owner")
	k := newKeystoneClient(c.AuthURL)
	if _, _, err := k.authenticate(ctx, owner.Username, owner.Password, owner.ProjectName); err != nil {
		return fmt.Errorf("owner cannot authenticate: %w", err)
	}
	g := &keystoneClient{base: fmt.Sprintf("http://127.0.0.1:%d/v2", r.glancePort), token: k.token, http: k.http}
	var out struct {
		Images []json.RawMessage `json:"images"`
	}
	if _, err := g.do(ctx, http.MethodGet, "/images?limit=1", nil, &out, http.StatusOK); err != nil {
		return fmt.Errorf("glance refuses owner's token: %w%s", err, logTails(glanceSvc.logs))
	}
	return nil
}

// writeClientFiles writes clouds.yaml, the env files and cloud.env.
func (r *run) writeClientFiles(c *Cloud) error {
	if err := writeFileAtomic(r.path(cloudsYAMLName), []byte(RenderCloudsYAML(c.AuthURL, c.Identities)), 0o600); err != nil {
		return err
	}
	for _, id := range c.Identities {
		if err := writeFileAtomic(r.path(id.Name+".env"), []byte(RenderIdentityEnv(c.AuthURL, id)), 0o600); err != nil {
			return err
		}
	}
	return writeFileAtomic(r.path(cloudEnvName), []byte(RenderCloudEnv(r.abs, c.Policy, c.MemberQuota)), 0o644)
}

// Summary is the short text the CLI prints after Up.
func (c *Cloud) Summary() string {
	var b strings.Builder
	if c.Reused {
		fmt.Fprintf(&b, "localcloud already up in %s (checked in %.1fs)\n", c.Dir, c.Elapsed.Seconds())
	} else {
		fmt.Fprintf(&b, "localcloud up in %s in %.1fs\n", c.Dir, c.Elapsed.Seconds())
	}
	fmt.Fprintf(&b, "  policy:       %s (image_member_quota %d)\n", c.Policy, c.MemberQuota)
	fmt.Fprintf(&b, "  keystone:     %s (pid %d)\n", c.AuthURL, c.Keystone.PID)
	fmt.Fprintf(&b, "  glance:       %s (pid %d)\n", c.Glance.URL, c.Glance.PID)
	names := make([]string, 0, len(c.ProjectIDs))
	for n := range c.ProjectIDs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  project %-9s %s\n", n+":", c.ProjectIDs[n])
	}
	b.WriteString("  files:\n")
	for _, f := range c.Files() {
		fmt.Fprintf(&b, "    %s\n", f)
	}
	fmt.Fprintf(&b, "  use:          source %s; export OS_CLOUD=owner   (or: source %s)\n",
		filepath.Join(c.Dir, cloudEnvName), filepath.Join(c.Dir, "owner.env"))
	return b.String()
}
