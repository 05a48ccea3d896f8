// Package provider wires the provider together: its configuration schema,
// authentication, and the list of resources and data sources. The resources
// themselves live in one package per OpenStack service under internal/services.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
	"github.com/imageshare/terraform-provider-openstack/internal/services/image"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/imageshare/openstack"

var _ provider.Provider = &openstackProvider{}

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &openstackProvider{version: version}
	}
}

type openstackProvider struct {
	version string
}

func (p *openstackProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "openstack"
	resp.Version = p.version
}

// stringAttr describes one string setting and the environment variables
// that supply it when the attribute is not set.
type stringAttr struct {
	name, description string
	env               []string
	sensitive         bool
	validators        []validator.String
}

var stringAttrs = []stringAttr{
	{name: "auth_url", env: []string{"OS_AUTH_URL"}, description: "The Identity (Keystone) endpoint, for example `https://keystone.example.com:5000/v3`."},
	{name: "region", env: []string{"OS_REGION_NAME"}, description: "The region whose image service to use; resources default to it."},
	{name: "user_name", env: []string{"OS_USERNAME"}, description: "The user name to log in with."},
	{name: "user_id", env: []string{"OS_USER_ID"}, description: "The user ID to log in with."},
	{name: "password", env: []string{"OS_PASSWORD"}, sensitive: true, description: "The password to log in with."},
	{name: "token", env: []string{"OS_TOKEN", "OS_AUTH_TOKEN"}, sensitive: true, description: "An existing Keystone token to use instead of a user name and password."},
	{name: "tenant_id", env: []string{"OS_TENANT_ID", "OS_PROJECT_ID"}, description: "The ID of the project to scope the token to."},
	{name: "tenant_name", env: []string{"OS_TENANT_NAME", "OS_PROJECT_NAME"}, description: "The name of the project to scope the token to."},
	{name: "user_domain_name", env: []string{"OS_USER_DOMAIN_NAME"}, description: "The name of the domain the user belongs to."},
	{name: "user_domain_id", env: []string{"OS_USER_DOMAIN_ID"}, description: "The ID of the domain the user belongs to."},
	{name: "project_domain_name", env: []string{"OS_PROJECT_DOMAIN_NAME"}, description: "The name of the domain the project belongs to."},
	{name: "project_domain_id", env: []string{"OS_PROJECT_DOMAIN_ID"}, description: "The ID of the domain the project belongs to."},
	{name: "domain_name", env: []string{"OS_DOMAIN_NAME"}, description: "The domain name used for both the user and the project when those are not set."},
	{name: "domain_id", env: []string{"OS_DOMAIN_ID"}, description: "The domain ID used for both the user and the project when those are not set."},
	{name: "default_domain", env: []string{"OS_DEFAULT_DOMAIN"}, description: "The domain ID used when no other domain is set. Defaults to `default`."},
	{name: "application_credential_id", env: []string{"OS_APPLICATION_CREDENTIAL_ID"}, description: "The ID of an application credential to log in with."},
	{name: "application_credential_name", env: []string{"OS_APPLICATION_CREDENTIAL_NAME"}, description: "The name of an application credential to log in with (needs the user)."},
	{name: "application_credential_secret", env: []string{"OS_APPLICATION_CREDENTIAL_SECRET"}, sensitive: true, description: "The secret of the application credential."},
	{name: "cloud", env: []string{"OS_CLOUD"}, description: "The entry of `clouds.yaml` to read settings from (found as the OpenStack client finds it, or through `OS_CLIENT_CONFIG_FILE`). Attributes set here override it."},
	{name: "cacert_file", env: []string{"OS_CACERT"}, description: "A CA certificate bundle (path or PEM text) to verify the endpoints' TLS certificates with."},
	{name: "cert", env: []string{"OS_CERT"}, description: "A client certificate (path or PEM text) for mutual TLS."},
	{name: "key", env: []string{"OS_KEY"}, sensitive: true, description: "The client certificate's private key (path or PEM text)."},
	{name: "endpoint_type", env: []string{"OS_ENDPOINT_TYPE", "OS_INTERFACE"}, description: "Which catalog endpoints to use: `public` (default), `internal` or `admin`.",
		validators: []validator.String{stringvalidator.OneOf("public", "internal", "admin", "publicURL", "internalURL", "adminURL")}},
}

