# An image member is imported by its image ID and member project ID, separated by "/".
terraform import openstack_image_member.example <image_id>/<member_id>
