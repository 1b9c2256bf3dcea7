#!/usr/bin/env bash
# The fidelity table: for each Node 20 fixture workload and flag set, Node's and heaplab's
# Scavenge and Mark-Compact counts (the "Last few GCs" dump not counted again), heap after each
# full GC, and the out-of-memory ending. (Semispace growth points need verbose logs, which only
# leaky_cache has: check_new_space.sh compares them, GC by GC.)
# Node's side is read from tests/data/node20/*.log; heaplab's side replays
# heaplab_fidelity_traces WORKLOAD through `heaplab run -` with the same flags.
#
#   bench/fidelity/compare.sh [BUILD_DIR]     (default build/release; takes about a minute)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/release}"
heaplab="$build/cli/heaplab"
traces="$build/bench/heaplab_fidelity_traces"
data="$root/tests/data/node20"

# counts LOG: "scavenges mark_compacts reduce | heap after each full GC | ending"
summarize() {
  awk '
    /<--- Last few GCs --->/ { dump = 1 }
    dump == 0 && / ms: Scavenge / { s++ }
    dump == 0 && / ms: Mark-Compact/ {
      m++; if ($0 ~ /\(reduce\)/) r++
      for (i = 1; i <= NF; i++) if ($i == "->") { after = after sprintf("%s ", $(i + 1)); break }
    }
    /^FATAL ERROR/ { sub(/^FATAL ERROR: /, ""); sub(/ Allocation failed.*/, ""); end = $0 }
    END { printf "%d|%d|%d|%s|%s\n", s, m, r, after, (end == "" ? "-" : end) }
  ' "$1"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print (a == 0 ? "1.00" : "inf"); else printf "%.2f", a / b }'; }

row() {  # NAME NODE_LOG WORKLOAD FLAGS...
  local name=$1 log=$2 workload=$3
  shift 3
  local out
  out=$(mktemp)
  # The program's own number-string cache is sized by the semispace (fidelity_traces.cpp).
  local gen=()
  local flag
  for flag in "$@"; do
    [[ $flag == --max-semi-space-size=* ]] && gen=(--max-semi-space-size "${flag#*=}")
  done
  "$traces" "$workload" "${gen[@]}" | "$heaplab" run - --predictable --trace-gc --no-summary "$@" >"$out" 2>&1 || true
  IFS='|' read -r ns nm nr nafter nend < <(summarize "$data/$log")
  IFS='|' read -r hs hm hr hafter hend < <(summarize "$out")
  rm -f "$out"
  printf '%-26s Scavenges %4s / %-4s (%s)  Mark-Compacts %2s / %-2s (%s)  reduce %s / %s\n' \
    "$name" "$hs" "$ns" "$(ratio "$hs" "$ns")" "$hm" "$nm" "$(ratio "$hm" "$nm")" "$hr" "$nr"
  printf '%-26s heap after full GCs, heaplab: %s\n%-26s                        node:    %s\n' \
    "" "${hafter:--}" "" "${nafter:--}"
  printf '%-26s ending: heaplab %s; node %s\n' "" "$hend" "$nend"
}

echo "heaplab / node (ratio); sizes in MB"
row "short_lived" short_lived.log short_lived
row "short_lived semi=1" short_lived_semi1.log short_lived --max-semi-space-size=1
row "leaky_cache" leaky_cache.log leaky_cache
row "leaky_cache semi=1" leaky_cache_semi1.log leaky_cache --max-semi-space-size=1
row "lru_churn" lru_churn.log lru_churn
row "slow_queue" slow_queue.log slow_queue
row "slow_queue semi=1" slow_queue_semi1.log slow_queue --max-semi-space-size=1
# Node's own oom runs end in one of two ways (bench/fidelity/README.md): oom.log is the less
# frequent, oom_rerun.log the more frequent. Both are rows; check_scavenges.sh asks heaplab to
# match one of them.
row "oom (max-old 64)" oom.log oom --max-old-space-size=64
row "oom rerun (max-old 64)" oom_rerun.log oom --max-old-space-size=64
