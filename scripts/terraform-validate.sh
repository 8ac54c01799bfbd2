#!/usr/bin/env bash
# Runs `terraform init` + `validate` on every synthesized stack, then an offline `terraform plan` where a
# provider mirror makes that possible, and prints `N/M stacks valid`.
# With --hcl it synthesizes the HCL that `cdktf synth --hcl` writes (into a scratch directory, leaving
# cdktf.out/ alone) and validates that instead: the way out of CDKTF must stay open.
#
# Provider source, in order:
#   1. $TF_PROVIDER_MIRROR — a directory laid out as a Terraform filesystem mirror
#      (<dir>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/…);
#   2. a mirror found in a well-known place (/opt/tf-plugins, ~/.terraform.d/plugins, /usr/share/terraform/plugins);
#   3. otherwise a normal `terraform init` from the registry (needs network), and no offline plan.
# Each stack is copied to a scratch directory with its remote backend (S3 or Terraform Cloud) removed, so
# nothing here touches real state or AWS; the plan runs with dummy credentials and skipped AWS checks, and
# with the provider's allowed_account_ids lock lifted (it needs a real account id to compare against).
#
# Usage: scripts/terraform-validate.sh [--hcl] [--no-synth] [--no-plan] [cdktf.out directory]
# Exit status: 0 when every stack is valid (and planned, when planning), 1 otherwise, 2 when it cannot run.
set -euo pipefail

synth=1
plan=1
hcl=0
skipped_plan=""
out_dir=""
usage() {
  cat <<'USAGE'
usage: npm run validate -- [--hcl] [--no-synth] [--no-plan] [cdktf.out folder]
  Synthesizes, then runs terraform init + validate on every stack and an offline terraform plan where a provider
  mirror allows ($TF_PROVIDER_MIRROR, or a well-known place); prints `N/M stacks valid`. Nothing touches AWS or state.

  --hcl       validate the HCL form (`cdktf synth --hcl`), synthesized into a scratch folder
  --no-synth  validate the folder as it is
  --no-plan   init + validate only
  --help      this text
Exit status: 0 when every stack is valid (and planned), 1 otherwise, 2 when it cannot run (no terraform).
USAGE
}
# Every argument is checked before anything is synthesized or written.
for arg in "$@"; do
  case "$arg" in
    --no-synth) synth=0 ;;
    --no-plan) plan=0; skipped_plan="--no-plan was given" ;;
    --hcl) hcl=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) { echo "unknown option $arg"; usage; } >&2; exit 2 ;;
    *)
      if [ -n "$out_dir" ]; then { echo "one cdktf.out folder at most ($out_dir, $arg)"; usage; } >&2; exit 2; fi
      out_dir="$arg" ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform-validate: SKIPPED — terraform is not on PATH; install Terraform >= 1.10 to validate the stacks." >&2
  exit 2
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [ "$hcl" = 1 ]; then
  # The plan needs the remote backend taken out, which only the JSON form allows; HCL is validated only.
  plan=0
  skipped_plan="HCL is validated, not planned; the JSON form of the same stacks is"
  if [ "$synth" = 1 ]; then out_dir=${out_dir:-$scratch/hcl-out}; fi
fi
out_dir=${out_dir:-$root/cdktf.out}

if [ "$synth" = 1 ]; then
  # The same synth as `npm run synth`: cdktf.json's context, and no stack left over from an earlier synth.
  (cd "$root" && CDKTF_OUTDIR="$out_dir" SYNTH_HCL_OUTPUT=$([ "$hcl" = 1 ] && echo true || echo false) node scripts/synth.js) ||
    { echo "terraform-validate: synth failed" >&2; exit 1; }
fi
[ -d "$out_dir/stacks" ] || { echo "terraform-validate: no stacks under $out_dir/stacks (run synth first)" >&2; exit 2; }
out_dir=$(cd "$out_dir" && pwd)

find_mirror() {
  if [ -n "${TF_PROVIDER_MIRROR:-}" ]; then
    if [ -d "$TF_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws" ]; then echo "$TF_PROVIDER_MIRROR"; return; fi
    echo "terraform-validate: TF_PROVIDER_MIRROR=$TF_PROVIDER_MIRROR has no registry.terraform.io/hashicorp/aws; ignoring it" >&2
  fi
  local candidate
  for candidate in /opt/tf-plugins "$HOME/.terraform.d/plugins" /usr/share/terraform/plugins /usr/local/share/terraform/plugins; do
    if [ -d "$candidate/registry.terraform.io/hashicorp/aws" ]; then echo "$candidate"; return; fi
  done
}

mirror=$(find_mirror || true)
if [ -n "$mirror" ]; then
  cat >"$scratch/terraform.rc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
  export TF_CLI_CONFIG_FILE="$scratch/terraform.rc"
  echo "terraform-validate: provider from the offline mirror $mirror"
else
  if [ "$plan" = 1 ]; then
    plan=0
    skipped_plan="no provider mirror: it needs one to run without network"
  fi
  echo "terraform-validate: no provider mirror found (set TF_PROVIDER_MIRROR); using the registry, and SKIPPING the offline plan (it needs a mirror to run without network)"
fi
# From an unpacked mirror Terraform symlinks the provider into each stack, so no cache is needed (and a shared
# plugin cache is what races: with no lock file, Terraform >= 1.4 reinstalls into the cache on every init).
# From the registry, one download per run: the first stack fills the cache and its lock file is given to the
# others, so their inits only link the cached copy.
if [ -z "$mirror" ]; then
  export TF_PLUGIN_CACHE_DIR="$scratch/plugin-cache"
  mkdir -p "$TF_PLUGIN_CACHE_DIR"
