#!/usr/bin/env bash
# Regenerate the committed Terraform plan JSON fixtures from their .tf sources, offline.
#
#   scripts/iac-fixtures/terraform-plans.sh [DIR...]
#
# Each DIR (default: every folder listed below) holds a root module; its plan is written to
# DIR/plan.json, the exact output of `terraform show -json`. Terraform runs in a temporary copy so no
# .terraform folder, lock file or plan binary lands in the repository. The provider comes from a local
# filesystem mirror (TF_PLUGIN_MIRROR, default /opt/tf-plugins: the folder holding registry.terraform.io);
# the providers use fake credentials and skip every AWS call, and `-refresh=false` keeps the plan offline.
# A DIR may hold a `terraform.tfstate` (hand-written) to plan against existing resources (update/no-op).
# Tests read only the committed JSON; they never need Terraform.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  dirs=(examples/iac/terraform test/fixtures/iac/terraform/unknowns test/fixtures/iac/terraform/existing test/fixtures/iac/identity-center/terraform test/fixtures/iac/terraform/identity-providers)
fi

command -v terraform >/dev/null || { echo "terraform is not installed" >&2; exit 1; }
[ -d "$mirror/registry.terraform.io" ] || { echo "no provider mirror at $mirror (set TF_PLUGIN_MIRROR)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
  direct {
    exclude = ["*/*"]
  }
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
# No real credentials may leak into a fixture run.
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

for dir in "${dirs[@]}"; do
  src="$repo/$dir"
  name=$(echo "$dir" | tr '/' '_')
  copy="$work/$name"
  mkdir -p "$copy"
  # The .tf sources (and modules, and an optional hand-written state); never an old plan or .terraform.
  (cd "$src" && find . \( -name '*.tf' -o -name 'terraform.tfstate' \) -not -path '*/.terraform/*' -print0 | tar --null -T - -cf -) | tar -C "$copy" -xf -
  echo "== $dir"
  terraform -chdir="$copy" init -input=false -no-color >/dev/null
  terraform -chdir="$copy" plan -input=false -no-color -refresh=false -lock=false -out=plan.out >/dev/null
  # Pretty-printed so fixture diffs are readable, with a fixed `timestamp` and `relevant_attributes` (an
  # unordered set Terraform writes in random order) sorted, so regenerating an unchanged fixture changes
  # nothing; everything else is exactly what Terraform wrote.
  terraform -chdir="$copy" show -json plan.out | node -e '
    let s = ""
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const plan = JSON.parse(s)
      if ("timestamp" in plan) plan.timestamp = "2026-01-01T00:00:00Z"
      if (Array.isArray(plan.relevant_attributes)) {
        const key = (x) => JSON.stringify(x)
        plan.relevant_attributes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      }
      process.stdout.write(JSON.stringify(plan, null, 2) + "\n")
    })
  ' > "$src/plan.json"
  echo "   wrote $dir/plan.json"
done