func (p *openstackProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for _, a := range stringAttrs {
		desc := a.description
		if len(a.env) > 0 {
			desc += " Environment: `" + a.env[0] + "`"
			for _, e := range a.env[1:] {
				desc += " or `" + e + "`"
			}
			desc += "."
		}
		attrs[a.name] = schema.StringAttribute{
			Optional:            true,
			Sensitive:           a.sensitive,
			MarkdownDescription: desc,
			Validators:          a.validators,
		}
	}
	attrs["insecure"] = schema.BoolAttribute{
		Optional:            true,
		MarkdownDescription: "Skip TLS certificate verification. Environment: `OS_INSECURE`.",
	}
	attrs["endpoint_overrides"] = schema.MapAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: "Endpoints to use instead of the catalog's, by service. Only `image` is used by this provider, for example `{ image = \"https://glance.example.com:9292/\" }`.",
		Validators:          []validator.Map{mapvalidator.KeysAre(stringvalidator.OneOf("image"))},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Share OpenStack Glance images between projects. Configure it the way OpenStack clients are configured: " +
			"`OS_*` environment variables, a `clouds.yaml` entry, or the attributes below (which override both).",
		Attributes: attrs,
	}
}

func (p *openstackProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	settings := map[string]string{}
	for _, a := range stringAttrs {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(a.name), &v)...)
		switch {
		case v.IsUnknown():
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Provider setting not known yet",
				fmt.Sprintf("The provider's %s depends on a value that is only known after apply. "+
					"Set it from a variable or the environment, or apply what it depends on first with -target.", a.name))
		case !v.IsNull():
			settings[a.name] = v.ValueString()
		default:
			settings[a.name] = firstEnv(a.env)
		}
	}
	var insecure types.Bool
	var overrides types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("insecure"), &insecure)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("endpoint_overrides"), &overrides)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := configFrom(settings)
	if !insecure.IsNull() && !insecure.IsUnknown() {
		v := insecure.ValueBool()
		cfg.Insecure = &v
	} else if err := insecureFromEnvironment(cfg); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("insecure"), "Invalid OS_INSECURE", err.Error())
		return
	}
	if !overrides.IsNull() && !overrides.IsUnknown() {
		resp.Diagnostics.Append(overrides.ElementsAs(ctx, &cfg.EndpointOverrides, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	client, err := conns.Authenticate(ctx, cfg)
	if err != nil {
		resp.Diagnostics.Append(authDiagnostic(err))
		return
	}
	tflog.Info(ctx, "authenticated to OpenStack", map[string]any{"project_id": client.ProjectID, "region": client.Region})
	resp.ResourceData = client
	resp.DataSourceData = client
}

// EnvironmentConfig is the configuration an empty provider block gets: every
// setting from its OS_* variables.
func EnvironmentConfig() (*conns.Config, error) {
	settings := map[string]string{}
	for _, a := range stringAttrs {
		settings[a.name] = firstEnv(a.env)
	}
	cfg := configFrom(settings)
	return cfg, insecureFromEnvironment(cfg)
}

// configFrom maps the resolved string settings, by attribute name, to conns.
func configFrom(settings map[string]string) *conns.Config {
	return &conns.Config{
		AuthURL: settings["auth_url"], Region: settings["region"],
		UserName: settings["user_name"], UserID: settings["user_id"], Password: settings["password"], Token: settings["token"],
		TenantID: settings["tenant_id"], TenantName: settings["tenant_name"],
		UserDomainName: settings["user_domain_name"], UserDomainID: settings["user_domain_id"],
		ProjectDomainName: settings["project_domain_name"], ProjectDomainID: settings["project_domain_id"],
		DomainName: settings["domain_name"], DomainID: settings["domain_id"], DefaultDomain: settings["default_domain"],
		ApplicationCredentialID:     settings["application_credential_id"],
		ApplicationCredentialName:   settings["application_credential_name"],
		ApplicationCredentialSecret: settings["application_credential_secret"],
		Cloud:                       settings["cloud"],
		CACertFile:                  settings["cacert_file"], Cert: settings["cert"], Key: settings["key"],
		EndpointType: settings["endpoint_type"],
	}
}

// insecureFromEnvironment applies OS_INSECURE, when set.
func insecureFromEnvironment(cfg *conns.Config) error {
	s := os.Getenv("OS_INSECURE")
	if s == "" {
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("OS_INSECURE is %q; use true or false", s)
	}
	cfg.Insecure = &v
	return nil
}

func firstEnv(names []string) string {
	for _, e := range names {
		if s := os.Getenv(e); s != "" {
			return s
		}
	}
	return ""
}

func (p *openstackProvider) Resources(_ context.Context) []func() resource.Resource {
	return image.Resources()
}

func (p *openstackProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return image.DataSources()
}
