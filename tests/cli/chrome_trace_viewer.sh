#!/usr/bin/env bash
# --chrome-trace of the leak-cache scenario loaded by a real viewer's own loading code: the
# trace engine of the DevTools Performance panel (@paulirish/trace_engine on npm), run by
# scripts/load-chrome-trace.mjs under Node. The engine must keep every slice in its track and
# read every instant event; the controls show that the script refuses a trace whose instant
# events the engine drops (spelled "i") and one with a phase that does not nest in its pause.
# Run by ctest (label viewer, registered only when HEAPLAB_TRACE_ENGINE names the directory
# `npm install @paulirish/trace_engine` ran in) with HEAPLAB, NODE, ENGINE and SCRIPT set.
set -euo pipefail

source "$(dirname "$0")/lib.sh" chrome_trace_viewer
: "${NODE:?set NODE to node}" "${ENGINE:?set ENGINE to the engine directory}"
: "${SCRIPT:?set SCRIPT to scripts/load-chrome-trace.mjs}"

capture "$HEAPLAB" run --scenario leak-cache --max-old-space-size=64 --predictable \
  --chrome-trace "$TMP/leak.json"
if [[ $status -ne 134 ]]; then
  fail "leak-cache at 64 MiB: exit $status, expected 134 (out of memory)"
fi

if "$NODE" "$SCRIPT" --engine "$ENGINE" "$TMP/leak.json" >"$TMP/viewer.out" 2>&1; then
  pass "the DevTools trace engine loads the trace"
  sed 's/^/  /' "$TMP/viewer.out"
else
  fail "the DevTools trace engine: $(cat "$TMP/viewer.out")"
fi
if grep -Eq '^  track tid 1 "GC pauses \(main thread\)": ([1-9][0-9]*) slices, \1 in the tree' \
     "$TMP/viewer.out"; then
  pass "every slice of the GC track is in the engine's tree"
else
  fail "the GC track is missing or not whole in the engine's view"
fi

# Controls: the script finds what the engine drops.
refused() {
  local what="$1" filter="$2"
  jq -c "$filter" "$TMP/leak.json" >"$TMP/broken.json"
  if "$NODE" "$SCRIPT" --engine "$ENGINE" "$TMP/broken.json" >"$TMP/broken.out" 2>&1; then
    fail "control: the viewer script accepts a trace with $what"
  else
    pass "control: the viewer script refuses a trace with $what ($(tail -n 1 "$TMP/broken.out"))"
  fi
}
refused "instant events spelled i" '(.traceEvents[] | select(.ph == "I")) .ph = "i"'
refused "a phase running past its pause" \
  '(first(.traceEvents[] | select(.cat == "gc.phase"))) |= (.ts += .dur / 2 | .dur += 1e6)'

if [[ $failures -ne 0 ]]; then
  echo "chrome_trace_viewer: $failures check(s) failed" >&2
  exit 1
fi
