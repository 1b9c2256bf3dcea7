#!/usr/bin/env bash
# The Buffer scenarios' figures as `heaplab run` prints them in its end-of-run summary, each
# beside its control (the exact pool figures are checked in buffer_scenarios_test.cpp):
#   big-file       mode=whole holds the 200 MiB file at once (peak 200.0 MB of external
#                  memory), mode=stream about 13 chunks of 64 KiB (peak 0.8 MB): 246x
#   buffer-server  kept tokens pin 1000 slabs (8,192,000 bytes for 16,000 bytes of views);
#                  keep=0 pins none
#   static-buffer  mode=dynamic allocates 100000 x 2048 bytes of Buffers, mode=static 2048
#   HEAPLAB=build/release/cli/heaplab bash tests/buffer/scenarios.sh
set -euo pipefail
: "${HEAPLAB:?set HEAPLAB to the heaplab binary}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/heaplab-bufscen.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# summary SCENARIO PARAM...: the end-of-run summary of the scenario, or a failure.
summary() {
  local scenario="$1" status=0
  shift
  local -a params=()
  for p in "$@"; do params+=(--param "$p"); done
  "$HEAPLAB" run --scenario "$scenario" "${params[@]}" --predictable >"$TMP/out" 2>"$TMP/err" ||
    status=$?
  if [[ $status -ne 0 ]]; then
    fail "$scenario $*: exit $status: $(head -3 "$TMP/err")"
    return 1
  fi
  cat "$TMP/out"
}

# peak_mb TEXT: the peak external memory in MB ("200.0").
peak_mb() { sed -n 's/.*external memory: peak \([0-9.]*\) MB.*/\1/p' <<<"$1"; }

whole="$(summary big-file mode=whole)" || true
stream="$(summary big-file mode=stream)" || true
w="$(peak_mb "$whole")"
s="$(peak_mb "$stream")"
echo "big-file: peak external memory whole=$w MB stream=$s MB"
[[ $w == 200.0 ]] || fail "big-file mode=whole: expected a peak of 200.0 MB, found '$w'"
[[ $s == 0.8 ]] || fail "big-file mode=stream: expected a peak of 0.8 MB, found '$s'"
if [[ -n $w && -n $s ]] && ! awk -v w="$w" -v s="$s" 'BEGIN { exit !(s > 0 && w / s >= 150) }'; then
  fail "big-file: whole/stream peak ratio below 150: $w / $s"
fi
grep -q 'buffers: 3200 allocated (0 pooled) of 209715200 bytes' <<<"$stream" ||
  fail "big-file mode=stream: expected 3200 chunks of 64 KiB: $(grep 'buffers:' <<<"$stream")"

kept="$(summary buffer-server)" || true
none="$(summary buffer-server keep=0)" || true
pinned='1000 full slabs pinned by small live slices hold 8192000 bytes for 16000 bytes of views'
grep -q "$pinned" <<<"$kept" ||
  fail "buffer-server: expected '$pinned': $(grep 'slabs:' <<<"$kept")"
grep -q ' 0 full slabs pinned by small live slices hold 0 bytes' <<<"$none" ||
  fail "buffer-server keep=0: expected no pinned slab: $(grep 'slabs:' <<<"$none")"
echo "buffer-server: $(grep -o '[0-9]* full slabs pinned[^;]*' <<<"$kept") (keep=0: $(grep -o '[0-9]* full slabs pinned' <<<"$none"))"

static="$(summary static-buffer mode=static)" || true
dynamic="$(summary static-buffer mode=dynamic)" || true
grep -q 'buffers: 1 allocated (1 pooled) of 2048 bytes' <<<"$static" ||
  fail "static-buffer mode=static: $(grep 'buffers:' <<<"$static")"
grep -q 'buffers: 100000 allocated (100000 pooled) of 204800000 bytes' <<<"$dynamic" ||
  fail "static-buffer mode=dynamic: $(grep 'buffers:' <<<"$dynamic")"
echo "static-buffer: $(grep -o 'of [0-9]* bytes' <<<"$static") (static) vs $(grep -o 'of [0-9]* bytes' <<<"$dynamic") (dynamic)"

if [[ $failures -ne 0 ]]; then
  echo "buffer scenarios: $failures check(s) failed"
  exit 1
fi
echo "buffer scenarios: all checks passed"
