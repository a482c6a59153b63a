#!/usr/bin/env bash
# Builds rebuttal-gpu with its CUDA kernels and runs every test, the device ones included
# (they are #[ignore]d elsewhere so that they never pass vacuously without a GPU).
# Needs nvcc: env NVCC or CUDA_HOME, nvcc on PATH, or the wheels of gpu/tools/install-cuda.sh
# (used when present in .tools/cuda13).
set -euo pipefail
cd "$(dirname "$0")/../.."
pip_nvcc="$PWD/.tools/cuda13/nvidia/cu13/bin/nvcc"
if [ -z "${NVCC:-}" ] && [ -z "${CUDA_HOME:-}" ] && ! command -v nvcc >/dev/null && [ -x "$pip_nvcc" ]; then
  export NVCC="$pip_nvcc"
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
cargo test -p rebuttal-gpu --features cuda -- --include-ignored "$@"
