#!/usr/bin/env bash
# Installs the external programs the test suite needs into .tools/ (git-ignored):
#   - anvil (a real Ethereum node, for the JSON-RPC witness source and verifier deployment)
#   - solc  (solc-js, the Solidity compiler, for the generated verifiers)
# Versions are pinned; a second run with the same versions does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

ANVIL_VERSION=1.7.1
SOLC_VERSION=0.8.37
TOOLS=.tools
STAMP="$TOOLS/.installed-anvil-$ANVIL_VERSION-solc-$SOLC_VERSION"

if [[ -f "$STAMP" ]]; then
  exit 0
fi

mkdir -p "$TOOLS"
echo "installing test tools into $TOOLS (anvil $ANVIL_VERSION, solc $SOLC_VERSION)" >&2
npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
  "@foundry-rs/anvil-linux-amd64@$ANVIL_VERSION" "solc@$SOLC_VERSION" >&2
"$TOOLS/node_modules/.bin/anvil" --version >&2
touch "$STAMP"
