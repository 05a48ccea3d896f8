variable "image_id" {
  description = "An image that another project shares with this provider's project."
  type        = string
}

# Runs with the member (consumer) project's credentials: only the member
# project may accept or reject a share. member_id defaults to that project.
resource "openstack_image_member_status" "example" {
  image_id = var.image_id
  status   = "accepted"

  # On destroy, set the status back to pending rather than rejected
  # (the default); "unchanged" would leave the share accepted.
  destroy_status = "pending"
}
