package localcloud

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// parseINI is a tiny INI reader for the tests: section -> key -> value.
func parseINI(t *testing.T, s string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	sec := ""
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			sec = line[1 : len(line)-1]
			if _, dup := out[sec]; dup {
				t.Fatalf("section [%s] appears twice", sec)
			}
			out[sec] = map[string]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || sec == "" {
				t.Fatalf("bad ini line %q", line)
			}
			k = strings.TrimSpace(k)
			if _, dup := out[sec][k]; dup {
				t.Fatalf("[%s] %s set twice", sec, k)
			}
			out[sec][k] = strings.TrimSpace(v)
		}
	}
	return out
}

func TestRenderKeystoneConfig(t *testing.T) {
	s, err := RenderKeystoneConfig(KeystoneConfig{Dir: "/srv/lc"})
	if err != nil {
		t.Fatal(err)
	}
	ini := parseINI(t, s)
	want := map[[2]string]string{
		{"database", "connection"}:            "sqlite:////srv/lc/keystone.db",
		{"token", "provider"}:                 "fernet",
		{"fernet_tokens", "key_repository"}:   "/srv/lc/fernet-keys",
		{"fernet_receipts", "key_repository"}: "/srv/lc/receipt-keys",
		{"credential", "key_repository"}:      "/srv/lc/credential-keys",
		{"DEFAULT", "log_dir"}:                "/srv/lc",
		{"DEFAULT", "log_file"}:               "keystone.log",
	}
	for k, v := range want {
		if got := ini[k[0]][k[1]]; got != v {
			t.Errorf("[%s] %s = %q, want %q", k[0], k[1], got, v)
		}
	}
	if _, err := RenderKeystoneConfig(KeystoneConfig{Dir: "relative/dir"}); err == nil {
		t.Error("relative state dir accepted")
	}
}

func TestRenderGlanceConfig(t *testing.T) {
	base := GlanceConfig{Dir: "/srv/lc", Port: 9292, KeystonePort: 5000, GlancePassword: "s3cret", MemberQuota: 5}
	for _, secure := range []bool{false, true} {
		c := base
		c.Secure = secure
		s, err := RenderGlanceConfig(c)
		if err != nil {
			t.Fatal(err)
		}
		ini := parseINI(t, s)
		wantBool := "false"
		if secure {
			wantBool = "true"
		}
		// glance-api refuses to start unless both flags agree.
		if got := ini["DEFAULT"]["enforce_secure_rbac"]; got != wantBool {
			t.Errorf("secure=%v: enforce_secure_rbac = %q", secure, got)
		}
		if got := ini["oslo_policy"]["enforce_new_defaults"]; got != wantBool {
			t.Errorf("secure=%v: enforce_new_defaults = %q", secure, got)
		}
		want := map[[2]string]string{
			{"DEFAULT", "bind_host"}:                                "127.0.0.1",
			{"DEFAULT", "bind_port"}:                                "9292",
			{"DEFAULT", "workers"}:                                  "1",
			{"DEFAULT", "enabled_backends"}:                         "fs:file",
			{"DEFAULT", "image_member_quota"}:                       "5",
			{"glance_store", "default_backend"}:                     "fs",
			{"fs", "filesystem_store_datadir"}:                      "/srv/lc/images/",
			{"os_glance_staging_store", "filesystem_store_datadir"}: "/srv/lc/staging/",
			{"os_glance_tasks_store", "filesystem_store_datadir"}:   "/srv/lc/tasks/",
			{"database", "connection"}:                              "sqlite:////srv/lc/glance.db",
			{"keystone_authtoken", "auth_url"}:                      "http://127.0.0.1:5000",
			{"keystone_authtoken", "www_authenticate_uri"}:          "http://127.0.0.1:5000",
			{"keystone_authtoken", "username"}:                      "glance",
			{"keystone_authtoken", "password"}:                      "s3cret",
			{"keystone_authtoken", "project_name"}:                  "service",
			{"paste_deploy", "flavor"}:                              "keystone",
			{"paste_deploy", "config_file"}:                         "/etc/glance/glance-api-paste.ini",
			{"oslo_concurrency", "lock_path"}:                       "/srv/lc/locks",
		}
		for k, v := range want {
			if got := ini[k[0]][k[1]]; got != v {
				t.Errorf("secure=%v: [%s] %s = %q, want %q", secure, k[0], k[1], got, v)
			}
		}
	}
	bad := []GlanceConfig{
		{Dir: "rel", Port: 1, KeystonePort: 2, GlancePassword: "x", MemberQuota: 1},
		{Dir: "/a", Port: 0, KeystonePort: 2, GlancePassword: "x", MemberQuota: 1},
		{Dir: "/a", Port: 1, KeystonePort: 2, GlancePassword: "", MemberQuota: 1},
		{Dir: "/a", Port: 1, KeystonePort: 2, GlancePassword: "x", MemberQuota: -2},
	}
	for _, c := range bad {
		if _, err := RenderGlanceConfig(c); err == nil {
			t.Errorf("accepted bad config %+v", c)
		}
	}
}

