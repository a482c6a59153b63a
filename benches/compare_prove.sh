#!/usr/bin/env bash
# Proves the synthetic circuit of benches/src/bin/compare_prove with rebuttal and halo2-axiom at
# each k, each run in its own process (so peak RSS is per prover and size), and prints a table.
#
#   benches/compare_prove.sh [K ...]        (default: 14 16 18 20)
#
# CARGO_TARGET_DIR is honoured (default: <workspace>/target).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
ks=("$@")
[ ${#ks[@]} -eq 0 ] && ks=(14 16 18 20)

(cd "$root" && CARGO_TARGET_DIR="$target" cargo build --release -q -p rebuttal-benches --features compare-halo2 --bin compare_prove)
bin="$target/release/compare_prove"

# field NAME LINE: the value of NAME=... in a result line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

declare -A out
for k in "${ks[@]}"; do
  for p in rebuttal halo2-axiom; do
    line="$("$bin" --prover "$p" --k "$k")"
    echo "$line" >&2
    out[$p,$k]="$line"
  done
done

printf '\n| k | prover | keygen s | prove s | verify s | peak RSS MiB | proof bytes |\n|---|---|---|---|---|---|---|\n'
for k in "${ks[@]}"; do
  for p in rebuttal halo2-axiom; do
    l="${out[$p,$k]}"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$k" "$p" "$(field keygen_s "$l")" "$(field prove_s "$l")" \
      "$(field verify_s "$l")" "$(field peak_rss_mib "$l")" "$(field proof_bytes "$l")"
  done
done

printf '\n| k | prove: halo2-axiom / rebuttal | keygen: halo2-axiom / rebuttal | peak RSS MiB (rebuttal / halo2-axiom) | proof bytes (rebuttal / halo2-axiom) |\n|---|---|---|---|---|\n'
for k in "${ks[@]}"; do
  r="${out[rebuttal,$k]}"; h="${out[halo2-axiom,$k]}"
  printf '| %s | %.2fx | %.2fx | %s / %s | %s / %s |\n' "$k" \
    "$(awk -v a="$(field prove_s "$h")" -v b="$(field prove_s "$r")" 'BEGIN{print a/b}')" \
    "$(awk -v a="$(field keygen_s "$h")" -v b="$(field keygen_s "$r")" 'BEGIN{print a/b}')" \
    "$(field peak_rss_mib "$r")" "$(field peak_rss_mib "$h")" \
    "$(field proof_bytes "$r")" "$(field proof_bytes "$h")"
done
