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
	"openstack": newServer,
}

// TwoProviderFactories serve the provider under two local names, "openstack"
// and "consumer". The test framework serves all aliases of one provider from
// a single in-process server, which keeps only the last configuration; a
// configuration that needs two identities at once (owner and consumer) uses
// `provider = consumer` instead of an alias. Real runs start one plugin
// process per provider block, so aliases work there.
var TwoProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"openstack": newServer,
	"consumer":  newServer,
}

func newServer() (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(provider.New("test")())()
}
