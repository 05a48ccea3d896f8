// Package acctest holds what provider tests share: the provider factories
// and, for acceptance tests, the identities of the cloud under test.
package acctest

import (
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/imageshare/terraform-provider-openstack/internal/provider"
)

// ProtoV6ProviderFactories serve the provider in-process to the CLI under test.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"openstack": providerserver.NewProtocol6WithError(provider.New("test")()),
}
