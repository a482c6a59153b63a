#!/usr/bin/env bash
# Proves the same keccak-f with rebuttal's keccak circuit and with axiom's zkevm-hashes keccak
# circuit (halo2-axiom 0.5.3, KZG + SHPLONK) at each k, each (prover, k) in its own process (so
# peak RSS is per prover and size), and prints markdown tables: cells per keccak-f, times, and the
# zkevm-hashes / rebuttal ratios. See benches/src/bin/compare_keccak/main.rs for what is timed.
#
#   benches/compare_keccak.sh [K ...]        (default: 16)
#
# Environment:
#   PROVERS        default "rebuttal zkevm-hashes"; add rebuttal-zk for rebuttal with a
#                  zero-knowledge key (halo2 always blinds).
#   REPEAT         proofs per process (default 1), reported as the fastest (wall and CPU).
#   KECCAK_F       keccak-f per circuit (default: the smaller capacity of the two at each k).
#   STATS_KS       k values whose shapes and cells are printed without proving (default
#                  "12 14 16 18").
#   MEM_LIMIT_GIB  address-space limit per prover process (ulimit -v; default: MemAvailable
#                  minus 4 GiB), so that a prover too large for this shared machine fails alone
#                  ("memory allocation failed") instead of waking the OOM killer. 0 = no limit.
# CARGO_TARGET_DIR is honoured (default: <workspace>/target). The load average is printed
# before and after.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
ks=("$@")
[ ${#ks[@]} -eq 0 ] && ks=(16)
repeat="${REPEAT:-1}"
read -r -a provers_all <<<"${PROVERS:-rebuttal zkevm-hashes}"
read -r -a stats_ks <<<"${STATS_KS:-12 14 16 18}"
available_kib="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
limit_gib="${MEM_LIMIT_GIB:-$(( available_kib / 1048576 - 4 ))}"

(cd "$root" && CARGO_TARGET_DIR="$target" cargo build --release -q -p rebuttal-benches --features compare-keccak --bin compare_keccak)
bin="$target/release/compare_keccak"
extra=()
[ -n "${KECCAK_F:-}" ] && extra=(--keccak-f "$KECCAK_F")

# field NAME LINE: the value of NAME=... in a result line ("-" if absent).
field() { local v; v="$(tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p")"; echo "${v:--}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a/b }'; }

echo "load before: $(uptime)" >&2
echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}'); per-process limit: ${limit_gib} GiB (0 = none)" >&2

[ ${#stats_ks[@]} -gt 0 ] && printf '\n| k | prover | shape | keccak-f (capacity) | rows / keccak-f | advice cols | committed cols | advice cells / keccak-f | committed cells / keccak-f | committed cells amortised |\n|---|---|---|---|---|---|---|---|---|---|\n'
for k in "${stats_ks[@]}"; do
  for p in "${provers_all[@]}"; do
    [[ "$p" == rebuttal-zk ]] && continue
    if l="$("$bin" --prover "$p" --k "$k" --stats-only "${extra[@]}" 2>&1)"; then
      printf '| %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s |\n' "$k" "$p" "$(field shape "$l")" \
        "$(field keccak_f "$l")" "$(field capacity "$l")" "$(field rows_per_f "$l")" "$(field advice_columns "$l")" \
        "$(field committed_columns "$l")" "$(field advice_cells_per_f "$l")" "$(field committed_cells_per_f "$l")" \
        "$(field committed_cells_amortised "$l")"
    else
      printf '| %s | %s | %s |\n' "$k" "$p" "$l"
    fi
  done
done

declare -A out
for k in "${ks[@]}"; do
  # Alternate which prover goes first from one k to the next.
  provers=("${provers_all[@]}")
  if (( k % 4 == 2 )); then
    provers=()
    for ((i = ${#provers_all[@]} - 1; i >= 0; i--)); do provers+=("${provers_all[i]}"); done
  fi
  for p in "${provers[@]}"; do
    echo "$(date +%T) k=$k $p: proving (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    set +e
    line="$(
      [ "$limit_gib" -gt 0 ] && ulimit -v $(( limit_gib * 1048576 ))
      "$bin" --prover "$p" --k "$k" --repeat "$repeat" "${extra[@]}"
    )"
    rc=$?
    set -e
    if [ $rc -ne 0 ]; then
      line="prover=$p k=$k failed=rc$rc"
    fi
    echo "$line" >&2
    out[$p,$k]="$line"
  done
done
echo "load after: $(uptime)" >&2

printf '\n| k | prover | keccak-f | witness s | keygen s | prove s (min of %s) | prove CPU s | keccak-f/s (wall) | keccak-f/s (CPU) | verify s | proof bytes | peak RSS MiB (after keygen / total) |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n' "$repeat"
for k in "${ks[@]}"; do
  for p in "${provers_all[@]}"; do
    l="${out[$p,$k]}"
    if [[ "$l" == *failed=* ]]; then
      printf '| %s | %s | %s |\n' "$k" "$p" "$(field failed "$l")"
      continue
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |\n' "$k" "$p" "$(field keccak_f "$l")" \
      "$(field witness_s "$l")" "$(field keygen_s "$l")" "$(field prove_s "$l")" "$(field prove_cpu_s "$l")" \
      "$(field keccak_f_per_s "$l")" "$(field keccak_f_per_cpu_s "$l")" "$(field verify_s "$l")" \
      "$(field proof_bytes "$l")" "$(field peak_rss_keygen_mib "$l")" "$(field peak_rss_mib "$l")"
  done
done

[[ " ${provers_all[*]} " == *" zkevm-hashes "* ]] || exit 0
printf '\n| k | rebuttal variant | prove wall: zkevm-hashes / rebuttal | prove CPU | witness | keygen | verify | peak RSS | committed cells / keccak-f | proof bytes |\n|---|---|---|---|---|---|---|---|---|---|\n'
for k in "${ks[@]}"; do
  h="${out[zkevm-hashes,$k]}"
  for variant in "${provers_all[@]}"; do
    [[ "$variant" == zkevm-hashes ]] && continue
    r="${out[$variant,$k]}"
    printf '| %s | %s | %sx | %sx | %sx | %sx | %sx | %sx | %sx | %sx |\n' "$k" "$variant" \
      "$(ratio "$(field prove_s "$h")" "$(field prove_s "$r")")" \
      "$(ratio "$(field prove_cpu_s "$h")" "$(field prove_cpu_s "$r")")" \
      "$(ratio "$(field witness_cpu_s "$h")" "$(field witness_cpu_s "$r")")" \
      "$(ratio "$(field keygen_cpu_s "$h")" "$(field keygen_cpu_s "$r")")" \
      "$(ratio "$(field verify_cpu_s "$h")" "$(field verify_cpu_s "$r")")" \
      "$(ratio "$(field peak_rss_mib "$h")" "$(field peak_rss_mib "$r")")" \
      "$(ratio "$(field committed_cells_per_f "$h")" "$(field committed_cells_per_f "$r")")" \
      "$(ratio "$(field proof_bytes "$h")" "$(field proof_bytes "$r")")"
  done
done
