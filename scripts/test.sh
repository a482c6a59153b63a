#!/usr/bin/env bash
# The whole test suite: installs what the tests need on first use, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-tools.sh
export REBUTTAL_TOOLS_DIR="$PWD/.tools"
cargo test --workspace --locked "$@"
