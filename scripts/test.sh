#!/usr/bin/env bash
# The whole test suite: installs what the tests need on first use, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-test-tools.sh
export REBUTTAL_TOOLS_DIR="$PWD/.tools"
cargo test --workspace --locked "$@"
# The GPU crate with feature `cuda`: where nvcc is absent (as in CI) it must still build, say
# "no GPU backend" at run time and fall back to the CPU. Device tests stay #[ignore]d here; they
# run with scripts/gpu-test.sh on a machine with a GPU.
cargo test -p rebuttal-gpu --features cuda --locked "$@"
