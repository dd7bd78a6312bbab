#!/usr/bin/env bash
# Synthesise the CDK apps into their cdk.out folders (committed, with construct path metadata): the example
# app (examples/iac/cdk) and the Identity Center test app (test/fixtures/iac/identity-center/cdk). Each app
# has its own package.json so aws-cdk-lib never becomes a dependency of tagwarden itself; their node_modules
# are git-ignored. Needs the npm registry once; synthesis itself is offline.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
for app in examples/iac/cdk test/fixtures/iac/identity-center/cdk; do
  cd "$repo/$app"
  [ -d node_modules/aws-cdk-lib ] || npm install --no-audit --no-fund
  rm -rf cdk.out
  node app.mjs
  echo "wrote $app/cdk.out"
done
