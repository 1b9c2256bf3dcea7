#!/usr/bin/env bash
# --chrome-trace and --csv of the leak-cache scenario: the Chrome trace passes a structural
# check of the trace event format (tests/cli/chrome_trace_check.cpp, with controls that break
# each rule), and both files agree with --events-out of the same run. Needs jq. Run by ctest
# with HEAPLAB set to heaplab and CHECK to chrome_trace_check.
set -euo pipefail

source "$(dirname "$0")/lib.sh" exports
: "${CHECK:?set CHECK to the chrome_trace_check binary}"

capture "$HEAPLAB" run --scenario leak-cache --max-old-space-size=64 --predictable --json \
  --chrome-trace "$TMP/leak.json" --csv "$TMP/leak.csv" --events-out "$TMP/leak.jsonl"
if [[ $status -ne 134 ]]; then
  fail "leak-cache at 64 MiB: exit $status, expected 134 (out of memory)"
fi

# --- Chrome trace -------------------------------------------------------------------------------

if "$CHECK" "$TMP/leak.json" >"$TMP/check.out" 2>&1; then
  pass "chrome trace valid: $(cat "$TMP/check.out")"
else
  fail "chrome trace invalid: $(head -5 "$TMP/check.out")"
fi
gcs="$(jq -s '[.[] | select(.type == "gc")] | length' "$TMP/leak.jsonl")"
pauses="$(jq '[.traceEvents[] | select(.ph == "X" and .cat == "gc")] | length' "$TMP/leak.json")"
if [[ $gcs -gt 10 && $gcs == "$pauses" ]]; then
  pass "one pause slice per collection ($gcs)"
else
  fail "$pauses pause slices for $gcs collections"
fi
# Microseconds: the third collection's slice starts at its start_ms * 1000 and lasts pause_ms * 1000.
want="$(jq -s -r '[.[] | select(.type == "gc")][2] | "\(.start_ms * 1000) \(.pause_ms * 1000)"' "$TMP/leak.jsonl")"
got="$(jq -r '[.traceEvents[] | select(.ph == "X" and .cat == "gc")][2] | "\(.ts) \(.dur)"' "$TMP/leak.json")"
if [[ $want == "$got" ]]; then
  pass "slice times in microseconds ($got)"
else
  fail "third pause slice at '$got', expected '$want'"
fi
if jq -e '([.traceEvents[] | select(.ph == "X" and .cat == "gc.phase")] | length > 0)
          and ([.traceEvents[] | select(.ph == "C" and .name == "old_space")] | length > 0)
          and ([.traceEvents[] | select(.ph == "X" and .cat == "gc.marking")] | length > 0)
          and ([.traceEvents[] | select(.ph == "I" and .cat == "gc.heap")] | length > 0)
          and ([.traceEvents[] | select(.ph == "M" and .name == "process_name")] | length == 1)' \
     "$TMP/leak.json" >/dev/null; then
  pass "phase slices, old_space counters, marking steps, heap instants, process name"
else
  fail "missing phase slices, counters, marking steps, heap instants or the process name"
fi

# Controls: each rule of the checker, broken once, is found.
broken() {
  local what="$1" filter="$2"
  jq -c "$filter" "$TMP/leak.json" >"$TMP/broken.json"
  if "$CHECK" "$TMP/broken.json" >/dev/null 2>&1; then
    fail "control: the check accepts a trace with $what"
  else
    pass "control: the check refuses a trace with $what"
  fi
}
broken "an event without ph" '.traceEvents[5] |= del(.ph)'
broken "an event without ts" '.traceEvents[5] |= del(.ts)'
broken "an event without tid" '.traceEvents[5] |= del(.tid)'
broken "a negative duration" '(first(.traceEvents[] | select(.ph == "X"))) .dur = -1'
broken "a counter with a string" '(first(.traceEvents[] | select(.ph == "C"))) .args.size = "big"'
broken "a phase running past its pause" \
  '(first(.traceEvents[] | select(.cat == "gc.phase"))) |= (.ts += .dur / 2 | .dur += 1e6)'
broken "a top level of neither kind" '{"events": .traceEvents}'
broken "an instant event spelled i" '(first(.traceEvents[] | select(.ph == "I"))) .ph = "i"'
broken "an instant event of scope x" '(first(.traceEvents[] | select(.ph == "I"))) .s = "x"'

# --- CSV ---------------------------------------------------------------------------------------

rows=$(($(wc -l <"$TMP/leak.csv") - 1))
columns="$(head -n 1 "$TMP/leak.csv" | awk -F, '{ print NF }')"
if [[ $(head -n 1 "$TMP/leak.csv") != number,collector,reduce_memory,reason,* ]]; then
  fail "csv: header row '$(head -c 80 "$TMP/leak.csv")'"
elif [[ $rows != "$gcs" ]]; then
  fail "csv: $rows rows for $gcs collections"
elif awk -F, -v n="$columns" 'NF != n { exit 1 }' "$TMP/leak.csv"; then
  pass "csv: a header and $rows rows of $columns columns"
else
  fail "csv: rows of different widths"
fi
col() { head -n 1 "$TMP/leak.csv" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
csv_pauses="$(awk -F, -v c="$(col pause_ms)" 'NR > 1 { print $c }' "$TMP/leak.csv")"
json_pauses="$(jq -r 'select(.type == "gc") | .pause_ms' "$TMP/leak.jsonl")"
csv_reasons="$(awk -F, -v c="$(col reason)" 'NR > 1 { print $c }' "$TMP/leak.csv")"
json_reasons="$(jq -r 'select(.type == "gc") | .reason' "$TMP/leak.jsonl")"
if awk 'NR == FNR { a[FNR] = $1; next } { d = a[FNR] - $1; if (d < -1e-9 || d > 1e-9) exit 1 }' \
     <(echo "$csv_pauses") <(echo "$json_pauses") && [[ $csv_reasons == "$json_reasons" ]]; then
  pass "csv: pauses and reasons equal the events file's"
else
  fail "csv: pauses or reasons differ from the events file's"
fi

if [[ $failures -ne 0 ]]; then
  echo "exports: $failures check(s) failed" >&2
  exit 1
fi
