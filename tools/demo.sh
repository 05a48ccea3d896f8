#!/usr/bin/env bash
# `make demo`: a local Keystone + Glance (unless OS_CLOUD / OS_AUTH_URL point
# at a real cloud), the provider built and wired in with dev_overrides, then
# examples/demo applied, its member table shown, destroyed, and the cloud
# stopped again.
set -euo pipefail
: "${TERRAFORM:?}" "${LOCALCLOUD:?}" "${CLOUD_DIR:?}"
root=$(pwd)
work="$root/.demo"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rm -rf "$work" && mkdir -p "$work/bin" "$work/config"
cleanup=()
on_exit() {
  local i
  for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done
}
trap on_exit EXIT

if [ -n "${OS_CLOUD:-}${OS_AUTH_URL:-}" ]; then
  say "Using the cloud that OS_CLOUD / OS_AUTH_URL describe"
  : "${TF_VAR_image_id:?set TF_VAR_image_id to a shared image of the owner project}"
  : "${TF_VAR_consumer_project_id:?set TF_VAR_consumer_project_id to the consumer project ID}"
  : "${TF_VAR_owner_cloud:?set TF_VAR_owner_cloud and TF_VAR_consumer_cloud to clouds.yaml entries}"
  : "${TF_VAR_consumer_cloud:?set TF_VAR_consumer_cloud to a clouds.yaml entry}"
  # OS_* settings override clouds.yaml in every provider block: keep only
  # where clouds.yaml is, so each alias logs in as its own entry.
  for v in $(compgen -e | grep '^OS_' | grep -v '^OS_CLIENT_CONFIG_FILE$'); do unset "$v"; done
else
  say "Starting a local Keystone + Glance (Debian packages; first run installs them)"
  dir="$CLOUD_DIR/demo"
  cleanup+=("say 'Stopping the local cloud'; '$LOCALCLOUD' down -dir '$dir'")
  "$LOCALCLOUD" up -dir "$dir"
  export OS_CLIENT_CONFIG_FILE="$dir/clouds.yaml"
  TF_VAR_consumer_project_id=$(sed -n 's/.*"consumer": *"\([0-9a-f]*\)".*/\1/p' "$dir/cloud.json" | head -1)
  export TF_VAR_consumer_project_id
  say "Creating an image in the owner project"
  TF_VAR_image_id=$("$LOCALCLOUD" image -dir "$dir" -as owner -name imageshare-demo)
  export TF_VAR_image_id
  cleanup+=("'$LOCALCLOUD' image -dir '$dir' -as owner -delete '$TF_VAR_image_id'")
  echo "image $TF_VAR_image_id (visibility shared), consumer project $TF_VAR_consumer_project_id"
fi

say "Building the provider"
go build -ldflags "-X main.version=${VERSION:-dev}" -o "$work/bin/terraform-provider-openstack" .
cat >"$work/config/terraformrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/imageshare/openstack" = "$work/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/config/terraformrc" TF_IN_AUTOMATION=1
cp "$root/examples/demo/main.tf" "$work/"
cd "$work"

say "terraform apply: the owner shares the image, the consumer accepts"
cleanup+=("cd '$work' && say 'terraform destroy' && '$TERRAFORM' destroy -auto-approve -input=false -no-color | tail -n 3")
"$TERRAFORM" apply -auto-approve -input=false -no-color 2>&1 | sed -n '/Terraform will perform/,$p' | grep -v '^\s*$' | grep -v -e '^│' -e '^╵' -e '^╷'

say "Members of image $TF_VAR_image_id, as the owner sees them"
"$TERRAFORM" output -raw member_table
echo
say "Images the consumer has accepted"
"$TERRAFORM" output -json consumer_accepted_images
