# The status of the provider's own project on an image is imported by the image ID alone:
terraform import openstack_image_member_status.example <image_id>

# or by the image ID and the member project ID, separated by "/":
terraform import openstack_image_member_status.example <image_id>/<member_id>