fi
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

# Checks one stack in a scratch copy; writes "valid …" or "failed <stage>" to <scratch>/<stack>/result.
check_stack() {
  local stack_dir=$1 stack work hcl_form=0
  local init_args=(-input=false -no-color)
  stack=$(basename "$stack_dir")
  work="$scratch/$stack"
  mkdir -p "$work"
  if [ "$HCL" = 1 ] || [ ! -f "$stack_dir/cdk.tf.json" ]; then
    # HCL: validated as written, without initializing its backend.
    hcl_form=1
    init_args+=(-backend=false)
    cp "$stack_dir/cdk.tf" "$work/cdk.tf"
  else
    # The copy without its remote backend: Terraform uses local state in the scratch directory.
    node -e '
      const fs = require("fs");
      const tf = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      if (tf.terraform) { delete tf.terraform.backend; delete tf.terraform.cloud; }
      fs.writeFileSync(process.argv[2], JSON.stringify(tf, null, 2));
    ' "$stack_dir/cdk.tf.json" "$work/cdk.tf.json"
    # Offline provider settings, merged into the stack's provider block by Terraform's override-file rules.
    cat >"$work/offline_override.tf.json" <<'EOF'
{
  "provider": {
    "aws": {
      "access_key": "offline-plan-dummy",
      "secret_key": "offline-plan-dummy",
      "skip_credentials_validation": true,
      "skip_requesting_account_id": true,
      "skip_metadata_api_check": "true",
      "skip_region_validation": true,
      "allowed_account_ids": []
    }
  }
}
EOF
  fi
  # A stack of another provider (the workspaces stack's hashicorp/tfe) cannot be initialized offline from a mirror
  # of hashicorp/aws only: it is left out, and said so.
  if [ -n "${MIRROR:-}" ] && [ -f "$stack_dir/cdk.tf.json" ]; then
    local missing
    missing=$(node -e '
      const tf = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const wanted = Object.values(tf.terraform?.required_providers ?? {}).map((p) => p.source.includes("/") ? p.source : `hashicorp/${p.source}`);
      console.log(wanted.filter((s) => !require("fs").existsSync(`${process.argv[2]}/registry.terraform.io/${s}`)).join(" "));
    ' "$stack_dir/cdk.tf.json" "$MIRROR")
    if [ -n "$missing" ]; then echo "skipped: provider $missing is not in the offline mirror (synth output is tested instead)" >"$work/result"; return; fi
  fi
  # The lock file of the first stack, when there is one: the provider is then taken from the cache as locked.
  if [ -f "$scratch/first.lock.hcl" ]; then cp "$scratch/first.lock.hcl" "$work/.terraform.lock.hcl"; fi
  cd "$work" || return
  # For the JSON form no remote backend is left, so this init also sets up local state for the plan.
  if ! terraform init "${init_args[@]}" >init.log 2>&1; then echo "failed init" >result; return; fi
  if ! terraform validate -no-color >validate.log 2>&1; then echo "failed validate" >result; return; fi
  if [ "$hcl_form" = 1 ]; then
    echo "valid (HCL)" >result
  elif [ "$PLAN" = 1 ]; then
    if ! terraform plan -input=false -no-color -lock=false -refresh=false >plan.log 2>&1; then echo "failed plan" >result; return; fi
    echo "valid; offline plan: $(grep -o 'Plan: .*' plan.log || echo 'no changes')" >result
  else
    echo "valid" >result
  fi
}
export -f check_stack
export scratch PLAN=$plan HCL=$hcl MIRROR=$mirror

# Two stacks at a time: the AWS provider is slow to start, and these machines have 2 cores. Without a mirror the
# first stack runs alone and hands its lock file on, so only one init ever writes to the plugin cache.
mapfile -d '' stack_dirs < <(find "$out_dir/stacks" -mindepth 1 -maxdepth 1 -type d -print0 | sort -z)
rest=("${stack_dirs[@]}")
if [ -z "$mirror" ] && [ "${#stack_dirs[@]}" -gt 0 ]; then
  (check_stack "${stack_dirs[0]}")
  first_lock="$scratch/$(basename "${stack_dirs[0]}")/.terraform.lock.hcl"
  if [ -f "$first_lock" ]; then cp "$first_lock" "$scratch/first.lock.hcl"; fi
  rest=("${stack_dirs[@]:1}")
fi
if [ "${#rest[@]}" -gt 0 ]; then
  printf '%s\0' "${rest[@]}" | xargs -0 -r -P "${TF_VALIDATE_JOBS:-2}" -I{} bash -c 'check_stack "$1"' _ {}
fi

valid=0
total=0
for stack_dir in "$out_dir"/stacks/*/; do
  stack=$(basename "$stack_dir")
  total=$((total + 1))
  result=$(cat "$scratch/$stack/result" 2>/dev/null || echo "failed to run")
  case "$result" in
    valid*)
      echo "  $stack: $result"
      valid=$((valid + 1))
      ;;
    skipped*)
      echo "  $stack: $result"
      total=$((total - 1))
      ;;
    *)
      stage=${result#failed }
      echo "  $stack: terraform $stage FAILED"
      if [ -f "$scratch/$stack/$stage.log" ]; then sed 's/^/    /' "$scratch/$stack/$stage.log" | tail -30; fi
      ;;
  esac
done

[ "$plan" = 1 ] || echo "terraform-validate: offline plan skipped ($skipped_plan)"
echo "$valid/$total stacks valid$([ "$hcl" = 1 ] && echo ' (HCL, as cdktf synth --hcl writes them)' || true)"
[ "$valid" = "$total" ] && [ "$total" -gt 0 ]
