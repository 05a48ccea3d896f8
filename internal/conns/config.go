// Package conns turns the provider configuration into an authenticated
// OpenStack session: the one place where credentials are resolved, the HTTP
// client is built and Keystone is asked for a token.
package conns

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// Config is the resolved provider configuration: explicit attributes first,
// then the OS_* environment variables, then the clouds.yaml entry named by
// Cloud.
type Config struct {
	AuthURL                     string
	Region                      string
	UserName                    string
	UserID                      string
	Password                    string
	Token                       string
	TenantID                    string
	TenantName                  string
	UserDomainName              string
	UserDomainID                string
	ProjectDomainName           string
	ProjectDomainID             string
	DomainName                  string
	DomainID                    string
	DefaultDomain               string
	ApplicationCredentialID     string
	ApplicationCredentialName   string
	ApplicationCredentialSecret string
	Cloud                       string
	Insecure                    *bool
	CACertFile                  string
	Cert                        string
	Key                         string
	EndpointType                string
	EndpointOverrides           map[string]string
}

// resolved holds what gophercloud needs to authenticate.
type resolved struct {
	auth      gophercloud.AuthOptions
	endpoint  gophercloud.EndpointOpts
	tlsConfig *tls.Config
}

// resolve merges the configuration with clouds.yaml (when a cloud is named)
// into gophercloud's options. Explicit values always win over clouds.yaml.
func (c *Config) resolve() (*resolved, error) {
	var r resolved
	if c.Cloud != "" {
		opts := []clouds.ParseOption{clouds.WithCloudName(c.Cloud)}
		for _, o := range []struct {
			value string
			apply func(string) clouds.ParseOption
		}{
			{c.AuthURL, clouds.WithIdentityEndpoint},
			{c.Region, clouds.WithRegion},
			{c.UserName, clouds.WithUsername},
			{c.UserID, clouds.WithUserID},
			{c.Password, clouds.WithPassword},
			{c.Token, clouds.WithToken},
			{c.TenantID, clouds.WithProjectID},
			{c.TenantName, clouds.WithProjectName},
			{c.ApplicationCredentialID, clouds.WithApplicationCredentialID},
			{c.ApplicationCredentialName, clouds.WithApplicationCredentialName},
			{c.ApplicationCredentialSecret, clouds.WithApplicationCredentialSecret},
			{c.EndpointType, clouds.WithEndpointType},
			{c.CACertFile, clouds.WithCACertPath},
			{c.Cert, clouds.WithClientCertPath},
			{c.Key, clouds.WithClientKeyPath},
		} {
			if o.value != "" {
				opts = append(opts, o.apply(o.value))
			}
		}
		if c.Insecure != nil {
			opts = append(opts, clouds.WithInsecure(*c.Insecure))
		}
		auth, endpoint, tlsConfig, err := clouds.Parse(opts...)
		if err != nil {
			return nil, fmt.Errorf("reading cloud %q from clouds.yaml: %w", c.Cloud, err)
		}
		r.auth, r.endpoint, r.tlsConfig = auth, endpoint, tlsConfig
		c.applyDomains(&r.auth)
	} else {
		r.auth = gophercloud.AuthOptions{
			IdentityEndpoint:            c.AuthURL,
			Username:                    c.UserName,
			UserID:                      c.UserID,
			Password:                    c.Password,
			TokenID:                     c.Token,
			TenantID:                    c.TenantID,
			TenantName:                  c.TenantName,
			ApplicationCredentialID:     c.ApplicationCredentialID,
			ApplicationCredentialName:   c.ApplicationCredentialName,
			ApplicationCredentialSecret: c.ApplicationCredentialSecret,
		}
		c.applyDomains(&r.auth)
		r.endpoint = gophercloud.EndpointOpts{Region: c.Region, Availability: availability(c.EndpointType)}
		tlsConfig, err := c.tlsConfig()
		if err != nil {
			return nil, err
		}
		r.tlsConfig = tlsConfig
	}
	if r.auth.IdentityEndpoint == "" {
		return nil, errors.New("no auth_url: set auth_url, OS_AUTH_URL, or name a cloud from clouds.yaml with cloud / OS_CLOUD")
	}
	// Password and application credentials can be replayed when the token
	// expires; a bare token cannot.
	r.auth.AllowReauth = r.auth.TokenID == ""
	return &r, nil
}

// applyDomains fills the user and project domains the way OpenStack clients
// do: the specific attribute, then domain_*, then default_domain.
func (c *Config) applyDomains(a *gophercloud.AuthOptions) {
	userNeedsDomain := a.Username != "" || a.ApplicationCredentialName != ""
	if a.DomainID == "" && a.DomainName == "" && userNeedsDomain {
		switch {
		case c.UserDomainID != "":
			a.DomainID = c.UserDomainID
		case c.UserDomainName != "":
			a.DomainName = c.UserDomainName
		case c.DomainID != "":
			a.DomainID = c.DomainID
		case c.DomainName != "":
			a.DomainName = c.DomainName
		default:
			a.DomainID = c.defaultDomain()
		}
	}
	if a.Scope == nil && a.TenantID == "" && a.TenantName != "" {
		scope := &gophercloud.AuthScope{ProjectName: a.TenantName}
		switch {
		case c.ProjectDomainID != "":
			scope.DomainID = c.ProjectDomainID
		case c.ProjectDomainName != "":
			scope.DomainName = c.ProjectDomainName
		case c.DomainID != "":
			scope.DomainID = c.DomainID
		case c.DomainName != "":
			scope.DomainName = c.DomainName
		default:
			scope.DomainID = c.defaultDomain()
		}
		a.Scope = scope
		a.TenantName = ""
	}
	if a.Scope == nil && a.TenantID != "" {
		a.Scope = &gophercloud.AuthScope{ProjectID: a.TenantID}
		a.TenantID = ""
	}
	if a.Scope != nil && a.ApplicationCredentialID+a.ApplicationCredentialName != "" {
		// Application credentials carry their own scope.
		a.Scope = nil
	}
}

func (c *Config) defaultDomain() string {
	if c.DefaultDomain != "" {
		return c.DefaultDomain
	}
	return "default"
}

func (c *Config) tlsConfig() (*tls.Config, error) {
	if c.CACertFile == "" && c.Cert == "" && c.Key == "" && c.Insecure == nil {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.Insecure != nil {
		cfg.InsecureSkipVerify = *c.Insecure
	}
	if c.CACertFile != "" {
		pem, err := readPEM(c.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("reading cacert_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cacert_file %s holds no PEM certificate", c.CACertFile)
		}
		cfg.RootCAs = pool
	}
	if (c.Cert == "") != (c.Key == "") {
		return nil, errors.New("cert and key must be set together")
	}
	if c.Cert != "" {
		certPEM, err := readPEM(c.Cert)
		if err != nil {
			return nil, fmt.Errorf("reading cert: %w", err)
		}
		keyPEM, err := readPEM(c.Key)
		if err != nil {
			return nil, fmt.Errorf("reading key: %w", err)
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("loading client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// readPEM accepts a file path or the PEM text itself, as the OpenStack
// provider does.
func readPEM(v string) ([]byte, error) {
	if strings.HasPrefix(strings.TrimSpace(v), "-----BEGIN") {
		return []byte(v), nil
	}
	return os.ReadFile(v)
}

func availability(endpointType string) gophercloud.Availability {
	switch strings.TrimSuffix(endpointType, "URL") {
	case "internal":
		return gophercloud.AvailabilityInternal
	case "admin":
		return gophercloud.AvailabilityAdmin
	default:
		return gophercloud.AvailabilityPublic
	}
}