func testIdentities() []Identity {
	return []Identity{
		{Name: "owner", Username: "owner", Password: `pa"ss\word'$x`, ProjectName: "owner"},
		{Name: "consumer", Username: "consumer", Password: "abc123", ProjectName: "consumer"},
		{Name: "stranger", Username: "stranger", Password: "def456", ProjectName: "stranger"},
		{Name: "admin", Username: "admin", Password: "0123abcd", ProjectName: "admin"},
	}
}

func TestRenderCloudsYAML(t *testing.T) {
	y := RenderCloudsYAML("http://127.0.0.1:5000/v3", testIdentities())
	// A structural check without a YAML library: cloud names at indent 2 in
	// order, and each cloud has the expected keys.
	var clouds []string
	for _, line := range strings.Split(y, "\n") {
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			clouds = append(clouds, strings.TrimSuffix(strings.TrimSpace(line), ":"))
		}
	}
	if got := strings.Join(clouds, ","); got != "owner,consumer,stranger,admin" {
		t.Fatalf("clouds = %s\n%s", got, y)
	}
	for _, want := range []string{
		"clouds:\n  owner:\n    auth:\n      auth_url: \"http://127.0.0.1:5000/v3\"\n      username: \"owner\"\n",
		`      password: "pa\"ss\\word'$x"` + "\n",
		"      project_name: \"consumer\"\n      user_domain_name: \"Default\"\n      project_domain_name: \"Default\"\n    region_name: \"RegionOne\"\n    interface: \"public\"\n    identity_api_version: 3\n",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("clouds.yaml lacks %q:\n%s", want, y)
		}
	}
	if n := strings.Count(y, "identity_api_version: 3\n"); n != 4 {
		t.Errorf("%d clouds with identity_api_version, want 4", n)
	}
}

// sourceEnv sources an env file in sh and returns the variables it set.
func sourceEnv(t *testing.T, content string, names ...string) map[string]string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "x.env")
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	script := ". " + f
	for _, n := range names {
		script += `; printf '%s\0' "$` + n + `"`
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sourcing %s: %v", content, err)
	}
	vals := strings.Split(string(out), "\x00")
	got := map[string]string{}
	for i, n := range names {
		got[n] = vals[i]
	}
	return got
}

func TestRenderIdentityEnv(t *testing.T) {
	id := testIdentities()[0]
	env := RenderIdentityEnv("http://127.0.0.1:5000/v3", id)
	want := map[string]string{
		"OS_AUTH_URL": "http://127.0.0.1:5000/v3", "OS_USERNAME": "owner", "OS_PASSWORD": id.Password,
		"OS_PROJECT_NAME": "owner", "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default",
		"OS_REGION_NAME": "RegionOne", "OS_INTERFACE": "public", "OS_IDENTITY_API_VERSION": "3",
	}
	var names []string
	for k := range want {
		names = append(names, k)
		if !strings.Contains(env, "export "+k+"=") {
			t.Errorf("env lacks export %s:\n%s", k, env)
		}
	}
	got := sourceEnv(t, env, names...)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q after sourcing, want %q", k, got[k], v)
		}
	}
	// Plain values stay unquoted for naive KEY=VALUE readers.
	if !strings.Contains(env, "export OS_USERNAME=owner\n") {
		t.Errorf("plain value was quoted:\n%s", env)
	}
}

func TestRenderCloudEnv(t *testing.T) {
	env := RenderCloudEnv("/srv/my lc", PolicySecure, 5)
	got := sourceEnv(t, env, "OS_CLIENT_CONFIG_FILE", "IMAGESHARE_ACC_POLICY", "IMAGESHARE_ACC_MEMBER_QUOTA")
	want := map[string]string{
		"OS_CLIENT_CONFIG_FILE":       "/srv/my lc/clouds.yaml",
		"IMAGESHARE_ACC_POLICY":       "secure",
		"IMAGESHARE_ACC_MEMBER_QUOTA": "5",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestOptionsNormalise(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	o := Options{Dir: "rel/state"}
	if err := o.normalise(); err != nil {
		t.Fatal(err)
	}
	if o.Dir != filepath.Join(dir, "rel/state") {
		t.Errorf("dir = %q, want absolute under %s", o.Dir, dir)
	}
	if o.Policy != PolicyLegacy || o.MemberQuota != DefaultMemberQuota || o.Log == nil || o.ReadyTimeout == 0 {
		t.Errorf("defaults not applied: %+v", o)
	}
	for _, bad := range []Options{
		{Policy: "strict"},
		{MemberQuota: -5},
		{KeystonePort: 70000},
		{KeystonePort: 5000, GlancePort: 5000},
	} {
		if err := bad.normalise(); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}
