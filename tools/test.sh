#!/usr/bin/env bash
# `make test`: vet and unit tests, then a local Keystone + Glance in each
# Glance policy mode (legacy, and secure RBAC with a small member quota), the
# acceptance suite with Terraform and with OpenTofu against each, a summary,
# and the clouds stopped again, also when something fails.
set -euo pipefail
: "${TERRAFORM:?}" "${TOFU:?}" "${LOCALCLOUD:?}" "${CLOUD_DIR:?}"

logs="$CLOUD_DIR/logs"
rm -rf "$logs" && mkdir -p "$logs"
# A CLI configuration named by the environment but missing only adds warnings.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then
  unset TF_CLI_CONFIG_FILE
fi
rows=()
passed=0 failed=0 skipped=0
status=0

# tally LABEL LOG: count top-level test results in a `go test -v` log.
tally() {
  local label=$1 log=$2 p f s
  p=$(grep -c '^--- PASS' "$log" || true)
  f=$(grep -c '^--- FAIL' "$log" || true)
  s=$(grep -c '^--- SKIP' "$log" || true)
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  rows+=("$(printf '%-34s %4d passed %4d failed %4d skipped' "$label" "$p" "$f" "$s")")
  echo "$label: $p passed, $f failed, $s skipped (log: $log)"
}

# gotest LABEL LOG [ENV_FILE] -- GO_TEST_ARGS...: run `go test -v` (after
# sourcing ENV_FILE in a subshell), show failures, count results.
gotest() {
  local label=$1 log=$2 envfile=$3
  shift 4
  local start=$SECONDS rc=0
  (
    # shellcheck disable=SC1090
    [ -z "$envfile" ] || source "$envfile"
    go test "$@" -count=1 -v
  ) >"$log" 2>&1 || rc=$?
  grep -E '^(ok|FAIL)\s|^--- (FAIL|SKIP)|^panic:' "$log" || true
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "::: $label failed; the failing tests' output:"
    awk '/^=== RUN/{buf=""} {buf=buf $0 "\n"} /^--- FAIL/{printf "%s", buf}' "$log" | tail -n 200
  fi
  tally "$label" "$log"
  echo "    ($((SECONDS - start)) s)"
}

echo "== go vet"
go vet ./...

echo "== unit tests (fake Keystone + Glance, through Terraform $("$TERRAFORM" version | head -1 | cut -d' ' -f2))"
TF_ACC='' TF_ACC_TERRAFORM_PATH="$TERRAFORM" gotest "unit" "$logs/unit.log" "" -- ./... -skip '^TestAcc'

stop_clouds() {
  for mode in legacy secure; do
    [ -d "$CLOUD_DIR/$mode" ] && "$LOCALCLOUD" down -dir "$CLOUD_DIR/$mode" >/dev/null 2>&1 || true
  done
}
trap stop_clouds EXIT

echo "== local clouds"
start=$SECONDS
"$LOCALCLOUD" up -dir "$CLOUD_DIR/legacy" -policy legacy 2>&1 | sed 's/^/[legacy] /' &
legacy_pid=$!
"$LOCALCLOUD" up -dir "$CLOUD_DIR/secure" -policy secure -member-quota 8 2>&1 | sed 's/^/[secure] /' &
secure_pid=$!
up_rc=0
wait "$legacy_pid" || up_rc=1
wait "$secure_pid" || up_rc=1
if [ "$up_rc" -ne 0 ]; then
  echo "The local cloud did not start (see above). To test against an existing cloud instead, set OS_CLOUD or OS_* and run make testacc."
  exit 1
fi
echo "clouds up in $((SECONDS - start)) s"

for cli in terraform tofu; do
  if [ "$cli" = terraform ]; then
    export TF_ACC_TERRAFORM_PATH="$TERRAFORM" TF_ACC_PROVIDER_NAMESPACE='' TF_ACC_PROVIDER_HOST=''
  else
    # OpenTofu resolves the in-process provider under its own registry.
    export TF_ACC_TERRAFORM_PATH="$TOFU" TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org
  fi
  for mode in legacy secure; do
    echo "== acceptance: $("$TF_ACC_TERRAFORM_PATH" version | head -1) against the $mode cloud"
    log="$logs/acc-$cli-$mode.log"
    TF_ACC=1 gotest "acceptance $cli/$mode" "$log" "$CLOUD_DIR/$mode/cloud.env" -- ./... -run '^TestAcc' -timeout 40m
    if ! grep -q '^--- ' "$log"; then
      echo "No acceptance test ran on $cli/$mode: that is a failure, not a pass."
      status=1
    fi
  done
done

echo
echo "== summary"
printf '%s\n' "${rows[@]}"
if [ "$skipped" -ne 0 ]; then
  echo "$skipped tests were skipped: the local cloud must run every test."
  grep -h -A1 '^--- SKIP' "$logs"/*.log | head -20
  status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
