#!/usr/bin/env bash
# Proves the synthetic circuit of benches/src/bin/compare_prove with rebuttal and halo2-axiom at
# each k, each run in its own process (so peak RSS is per prover and size), and prints a table.
#
#   benches/compare_prove.sh [K ...]        (default: 14 16 18 20)
#
# Environment: PROVERS (default "rebuttal halo2-axiom"; add rebuttal-zk for rebuttal with a
# zero-knowledge key, the like-for-like peer of halo2-axiom, which always blinds; rebuttal-packed
# for rebuttal with packed commitments, the prover's cost of the cheaper on-chain verifier), REPEAT (default 3) proofs per process, reported as the fastest run (wall and CPU
# time separately) and the median wall time; ROUNDS (default 1) passes over all (k, prover)
# pairs, alternating the provers so that both see the same machine load. CARGO_TARGET_DIR is
# honoured (default: <workspace>/target). The load average is printed before and after.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
ks=("$@")
[ ${#ks[@]} -eq 0 ] && ks=(14 16 18 20)
repeat="${REPEAT:-3}"
rounds="${ROUNDS:-1}"
read -r -a all_provers <<<"${PROVERS:-rebuttal halo2-axiom}"

(cd "$root" && CARGO_TARGET_DIR="$target" cargo build --release -q -p rebuttal-benches --features compare-halo2 --bin compare_prove)
bin="$target/release/compare_prove"

# field NAME LINE: the value of NAME=... in a result line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

echo "load before: $(uptime)" >&2
declare -A out
for ((round = 1; round <= rounds; round++)); do
  for k in "${ks[@]}"; do
    # Alternate which prover goes first, so neither always runs on the warmer or quieter slot.
    provers=("${all_provers[@]}")
    if (( (round + k) % 2 )); then
      provers=()
      for ((i = ${#all_provers[@]} - 1; i >= 0; i--)); do provers+=("${all_provers[i]}"); done
    fi
    for p in "${provers[@]}"; do
      line="$("$bin" --prover "$p" --k "$k" --repeat "$repeat")"
      echo "round=$round $line" >&2
      out[$p,$k,$round]="$line"
    done
  done
done
echo "load after: $(uptime)" >&2

printf '\n| k | round | prover | keygen s | prove s (min of %s) | prove CPU s | prove median s | verify s | peak RSS MiB | proof bytes |\n|---|---|---|---|---|---|---|---|---|---|\n' "$repeat"
for k in "${ks[@]}"; do
  for ((round = 1; round <= rounds; round++)); do
    for p in "${all_provers[@]}"; do
      l="${out[$p,$k,$round]}"
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$k" "$round" "$p" "$(field keygen_s "$l")" \
        "$(field prove_s "$l")" "$(field prove_cpu_s "$l")" "$(field prove_median_s "$l")" "$(field verify_s "$l")" \
        "$(field peak_rss_mib "$l")" "$(field proof_bytes "$l")"
    done
  done
done

[[ " ${all_provers[*]} " == *" halo2-axiom "* ]] || exit 0
printf '\n| k | round | rebuttal variant | prove wall: halo2-axiom / rebuttal | prove CPU: halo2-axiom / rebuttal | keygen: halo2-axiom / rebuttal | peak RSS MiB (rebuttal / halo2-axiom) | proof bytes (rebuttal / halo2-axiom) |\n|---|---|---|---|---|---|---|---|\n'
for k in "${ks[@]}"; do
  for ((round = 1; round <= rounds; round++)); do
   for variant in "${all_provers[@]}"; do
    [[ "$variant" == halo2-axiom ]] && continue
    r="${out[$variant,$k,$round]}"; h="${out[halo2-axiom,$k,$round]}"
    printf '| %s | %s | %s | %sx | %sx | %sx | %s / %s | %s / %s |\n' "$k" "$round" "$variant" \
      "$(ratio "$(field prove_s "$h")" "$(field prove_s "$r")")" \
      "$(ratio "$(field prove_cpu_s "$h")" "$(field prove_cpu_s "$r")")" \
      "$(ratio "$(field keygen_s "$h")" "$(field keygen_s "$r")")" \
      "$(field peak_rss_mib "$r")" "$(field peak_rss_mib "$h")" \
      "$(field proof_bytes "$r")" "$(field proof_bytes "$h")"
   done
  done
done
