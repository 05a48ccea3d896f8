variable "image_id" {
  description = "A shared image."
  type        = string
}

# With the owner's credentials: every member of the image.
# With a member project's credentials: only that project's own row.
data "openstack_image_members" "example" {
  image_id = var.image_id
}

# Only the members that have not answered the share yet.
data "openstack_image_members" "pending" {
  image_id = var.image_id
  status   = "pending"
}

output "member_statuses" {
  value = { for m in data.openstack_image_members.example.members : m.member_id => m.status }
}

output "pending_member_ids" {
  value = [for m in data.openstack_image_members.pending.members : m.member_id]
}
