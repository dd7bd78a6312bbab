#!/usr/bin/env bash
# Check the CloudFormation fixtures and examples with cfn-lint, so the templates tagwarden is tested on are
# templates CloudFormation accepts. Templates under test/fixtures/iac/cloudformation/invalid/ are broken on
# purpose and skipped, and so are multi-document/ files (cfn-lint reads one template per file). Tests never run this; they read the committed templates.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v cfn-lint >/dev/null || { echo "cfn-lint is not installed (pip install cfn-lint)" >&2; exit 1; }
cd "$repo"
mapfile -t templates < <(find examples/iac/cloudformation test/fixtures/iac/cloudformation test/fixtures/iac/identity-center/cloudformation \
  \( -path '*/invalid' -o -path '*/multi-document' \) -prune -o \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print | sort)
echo "cfn-lint ${#templates[@]} templates"
# W3005 (redundant DependsOn) and I-level hints are not errors for a fixture.
cfn-lint --ignore-checks W3005 -- "${templates[@]}"
echo ok
