#!/usr/bin/env bash
# The GPU backend's device tests (differential against the CPU backend, edge cases, a full
# prove + verify): needs nvcc at build time and an NVIDIA GPU at run time. See gpu/README.md.
exec "$(dirname "$0")/../gpu/tools/gpu-test.sh" "$@"
