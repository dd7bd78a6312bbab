#!/usr/bin/env bash
# Regenerate every IaC fixture from real tool output: Terraform plans, the CDK cloud assembly, and a
# cfn-lint pass over the CloudFormation templates.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/terraform-plans.sh"
"$here/cdk-synth.sh"
"$here/cloudformation-lint.sh"
