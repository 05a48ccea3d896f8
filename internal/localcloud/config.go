package localcloud

import (
	"bytes"
	"fmt"
	"path/filepath"
	"text/template"
)

// Names of the files and directories a cloud keeps in its state directory.
// Everything the harness creates is listed here so that a stale directory
// can be cleaned without touching anything else the user put there.
const (
	keystoneConfName   = "keystone.conf"
	keystoneDBName     = "keystone.db"
	keystoneLogName    = "keystone.log"
	keystoneOutName    = "keystone-uwsgi.log"
	keystoneManageLog  = "keystone-manage.log"
	keystonePIDName    = "keystone.pid"
	fernetDirName      = "fernet-keys"
	receiptDirName     = "receipt-keys"
	credentialDirName  = "credential-keys"
	glanceConfName     = "glance-api.conf"
	glanceDBName       = "glance.db"
	glanceLogName      = "glance-api.log"
	glanceOutName      = "glance-api.out"
	glanceManageLog    = "glance-manage.log"
	glancePIDName      = "glance.pid"
	glanceImagesDir    = "images"
	glanceStagingDir   = "staging"
	glanceTasksDir     = "tasks"
	lockDirName        = "locks"
	cloudsYAMLName     = "clouds.yaml"
	cloudEnvName       = "cloud.env"
	cloudJSONName      = "cloud.json"
	upLockName         = ".localcloud.lock"
	glancePasteConfig  = "/etc/glance/glance-api-paste.ini"
	keystoneWSGIScript = "/usr/bin/keystone-wsgi-public"
)

// generatedNames lists every entry (relative to the state dir) that Up
// creates; removing these resets a directory to "fresh". Env files of the
// identities are added by identityNames.
func generatedNames() []string {
	names := []string{
		keystoneConfName, keystoneDBName, keystoneDBName + "-wal", keystoneDBName + "-shm", keystoneDBName + "-journal",
		keystoneLogName, keystoneOutName, keystoneManageLog, keystonePIDName,
		fernetDirName, receiptDirName, credentialDirName,
		glanceConfName, glanceDBName, glanceDBName + "-wal", glanceDBName + "-shm", glanceDBName + "-journal",
		glanceLogName, glanceOutName, glanceManageLog, glancePIDName,
		glanceImagesDir, glanceStagingDir, glanceTasksDir, lockDirName,
		cloudsYAMLName, cloudEnvName, cloudJSONName,
	}
	for _, n := range IdentityNames {
		names = append(names, n+".env")
	}
	return names
}

// KeystoneConfig is the data the keystone.conf template needs.
type KeystoneConfig struct {
	Dir string // absolute state directory
}

// GlanceConfig is the data the glance-api.conf template needs.
type GlanceConfig struct {
	Dir            string // absolute state directory
	Port           int
	KeystonePort   int
	GlancePassword string
	MemberQuota    int
	Secure         bool // enforce_secure_rbac + enforce_new_defaults
}

var keystoneTmpl = template.Must(template.New("keystone.conf").Parse(`# Written by localcloud; regenerated on every fresh start.
[DEFAULT]
debug = false
log_dir = {{.Dir}}
log_file = ` + keystoneLogName + `
use_stderr = false

[database]
connection = sqlite:///{{.Dir}}/` + keystoneDBName + `

[token]
provider = fernet
expiration = 86400

[fernet_tokens]
key_repository = {{.Dir}}/` + fernetDirName + `

[fernet_receipts]
key_repository = {{.Dir}}/` + receiptDirName + `

[credential]
key_repository = {{.Dir}}/` + credentialDirName + `

[identity]
# Throw-away test cloud: cheap bcrypt keeps user creation and every
# password authentication fast.
password_hash_rounds = 4

[oslo_concurrency]
lock_path = {{.Dir}}/` + lockDirName + `
`))

var glanceTmpl = template.Must(template.New("glance-api.conf").Parse(`# Written by localcloud; regenerated on every fresh start.
[DEFAULT]
debug = false
log_dir = {{.Dir}}
log_file = ` + glanceLogName + `
use_stderr = false
bind_host = 127.0.0.1
bind_port = {{.Port}}
workers = 1
enabled_backends = fs:file
image_member_quota = {{.MemberQuota}}
enforce_secure_rbac = {{.Secure}}

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = {{.Dir}}/` + glanceImagesDir + `/

[os_glance_staging_store]
filesystem_store_datadir = {{.Dir}}/` + glanceStagingDir + `/

[os_glance_tasks_store]
filesystem_store_datadir = {{.Dir}}/` + glanceTasksDir + `/

[database]
connection = sqlite:///{{.Dir}}/` + glanceDBName + `

[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:{{.KeystonePort}}
auth_url = http://127.0.0.1:{{.KeystonePort}}
auth_type = password
username = glance
password = {{.GlancePassword}}
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
interface = public

[paste_deploy]
flavor = keystone
config_file = ` + glancePasteConfig + `

[oslo_concurrency]
lock_path = {{.Dir}}/` + lockDirName + `

[oslo_policy]
enforce_new_defaults = {{.Secure}}
`))

// RenderKeystoneConfig renders keystone.conf.
func RenderKeystoneConfig(c KeystoneConfig) (string, error) {
	if !filepath.IsAbs(c.Dir) {
		return "", fmt.Errorf("keystone config: state dir %q is not absolute", c.Dir)
	}
	var b bytes.Buffer
	if err := keystoneTmpl.Execute(&b, c); err != nil {
		return "", err
	}
	return b.String(), nil
}

// RenderGlanceConfig renders glance-api.conf.
func RenderGlanceConfig(c GlanceConfig) (string, error) {
	switch {
	case !filepath.IsAbs(c.Dir):
		return "", fmt.Errorf("glance config: state dir %q is not absolute", c.Dir)
	case c.Port <= 0 || c.KeystonePort <= 0:
		return "", fmt.Errorf("glance config: ports must be set (glance %d, keystone %d)", c.Port, c.KeystonePort)
	case c.MemberQuota < -1:
		return "", fmt.Errorf("glance config: image_member_quota %d is invalid (use -1 for unlimited)", c.MemberQuota)
	case c.GlancePassword == "":
		return "", fmt.Errorf("glance config: empty glance service password")
	}
	var b bytes.Buffer
	if err := glanceTmpl.Execute(&b, c); err != nil {
		return "", err
	}
	return b.String(), nil
}
