#!/usr/bin/env bash
# Must-show: Buffer bytes live outside the heap. 2 GiB of `slow` 1 MiB Buffers, each dropped
# after use, run to completion under --max-old-space-size=64 with Scavenges whose reason is
# "external memory pressure" (as real Node: tests/data/node20/external_pressure.log); control:
# 2 GiB of ordinary retained objects end in V8's out-of-memory text and exit 134.
#   HEAPLAB=build/release/cli/heaplab bash tests/buffer/external_pressure.sh
set -euo pipefail
: "${HEAPLAB:?set HEAPLAB to the heaplab binary}"
here="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/heaplab-external.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 2048 x 1 MiB, each in its own scope: dead as soon as the scope closes.
awk 'BEGIN { print "heaplab-trace 1"; for (i = 0; i < 2048; i++) printf "{\nb %d 1048576 slow\n}\n", i }' \
  > "$TMP/buffers"
status=0
"$HEAPLAB" run "$TMP/buffers" --max-old-space-size=64 --trace-gc > "$TMP/out" 2> "$TMP/err" || status=$?
gcs=$(grep -c ': Scavenge\|: Mark-Compact' "$TMP/out" || true)
pressure=$(grep -c 'Scavenge.*external memory pressure;' "$TMP/out" || true)
if [[ $status -ne 0 ]]; then
  fail "2 GiB of dropped Buffers exited $status: $(head -3 "$TMP/err")"
elif [[ $pressure -lt 60 || $pressure -ne $gcs ]]; then
  fail "expected only Scavenges for external memory pressure (about 2048/32), found $pressure of $gcs collections"
else
  echo "ok: 2 GiB of dropped 1 MiB Buffers under --max-old-space-size=64: exit 0, $pressure Scavenges, all 'external memory pressure'"
fi
grep -q 'external memory: peak 3[23]\.0 MB' "$TMP/out" ||
  fail "expected peak external memory of 32-33 MB: $(grep 'external memory:' "$TMP/out")"

# Control: the same 2 GiB as ordinary objects, retained.
awk 'BEGIN { print "heaplab-trace 1"; for (i = 0; i < 2048; i++) printf "a %d 1048576 0\n", i }' \
  > "$TMP/objects"
status=0
"$HEAPLAB" run "$TMP/objects" --max-old-space-size=64 > "$TMP/out" 2> "$TMP/err" || status=$?
if [[ $status -eq 134 ]] &&
  grep -q 'FATAL ERROR: .* JavaScript heap out of memory' "$TMP/err"; then
  echo "ok: 2 GiB of retained objects: exit 134 with V8's out-of-memory text"
else
  fail "expected exit 134 and V8's OOM text for retained objects, got $status: $(tail -2 "$TMP/err")"
fi

# Real Node's workload (external_pressure.js: 600 x 1 MiB, the last 16 kept): only Scavenges,
# all for external memory pressure, about as many as Node's 35.
node_log="$here/tests/data/node20/external_pressure.log"
node_pressure=$(grep -c 'Scavenge.*external memory pressure;' "$node_log")
node_gcs=$(grep -c ' ms: ' "$node_log")
awk 'BEGIN { print "heaplab-trace 1"
  for (i = 0; i < 600; i++) { printf "{\nb %d 1048576 slow\nr %d\n}\n", i, i; if (i >= 16) printf "d %d\n", i - 16 } }' \
  > "$TMP/node"
"$HEAPLAB" run "$TMP/node" --trace-gc > "$TMP/out"
pressure=$(grep -c 'Scavenge.*external memory pressure;' "$TMP/out" || true)
gcs=$(grep -c ' ms: ' "$TMP/out" || true)
if [[ $node_pressure -ne $node_gcs ]]; then
  fail "the fixture is not what this test expects ($node_pressure of $node_gcs)"
elif [[ $pressure -ne $gcs || $pressure -lt $((node_pressure * 3 / 4)) || $pressure -gt $((node_pressure * 5 / 4)) ]]; then
  fail "Node ran $node_pressure pressure Scavenges; heaplab $pressure of $gcs collections"
else
  echo "ok: external_pressure.js: Node $node_pressure Scavenges, heaplab $pressure, all 'external memory pressure'"
fi
exit $((failures > 0))
