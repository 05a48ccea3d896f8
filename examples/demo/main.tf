# The demo that `make demo` applies: the owner project shares an image with
# the consumer project, the consumer accepts it, and the owner lists the
# image's members. Two providers, one per project's credentials.

terraform {
  required_providers {
    openstack = {
      source = "imageshare/openstack"
    }
  }
}

variable "owner_cloud" {
  description = "clouds.yaml entry of the project that owns the image."
  type        = string
  default     = "owner"
}

variable "consumer_cloud" {
  description = "clouds.yaml entry of the project the image is shared with."
  type        = string
  default     = "consumer"
}

variable "image_id" {
  description = "ID of an image owned by the owner project, with visibility shared."
  type        = string
}

variable "consumer_project_id" {
  description = "Project ID of the consumer."
  type        = string
}

provider "openstack" {
  alias = "owner"
  cloud = var.owner_cloud
}

provider "openstack" {
  alias = "consumer"
  cloud = var.consumer_cloud
}

# The owner adds the consumer as a member of the image: status pending.
resource "openstack_image_member" "share" {
  provider  = openstack.owner
  image_id  = var.image_id
  member_id = var.consumer_project_id
}

# The consumer accepts the share with its own credentials.
resource "openstack_image_member_status" "accept" {
  provider = openstack.consumer
  image_id = openstack_image_member.share.image_id
  status   = "accepted"
}

# The owner sees every member of the image and its status.
data "openstack_image_members" "all" {
  provider   = openstack.owner
  image_id   = var.image_id
  depends_on = [openstack_image_member_status.accept]
}

# The consumer's view: images shared with it that it has accepted.
data "openstack_shared_images" "accepted" {
  provider      = openstack.consumer
  member_status = "accepted"
  depends_on    = [openstack_image_member_status.accept]
}

output "member_table" {
  description = "The image's members as the owner sees them."
  value = join("\n", concat(
    [format("%-36s  %-32s  %-9s  %s", "IMAGE", "MEMBER", "STATUS", "UPDATED")],
    [for m in data.openstack_image_members.all.members :
    format("%-36s  %-32s  %-9s  %s", var.image_id, m.member_id, m.status, m.updated_at)],
  ))
}

output "consumer_accepted_images" {
  description = "Names of the images the consumer has accepted."
  value       = [for i in data.openstack_shared_images.accepted.images : "${i.name} (${i.id}) from ${i.owner}"]
}
