package localcloud

import (
	"encoding/json"
	"fmt"
	"strings"
)

// IdentityNames are the clouds written to clouds.yaml, in file order. The
// first three are non-admin projects, each with a user of the same name
// holding role member on it; admin is Keystone's bootstrap admin.
var IdentityNames = []string{"owner", "consumer", "stranger", "admin"}

// NonAdminNames are the identities that Up creates through the Keystone API.
var NonAdminNames = []string{"owner", "consumer", "stranger"}

const (
	regionName = "RegionOne"
	domainName = "Default"
	domainID   = "default"
)

// Identity is one set of credentials of the local cloud.
type Identity struct {
	Name        string `json:"name"` // cloud name in clouds.yaml
	Username    string `json:"username"`
	Password    string `json:"-"`
	ProjectName string `json:"project_name"`
	ProjectID   string `json:"project_id"`
	UserID      string `json:"user_id"`
}

// yamlString quotes s as a YAML double-quoted scalar (JSON strings are valid
// YAML double-quoted scalars).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// shellQuote quotes s for POSIX shells when it needs quoting; plain values
// (URLs, names, hex passwords) stay unquoted so naive KEY=VALUE parsers work.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:/@%+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// RenderCloudsYAML renders a clouds.yaml with one cloud per identity, in the
// order given.
func RenderCloudsYAML(authURL string, ids []Identity) string {
	var b strings.Builder
	b.WriteString("# Written by localcloud. Use with OS_CLIENT_CONFIG_FILE=<this file> OS_CLOUD=<name>.\n")
	b.WriteString("clouds:\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "  %s:\n", id.Name)
		b.WriteString("    auth:\n")
		fmt.Fprintf(&b, "      auth_url: %s\n", yamlString(authURL))
		fmt.Fprintf(&b, "      username: %s\n", yamlString(id.Username))
		fmt.Fprintf(&b, "      password: %s\n", yamlString(id.Password))
		fmt.Fprintf(&b, "      project_name: %s\n", yamlString(id.ProjectName))
		fmt.Fprintf(&b, "      user_domain_name: %s\n", yamlString(domainName))
		fmt.Fprintf(&b, "      project_domain_name: %s\n", yamlString(domainName))
		fmt.Fprintf(&b, "    region_name: %s\n", yamlString(regionName))
		b.WriteString("    interface: \"public\"\n")
		b.WriteString("    identity_api_version: 3\n")
	}
	return b.String()
}

// RenderIdentityEnv renders an env file (to be sourced) for one identity.
func RenderIdentityEnv(authURL string, id Identity) string {
	var b strings.Builder
	kv := [][2]string{
		{"OS_AUTH_URL", authURL},
		{"OS_USERNAME", id.Username},
		{"OS_PASSWORD", id.Password},
		{"OS_PROJECT_NAME", id.ProjectName},
		{"OS_USER_DOMAIN_NAME", domainName},
		{"OS_PROJECT_DOMAIN_NAME", domainName},
		{"OS_REGION_NAME", regionName},
		{"OS_INTERFACE", "public"},
		{"OS_IDENTITY_API_VERSION", "3"},
	}
	for _, e := range kv {
		fmt.Fprintf(&b, "export %s=%s\n", e[0], shellQuote(e[1]))
	}
	return b.String()
}

// RenderCloudEnv renders cloud.env: where clouds.yaml is and which policy mode
// and member quota the cloud runs with.
func RenderCloudEnv(absDir, policy string, memberQuota int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "export OS_CLIENT_CONFIG_FILE=%s\n", shellQuote(absDir+"/"+cloudsYAMLName))
	fmt.Fprintf(&b, "export IMAGESHARE_ACC_POLICY=%s\n", shellQuote(policy))
	fmt.Fprintf(&b, "export IMAGESHARE_ACC_MEMBER_QUOTA=%d\n", memberQuota)
	return b.String()
}
