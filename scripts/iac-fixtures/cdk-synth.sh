#!/usr/bin/env bash
# Synthesise the example CDK app into examples/iac/cdk/cdk.out (committed, with construct path metadata).
# The app has its own package.json so aws-cdk-lib never becomes a dependency of tagwarden itself; its
# node_modules is git-ignored. Needs the npm registry once; synthesis itself is offline.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo/examples/iac/cdk"
[ -d node_modules/aws-cdk-lib ] || npm install --no-audit --no-fund
rm -rf cdk.out
node app.mjs
echo "wrote examples/iac/cdk/cdk.out"
