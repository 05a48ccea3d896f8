variable "owner_project_id" {
  description = "The project whose shared images to list."
  type        = string
}

# Runs with the consumer project's credentials: the images other projects
# share with it that it has not answered yet.
data "openstack_shared_images" "pending" {
  member_status = "pending"
}

# Every image one project shares with this one and tags "golden", whatever
# this project's member status on it.
data "openstack_shared_images" "golden" {
  owner = var.owner_project_id
  tags  = ["golden"]
}

output "pending_images" {
  value = { for img in data.openstack_shared_images.pending.images : img.id => img.name }
}

output "golden_images" {
  value = { for img in data.openstack_shared_images.golden.images : img.name => img.member_status }
}
