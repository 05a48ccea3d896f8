variable "image_id" {
  description = "The image to share; it must have visibility \"shared\" and belong to the provider's project."
  type        = string
}

variable "consumer_project_id" {
  description = "The project to share the image with."
  type        = string
}

# Runs with the image owner's credentials. The new member starts as
# "pending" until the consumer project accepts it with its own credentials.
resource "openstack_image_member" "example" {
  image_id  = var.image_id
  member_id = var.consumer_project_id
}

output "member_status" {
  value = openstack_image_member.example.status
}
