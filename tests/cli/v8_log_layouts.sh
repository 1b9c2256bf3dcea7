#!/usr/bin/env bash
# How heaplab run combines V8's log flags, as node does (issue: log differences):
#   --trace-gc --trace-gc-nvp prints only the name=value lines (V8's GCTracer::Print prints one
#   or the other); with --trace-gc-nvp the out-of-memory report's "Last few GCs" block is empty
#   (only the one-line format feeds the ring buffer); the report ends with Node's native stack
#   trace header and a one-line note; --trace-gc-verbose shows the read-only and code spaces at
#   Node 20's start-up sizes, and zeros with --no-startup-heap.
source "$(dirname "$0")/lib.sh" v8_log_layouts

# --- nvp replaces the one-line format ---------------------------------------------------------
capture "$HEAPLAB" run --scenario churn --param requests=20000 --predictable --no-summary \
  --trace-gc --trace-gc-nvp
nvp=$(grep -c " gc=s " "$TMP/out" || true)
oneline=$(grep -c " ms: Scavenge " "$TMP/out" || true)
if [[ $status -eq 0 && $nvp -gt 0 && $oneline -eq 0 ]]; then
  pass "--trace-gc --trace-gc-nvp prints only nvp lines ($nvp)"
else
  fail "--trace-gc --trace-gc-nvp: exit $status, $nvp nvp lines, $oneline one-line lines"
fi
# Control: --trace-gc alone prints the one-line format.
capture "$HEAPLAB" run --scenario churn --param requests=20000 --predictable --no-summary --trace-gc
if [[ $(grep -c " ms: Scavenge " "$TMP/out") -eq $nvp ]]; then
  pass "--trace-gc alone prints as many one-line lines"
else
  fail "--trace-gc alone: $(grep -c " ms: Scavenge " "$TMP/out") lines, expected $nvp"
fi

# --- the out-of-memory report -----------------------------------------------------------------
oom=(run --scenario leak-cache --max-old-space-size=16 --predictable --no-summary)
capture "$HEAPLAB" "${oom[@]}" --trace-gc-nvp
printf '\n<--- Last few GCs --->\n\n\n<--- JS stacktrace --->\n\n' >"$TMP/expected"
if [[ $status -ne 0 ]] && cmp -s -n "$(stat -c %s "$TMP/expected")" "$TMP/expected" "$TMP/err"; then
  pass "with --trace-gc-nvp the Last few GCs block is empty"
else
  fail "--trace-gc-nvp OOM: exit $status, stderr starts '$(head -c 120 "$TMP/err")'"
fi
if grep -qx -- "----- Native stack trace -----" "$TMP/err" &&
  [[ "$(tail -n 1 "$TMP/err")" == " (none: heaplab simulates V8's heap; it has no V8 frames to show)" ]]; then
  pass "the report ends with the native stack trace header and a note"
else
  fail "native stack trace section missing: '$(tail -n 3 "$TMP/err")'"
fi
# Control: without nvp the block holds the last GC lines.
capture "$HEAPLAB" "${oom[@]}"
if [[ "$(sed -n 4p "$TMP/err")" == *" ms: "* ]]; then
  pass "without --trace-gc-nvp the block shows the last GCs"
else
  fail "without nvp: line 4 of stderr is '$(sed -n 4p "$TMP/err")'"
fi

# --- start-up sizes in the verbose block ------------------------------------------------------
verbose=(run --scenario fragmentation --param nodes=60000 --param rounds=2 --predictable
  --no-summary --trace-gc --trace-gc-verbose)
capture "$HEAPLAB" "${verbose[@]}"
first_code=$(grep -m1 "Code space," "$TMP/out" | sed 's/^\[[^]]*\] //')
ro=$(grep -m1 "Read-only space," "$TMP/out" | sed 's/^\[[^]]*\] //')
after_mc=$(grep -A20 "Mark-Compact" "$TMP/out" | grep -m1 "Code space," | sed 's/^\[[^]]*\] //')
if [[ "$ro" == "Read-only space,        used:     48 KB, available:      0 KB, committed:      0 KB" &&
  "$first_code" == "Code space,             used:    239 KB, available:      0 KB, committed:    256 KB" &&
  "$after_mc" == "Code space,             used:     16 KB, available:      0 KB, committed:    256 KB" ]]; then
  pass "read-only and code spaces at Node 20's start-up sizes"
else
  fail "start-up sizes: '$ro' / '$first_code' / '$after_mc'"
fi
capture "$HEAPLAB" "${verbose[@]}" --no-startup-heap
code=$(grep -m1 "Code space," "$TMP/out" | sed 's/^\[[^]]*\] //')
if [[ "$code" == "Code space,             used:      0 KB, available:      0 KB, committed:      0 KB" ]]; then
  pass "--no-startup-heap prints zeros"
else
  fail "--no-startup-heap: '$code'"
fi

exit $((failures > 0))
