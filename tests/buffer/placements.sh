#!/usr/bin/env bash
# Must-show: for the 3,000 Buffer calls real Node 20 made in pool_truth.js (seed 1), a trace
# built from the record places every Buffer as Node did: same pooled flag, slab and offset.
# Controls: without the start-up Buffer, and with Node 26's pool size, the placements differ.
#   HEAPLAB=build/release/cli/heaplab bash tests/buffer/placements.sh
set -euo pipefail
: "${HEAPLAB:?set HEAPLAB to the heaplab binary}"
here="$(cd "$(dirname "$0")/../.." && pwd)"
truth="$here/tests/data/node20/buffer_pool_placements_seed1.txt"
convert="$here/scripts/placements_to_trace.sh"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/heaplab-placements.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
failures=0

# heaplab's --trace-buffers lines, turned back into the record's format (id I+1 -> call I).
placements() {
  "$HEAPLAB" run "$1" --trace-buffers --no-summary "${@:2}" |
    awk '$1 == "buffer" && $2 >= 1 {
      split($3, s, "="); split($4, a, "=");
      printf "%d %s %s %s %s %s\n", $2 - 1, a[2], s[2], $5, $6, $7 }'
}

"$convert" "$truth" > "$TMP/trace"
placements "$TMP/trace" > "$TMP/heaplab"
calls=$(wc -l < "$truth")
if [[ "$calls" -ne 3000 ]]; then echo "FAIL: expected 3000 calls in $truth, found $calls"; exit 1; fi
if diff "$truth" "$TMP/heaplab" > "$TMP/diff"; then
  pooled=$(grep -c 'pooled=1' "$TMP/heaplab")
  slabs=$(awk '{ split($5, k, "="); if (k[2] > m) m = k[2] } END { print m + 1 }' "$TMP/heaplab")
  echo "ok: all $calls placements match real Node ($pooled pooled, $slabs slabs)"
else
  echo "FAIL: heaplab places Buffers differently from real Node:"
  head -20 "$TMP/diff"
  failures=$((failures + 1))
fi

# Controls: the comparison can fail.
"$convert" "$truth" --no-startup > "$TMP/trace-nostart"
if placements "$TMP/trace-nostart" | diff -q "$truth" - > /dev/null; then
  echo "FAIL: control without the start-up Buffer still matches"
  failures=$((failures + 1))
else
  echo "ok: control without the start-up Buffer differs"
fi
if placements "$TMP/trace" --buffer-pool-size=65536 | diff -q "$truth" - > /dev/null; then
  echo "FAIL: control with --buffer-pool-size=65536 still matches"
  failures=$((failures + 1))
else
  echo "ok: control with --buffer-pool-size=65536 differs"
fi
# A malformed record is refused with its file and line.
printf '0 alloc 2 pooled=0 slab=-1 offset=0\nnonsense\n' > "$TMP/bad.txt"
if "$convert" "$TMP/bad.txt" > /dev/null 2> "$TMP/err"; then
  echo "FAIL: the converter accepted a malformed record"
  failures=$((failures + 1))
elif grep -q 'bad.txt:2: expected' "$TMP/err"; then
  echo "ok: a malformed record is refused at its line"
else
  echo "FAIL: unexpected converter error: $(cat "$TMP/err")"
  failures=$((failures + 1))
fi
exit $((failures > 0))
