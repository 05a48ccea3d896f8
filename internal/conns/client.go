package conns

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// Client is what resources and data sources receive: an authenticated
// session, the caller's project and the image service client for each region
// they ask for. It is built once per provider configuration.
type Client struct {
	// ProjectID is the project the token is scoped to: the caller.
	ProjectID string
	// Region is the provider's region; resources default to it.
	Region string

	provider     *gophercloud.ProviderClient
	endpoint     gophercloud.EndpointOpts
	imageURL     string
	mu           sync.Mutex
	imageClients map[string]*gophercloud.ServiceClient
}

// AuthError is returned by Authenticate; its fields feed the diagnostic.
type AuthError struct {
	AuthURL string
	User    string
	Project string
	Cause   string
}

func (e *AuthError) Error() string { return e.Cause }

// Authenticate resolves the configuration, asks Keystone for a token and
// checks that the catalog offers an image service for the region.
func Authenticate(ctx context.Context, c *Config) (*Client, error) {
	r, err := c.resolve()
	if err != nil {
		return nil, err
	}
	authErr := func(cause string) error {
		return &AuthError{AuthURL: r.auth.IdentityEndpoint, User: describeUser(r.auth), Project: describeProject(r.auth), Cause: cause}
	}

	provider, err := openstack.NewClient(r.auth.IdentityEndpoint)
	if err != nil {
		return nil, authErr(fmt.Sprintf("the auth URL is not usable: %v", err))
	}
	provider.HTTPClient = newHTTPClient(r.tlsConfig)
	if err := openstack.Authenticate(ctx, provider, r.auth); err != nil {
		return nil, authErr(describeAuthFailure(err))
	}

	client := &Client{
		Region:       r.endpoint.Region,
		provider:     provider,
		endpoint:     r.endpoint,
		imageClients: map[string]*gophercloud.ServiceClient{},
	}
	if override := c.EndpointOverrides["image"]; override != "" {
		client.imageURL = override
	}
	client.ProjectID = projectFromToken(ctx, provider)

	if _, err := client.ImageClient(client.Region); err != nil {
		return nil, authErr(err.Error())
	}
	return client, nil
}

// ImageClient returns the Glance v2 client for region ("" = the provider's).
func (c *Client) ImageClient(region string) (*gophercloud.ServiceClient, error) {
	if region == "" {
		region = c.Region
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if sc, ok := c.imageClients[region]; ok {
		return sc, nil
	}
	var sc *gophercloud.ServiceClient
	if c.imageURL != "" {
		sc = imageClientAt(c.provider, c.imageURL)
	} else {
		eo := c.endpoint
		eo.Region = region
		var err error
		sc, err = openstack.NewImageV2(c.provider, eo)
		if err != nil {
			return nil, fmt.Errorf("no image endpoint in the service catalog for region %q and interface %q: check region and endpoint_type, or set endpoint_overrides.image (%s)", region, eo.Availability, Said(err))
		}
	}
	c.imageClients[region] = sc
	return sc, nil
}

// imageClientAt builds an image client for an explicit endpoint, with or
// without the trailing API version.
func imageClientAt(provider *gophercloud.ProviderClient, endpoint string) *gophercloud.ServiceClient {
	base := strings.TrimSuffix(endpoint, "/") + "/"
	root := strings.TrimSuffix(base, "v2/")
	return &gophercloud.ServiceClient{
		ProviderClient: provider,
		Endpoint:       root,
		ResourceBase:   root + "v2/",
		Type:           "image",
	}
}

// projectFromToken reads the project the token is scoped to.
func projectFromToken(ctx context.Context, provider *gophercloud.ProviderClient) string {
	type projectExtractor interface {
		ExtractProject() (*tokens.Project, error)
	}
	if res, ok := provider.GetAuthResult().(projectExtractor); ok {
		if p, err := res.ExtractProject(); err == nil && p != nil {
			return p.ID
		}
	}
	// A token given by the user: ask Keystone what it is scoped to.
	identity, err := openstack.NewIdentityV3(provider, gophercloud.EndpointOpts{})
	if err != nil {
		return ""
	}
	p, err := tokens.Get(ctx, identity, provider.Token()).ExtractProject()
	if err != nil || p == nil {
		return ""
	}
	return p.ID
}

func describeAuthFailure(err error) string {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		msg := ServerMessage(code.Body)
		switch code.Actual {
		case 401:
			return fmt.Sprintf("Keystone rejected the credentials (HTTP 401: %s). Check the user name, password or token, the user and project domains, and that the user has a role on the project.", msg)
		case 404:
			return fmt.Sprintf("Keystone did not find the identity API at this URL (HTTP 404: %s). auth_url usually ends in /v3.", msg)
		default:
			return fmt.Sprintf("Keystone answered HTTP %d: %s", code.Actual, msg)
		}
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return fmt.Sprintf("Keystone is unreachable: %v", urlErr.Err)
	}
	return err.Error()
}

func describeUser(a gophercloud.AuthOptions) string {
	switch {
	case a.ApplicationCredentialID != "":
		return "application credential " + a.ApplicationCredentialID
	case a.ApplicationCredentialName != "":
		return "application credential " + a.ApplicationCredentialName
	case a.Username != "":
		return a.Username + " (domain " + firstNonEmpty(a.DomainName, a.DomainID, "unset") + ")"
	case a.UserID != "":
		return a.UserID
	case a.TokenID != "":
		return "the given token"
	}
	return "(none)"
}

func describeProject(a gophercloud.AuthOptions) string {
	s := a.Scope
	switch {
	case s != nil && s.ProjectID != "":
		return s.ProjectID
	case s != nil && s.ProjectName != "":
		return s.ProjectName + " (domain " + firstNonEmpty(s.DomainName, s.DomainID, "unset") + ")"
	case a.TenantID != "":
		return a.TenantID
	case a.TenantName != "":
		return a.TenantName
	}
	return "(none: the token will not be scoped to a project)"
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
