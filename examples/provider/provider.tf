terraform {
  required_providers {
    openstack = {
      source = "imageshare/openstack"
    }
  }
}

# The provider reads its settings the way the OpenStack clients do: the
# attributes below first, then the OS_* environment variables (OS_AUTH_URL,
# OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME,
# OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME, OS_CLOUD, ...), then the clouds.yaml
# entry named by `cloud` (or OS_CLOUD). A configuration with no attributes at
# all works after `source openrc.sh`.

# The image owner's project: adds and removes image members.
provider "openstack" {
  cloud = "owner"
}

# The consumer project: accepts or rejects the images shared with it.
provider "openstack" {
  alias = "consumer"
  cloud = "consumer"
}
