package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/imageshare/terraform-provider-openstack/internal/conns"
)

// authDiagnostic explains a failed login: where, as whom, for which project,
// and what Keystone said.
func authDiagnostic(err error) diag.Diagnostic {
	var authErr *conns.AuthError
	if errors.As(err, &authErr) {
		return diag.NewErrorDiagnostic("Cannot authenticate to OpenStack",
			fmt.Sprintf("Logging in to %s as user %s for project %s failed.\n\n%s",
				authErr.AuthURL, authErr.User, authErr.Project, authErr.Cause))
	}
	return diag.NewErrorDiagnostic("Invalid OpenStack provider configuration", err.Error())
}
