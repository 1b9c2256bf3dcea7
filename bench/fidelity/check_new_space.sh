#!/usr/bin/env bash
# ctest fidelity.new_space: heaplab's new space after every GC of the leaky_cache workload, as
# --trace-gc-verbose prints it, against Node 20's tests/data/node20/leaky_cache_verbose.log:
# capacity (used + available: 1006 KB per MiB of semispace) and committed (both semispaces)
# equal at every GC both logs have (capacity within 1 KB: V8 rounds used and available apart),
# so new space grows at the same GC numbers and to the same sizes. A control run with
# --semi-space-growth-factor=4 must differ.
# Usage: check_new_space.sh BUILD_DIR
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$1"
node_log="$root/tests/data/node20/leaky_cache_verbose.log"

# "capacity committed" per GC, in KB.
new_space() {
  sed -nE 's/.*New space, +used: +([0-9]+) KB, available: +([0-9]+) KB, committed: +([0-9]+) KB.*/\1 \2 \3/p' |
    awk '{ print $1 + $2, $3 }'
}
heaplab_run() {
  "$build/bench/heaplab_fidelity_traces" leaky_cache |
    "$build/cli/heaplab" run - --predictable --trace-gc-verbose --no-summary "$@" 2>&1 | new_space
}

node=$(new_space <"$node_log")
ours=$(heaplab_run)
rows=$(($(wc -l <<<"$node") < $(wc -l <<<"$ours") ? $(wc -l <<<"$node") : $(wc -l <<<"$ours")))
if [[ $rows -lt 20 ]]; then
  echo "FAIL: only $rows GCs to compare"
  exit 1
fi
# same OURS NODE: every GC's capacity within 1 KB and committed size equal.
same() {
  paste <(head -n "$rows" <<<"$1") <(head -n "$rows" <<<"$2") |
    awk '{ d = $1 - $3; if (d < -1 || d > 1 || $2 != $4) bad = 1 } END { exit bad }'
}
paste <(head -n "$rows" <<<"$ours") <(head -n "$rows" <<<"$node") |
  awk '{ printf "GC %2d  heaplab capacity %5d committed %5d   node capacity %5d committed %5d\n", NR, $1, $2, $3, $4 }'
if ! same "$ours" "$node"; then
  echo "FAIL: new space differs from Node's"
  exit 1
fi
if same "$(heaplab_run --semi-space-growth-factor=4)" "$node"; then
  echo "FAIL: the control (growth factor 4) matched Node's new space too"
  exit 1
fi
echo "ok: $rows GCs with Node's new-space capacity and committed size; the control differs"
