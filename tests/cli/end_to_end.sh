#!/usr/bin/env bash
# End-to-end tests of the heaplab command, run by ctest with HEAPLAB set to the binary:
#   HEAPLAB=build/release/cli/heaplab bash tests/cli/end_to_end.sh
# Each check prints what failed; the script exits 1 if any check failed.
set -euo pipefail

source "$(dirname "$0")/lib.sh" e2e

# --- help -------------------------------------------------------------------------------------

capture "$HEAPLAB" --help
if [[ $status -eq 0 ]] && grep -q 'Usage: heaplab' "$TMP/out"; then
  pass "heaplab --help exits 0"
else
  fail "heaplab --help: exit $status, or no usage line"
fi

capture "$HEAPLAB" run --help
if [[ $status -ne 0 ]]; then
  fail "heaplab run --help: exit $status"
else
  for flag in --max-semi-space-size --trace-gc; do
    if grep -q -- "$flag" "$TMP/out"; then
      pass "heaplab run --help mentions $flag"
    else
      fail "heaplab run --help does not mention $flag"
    fi
  done
fi

# --- gen and check ----------------------------------------------------------------------------

TRACE="$TMP/churn.hlt"
capture "$HEAPLAB" gen churn --requests 2000 -o "$TRACE"
if [[ $status -ne 0 || ! -s "$TRACE" ]]; then
  fail "gen churn --requests 2000: exit $status, or empty output: $(cat "$TMP/err")"
elif [[ "$(head -n 1 "$TRACE")" != "heaplab-trace 1 "*"requests=2000"*"scenario=churn"* ]]; then
  fail "gen churn: unexpected header '$(head -n 1 "$TRACE")'"
else
  pass "gen churn --requests 2000 -o FILE"
fi

capture "$HEAPLAB" check "$TRACE"
if [[ $status -eq 0 ]] && grep -q "^$TRACE: ok, " "$TMP/out"; then
  pass "check prints ok"
else
  fail "check $TRACE: exit $status, output '$(cat "$TMP/out" "$TMP/err")'"
fi

# --- run --trace-gc --predictable -------------------------------------------------------------

"$HEAPLAB" run "$TRACE" --trace-gc --predictable >"$TMP/run1" 2>&1 || fail "run 1: exit $?"
"$HEAPLAB" run "$TRACE" --trace-gc --predictable >"$TMP/run2" 2>&1 || fail "run 2: exit $?"
if cmp -s "$TMP/run1" "$TMP/run2"; then
  pass "two --predictable runs print the same bytes"
else
  fail "two --predictable runs differ:"
  diff "$TMP/run1" "$TMP/run2" | head -n 10 >&2 || true
fi

# V8's --trace-gc line for a Scavenge (gc-tracer.cc, GCTracer::Print), under --predictable.
SCAVENGE_RE='^\[1:0x10000\] +[0-9]+ ms: Scavenge [0-9]+\.[0-9] \([0-9]+\.[0-9]\) -> [0-9]+\.[0-9] \([0-9]+\.[0-9]\) MB, [0-9]+\.[0-9]{2} / 0\.00 ms  \(average mu = [01]\.[0-9]{3}, current mu = [01]\.[0-9]{3}\) [a-z ]+; $'
# check_scavenge_lines FILE WHAT: FILE has Scavenge lines and every one matches SCAVENGE_RE.
check_scavenge_lines() {
  local file="$1" what="$2" count bad
  count="$(grep -c 'ms: Scavenge' "$file" || true)"
  bad="$(grep 'ms: Scavenge' "$file" | grep -Ecv "$SCAVENGE_RE" || true)"
  if [[ $count -eq 0 ]]; then
    fail "$what: no Scavenge line"
  elif [[ $bad -ne 0 ]]; then
    fail "$what: $bad of $count Scavenge lines do not match V8's format, e.g.:"
    grep 'ms: Scavenge' "$file" | grep -Ev "$SCAVENGE_RE" | head -n 3 | cat -A >&2 || true
  else
    pass "$what: all $count Scavenge lines match V8's format"
  fi
}
check_scavenge_lines "$TMP/run1" "run TRACE --trace-gc --predictable"

# --- errors -----------------------------------------------------------------------------------

BAD="$TMP/bad.hlt"
printf 'heaplab-trace 1\n# a comment\na 1 16 1\nw 1 0 two\na 2 16 0\n' >"$BAD"
for cmd in check run; do
  capture "$HEAPLAB" "$cmd" "$BAD"
  if [[ $status -ne 1 ]]; then
    fail "$cmd of a malformed trace: exit $status, expected 1"
  elif ! grep -q "^heaplab: error: $BAD:4:7: expected the id of the stored object" "$TMP/err"; then
    fail "$cmd of a malformed trace: stderr lacks '$BAD:4:7: ...': '$(cat "$TMP/err")'"
  else
    pass "$cmd of a malformed trace exits 1 with FILE:LINE:COL"
  fi
done

capture "$HEAPLAB" run --no-such-flag
if [[ $status -eq 2 ]] && grep -q -- '--no-such-flag' "$TMP/err"; then
  pass "an unknown flag exits 2 and names it"
else
  fail "unknown flag: exit $status (expected 2), stderr '$(cat "$TMP/err")'"
fi

capture "$HEAPLAB" run --max-semi-space-size=0
if [[ $status -eq 2 ]] && grep -q -- '--max-semi-space-size' "$TMP/err"; then
  pass "a value out of range exits 2 and names the flag"
else
  fail "--max-semi-space-size=0: exit $status (expected 2), stderr '$(cat "$TMP/err")'"
