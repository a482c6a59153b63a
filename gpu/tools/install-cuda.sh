#!/usr/bin/env bash
# Installs a CUDA 13.0 toolchain (nvcc, cicc, headers, static runtime) from PyPI wheels into the
# git-ignored .tools/cuda13 of the repository, and prints the NVCC=... line to build with:
#
#   gpu/tools/install-cuda.sh && export NVCC=$PWD/.tools/cuda13/nvidia/cu13/bin/nvcc
#   cargo build -p rebuttal-gpu --features cuda
#
# Nothing is put on PATH: only builds given NVCC (or CUDA_HOME) see this nvcc. CUDA 13 is used
# because the CUDA 12 "nvcc" wheels ship ptxas only, not the nvcc driver. Kernels built with it
# need an NVIDIA driver of branch R580 or newer at run time.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/.tools/cuda13"
home="$dest/nvidia/cu13"
if [ ! -x "$home/bin/nvcc" ] || [ ! -x "$home/nvvm/bin/cicc" ]; then
  tmp="$dest.partial"
  rm -rf "$tmp"
  python3 -m pip install --quiet --no-deps --target "$tmp" \
    nvidia-cuda-nvcc==13.0.88 nvidia-nvvm==13.0.88 nvidia-cuda-crt==13.0.88 \
    nvidia-cuda-runtime==13.0.96 nvidia-cuda-cccl==13.0.85
  rm -rf "$dest"
  mv "$tmp" "$dest"
fi
# nvcc.profile looks for the libraries in lib64.
[ -e "$home/lib64" ] || ln -s lib "$home/lib64"
"$home/bin/nvcc" --version | tail -2 >&2
echo "NVCC=$home/bin/nvcc"
