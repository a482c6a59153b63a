#!/usr/bin/env bash
# Builds rebuttal-gpu's test and bench executables WITH the CUDA kernels on this machine (no GPU
# needed) and copies them, stripped, to the git-ignored .tools/gpu-bin, so that a GPU machine
# without nvcc or Rust can run them (the CUDA runtime is linked statically; they need only the
# NVIDIA driver, R580+ for CUDA 13 kernels, and glibc/libstdc++).
#
#   gpu/tools/stage-device-binaries.sh            # tests (dev profile) + bench (release profile)
#   gpu/tools/stage-device-binaries.sh --no-bench # tests only
#
# On the GPU machine, from the repository root (the device tool's `carry: [".tools/gpu-bin"]`):
#   .tools/gpu-bin/probe
#   for t in rebuttal_gpu fallback env_thresholds device; do .tools/gpu-bin/$t --include-ignored || exit 1; done
# (`layout` reads gpu/cuda/ by its absolute build path: run it here, in CI.)
#   .tools/gpu-bin/gpu_vs_cpu --bench                      # criterion; `-- threshold` etc. to filter
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${NVCC:-}" ] && [ -z "${CUDA_HOME:-}" ] && ! command -v nvcc >/dev/null; then
  NVCC="$(gpu/tools/install-cuda.sh | sed -n 's/^NVCC=//p')"
  export NVCC
fi
out=.tools/gpu-bin
rm -rf "$out.partial" && mkdir -p "$out.partial"
stage() { # cargo arguments...; copies every executable artefact
  cargo "$@" --message-format=json-render-diagnostics \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] != "build-script-build":
        print(m["target"]["name"], m["executable"])' \
    | while read -r name exe; do strip -o "$out.partial/$name" "$exe"; done
}
stage test -p rebuttal-gpu --features cuda --no-run
stage build -p rebuttal-gpu --features cuda --example probe
if [ "${1:-}" != "--no-bench" ]; then
  stage bench -p rebuttal-gpu --features cuda --no-run
fi
# Every staged binary must carry the kernels.
note="$("$out.partial/probe" || true)"
grep -q "built with CUDA kernels" <<<"$note" || { echo "staged binaries lack the kernels: $note" >&2; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
du -sh "$out"/* "$out"