fi

# --- flags ------------------------------------------------------------------------------------

capture "$HEAPLAB" run "$TRACE" --max_semi_space_size=1 --trace_gc --predictable
if [[ $status -eq 0 ]] && grep -q 'ms: Scavenge' "$TMP/out"; then
  pass "--max_semi_space_size=1 and --trace_gc (underscores) are accepted"
else
  fail "underscored flags: exit $status, stderr '$(cat "$TMP/err")'"
fi

# The default scenario: a semispace capped at 1 MiB cannot grow, so it fills far more often.
"$HEAPLAB" run --trace-gc --predictable >"$TMP/default" 2>&1 || fail "run (default): exit $?"
"$HEAPLAB" run --trace-gc --predictable --max-semi-space-size=1 >"$TMP/small" 2>&1 ||
  fail "run --max-semi-space-size=1: exit $?"
check_scavenge_lines "$TMP/default" "run (default scenario)"
check_scavenge_lines "$TMP/small" "run --max-semi-space-size=1"
default_count="$(grep -c 'ms: Scavenge' "$TMP/default" || true)"
small_count="$(grep -c 'ms: Scavenge' "$TMP/small" || true)"
if [[ $default_count -gt 0 && $small_count -ge $((3 * default_count)) ]]; then
  pass "--max-semi-space-size=1: $small_count Scavenges vs $default_count by default"
else
  fail "--max-semi-space-size=1 gave $small_count Scavenges, default $default_count (want >= 3x)"
fi

# --- the old generation ----------------------------------------------------------------------

# A cache that never evicts, under a 64 MiB limit: V8's out-of-memory report and status 134.
capture "$HEAPLAB" run --scenario leak-cache --max-old-space-size=64 --trace-gc --predictable
if [[ $status -eq 134 ]] && grep -q '^<--- Last few GCs --->$' "$TMP/err" &&
  grep -q '^FATAL ERROR: .* Allocation failed - JavaScript heap out of memory$' "$TMP/err" &&
  ! grep -qi 'terminate\|exception\|what()' "$TMP/err" &&
  grep -q 'ms: Mark-Compact' "$TMP/out"; then
  pass "leak-cache at 64 MiB ends in V8's OOM report with status 134"
else
  fail "leak-cache --max-old-space-size=64: exit $status, stderr '$(tail -3 "$TMP/err")'"
fi

capture "$HEAPLAB" run --scenario leak-cache --param entries=100000 --predictable --no-summary
if [[ $status -eq 0 ]]; then
  pass "leak-cache completes with the default limit"
else
  fail "leak-cache with the default limit: exit $status"
fi

# Fragmentation: evacuation releases the pages that sweeping alone keeps.
old_committed() {
  grep 'Old space,' "$1" | tail -1 | sed 's/.*committed: *\([0-9]*\) KB/\1/'
}
for mode in none evacuate slide; do
  "$HEAPLAB" run --scenario fragmentation --param nodes=60000 --compaction=$mode --trace-gc \
    --trace-gc-verbose --predictable --verify-heap >"$TMP/frag-$mode" 2>&1 ||
    fail "fragmentation --compaction=$mode: exit $?"
done
none_kb="$(old_committed "$TMP/frag-none")"
evacuate_kb="$(old_committed "$TMP/frag-evacuate")"
slide_kb="$(old_committed "$TMP/frag-slide")"
if [[ -n $none_kb && -n $evacuate_kb && $evacuate_kb -lt $none_kb && $slide_kb -lt $none_kb ]]; then
  pass "fragmentation: old space committed ${none_kb} KB swept, ${evacuate_kb} KB evacuated, ${slide_kb} KB slid"
else
  fail "fragmentation: none=${none_kb} evacuate=${evacuate_kb} slide=${slide_kb} (KB)"
fi

# --trace-gc-verbose's "Memory allocator" line: used plus available is what the heap may reserve,
# V8's Heap::MaxReserved (two semispaces, a new large-object space of one semispace, and the old
# generation). A MiB more of semispace weighs three, so 2 and 4 MiB differ by 6 MiB (the control).
reserved_kb() {
  "$HEAPLAB" run --scenario churn --param requests=20000 --predictable --trace-gc-verbose \
    --no-summary --max-semi-space-size "$1" --max-old-space-size 64 >"$TMP/reserved-$1" 2>&1 ||
    fail "churn --max-semi-space-size $1 --trace-gc-verbose: exit $?"
  grep -m 1 'Memory allocator' "$TMP/reserved-$1" |
    sed 's/.*used: *\([0-9]*\) KB, available: *\([0-9]*\) KB.*/\1 + \2/' || true
}
semi2="$(reserved_kb 2)"
semi4="$(reserved_kb 4)"
if [[ -n $semi2 && -n $semi4 && $((semi2)) -eq $(((64 + 3 * 2) * 1024)) &&
  $((semi4)) -eq $(((64 + 3 * 4) * 1024)) ]]; then
  pass "--trace-gc-verbose: used + available is MaxReserved ($((semi2)) KB, $((semi4)) KB)"
else
  fail "--trace-gc-verbose Memory allocator: used + available '$semi2', '$semi4' KB, expected" \
    "$(((64 + 3 * 2) * 1024)) and $(((64 + 3 * 4) * 1024))"
fi

# ----------------------------------------------------------------------------------------------

if [[ $failures -ne 0 ]]; then
  echo "end_to_end: $failures check(s) failed" >&2
  exit 1
fi
echo "end_to_end: all checks passed"
