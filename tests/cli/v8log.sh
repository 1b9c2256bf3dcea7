#!/usr/bin/env bash
# heaplab v8log through the command: text and JSON output, several files and standard input,
# bad GC lines reported with file:line and counted (a failure only with --strict), a missing
# file, and the verdict with and without --max-old-space-size. Run by ctest with HEAPLAB set.
set -uo pipefail
source "$(dirname "$0")/lib.sh" v8log

D=tests/data/node20
expect_contains() {
  if [[ $1 == *"$2"* ]]; then pass "has '$2'"; else fail "expected '$2' in: ${1:0:400}"; fi
}
expect_not_contains() {
  if [[ $1 != *"$2"* ]]; then pass "no '$2'"; else fail "unexpected '$2' in: ${1:0:400}"; fi
}

# Text: the summary of heaplab run, counts by collector and reason, the heap over time.
out="$("$HEAPLAB" v8log "$D/oom.log")" || fail "v8log oom.log: exit $?"
expect_contains "$out" "heaplab v8log: 40 lines, 19 GC events, 0 unparsed"
expect_contains "$out" "heaplab summary: 19 collections (12 Scavenge, 7 Mark-Compact)"
expect_contains "$out" "Mark-Compact (reduce)        4   pauses p50 39.75 ms"
expect_contains "$out" "finalize incremental marking via stack guard        7"
expect_contains "$out" "over time (buckets of 1 s"
expect_contains "$out" "verdict: old generation grows at every full GC: "
expect_contains "$out" "limit reached: out of memory at 451 ms"
expect_contains "$out" "out of memory at 451 ms: Ineffective mark-compacts near heap limit"

# JSON: the counts of the issue's schema, Mark-Compact (reduce) apart.
json="$("$HEAPLAB" v8log --json "$D/oom.log")" || fail "v8log --json: exit $?"
expect_contains "$json" '"lines": 40,'
expect_contains "$json" '"events": 19,'
expect_contains "$json" '"unparsed": 0,'
expect_contains "$json" '"Mark-Compact": 3,'
expect_contains "$json" '"Mark-Compact (reduce)": 4'
expect_contains "$json" '"isolates": ['
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["by_reason"]["allocation failure"] == 12' \
    <<<"$json" || fail "v8log --json is not the JSON expected"
fi

# Two processes, from two files or from standard input: two isolates.
out="$("$HEAPLAB" v8log "$D/short_lived.log" "$D/leaky_cache.log")" || fail "two files: exit $?"
expect_contains "$out" "110 GC events, 0 unparsed"
expect_contains "$out" "; 2 isolates"
expect_contains "$out" "isolate 8265:0x917bc00: 86 GC events"
expect_contains "$out" "isolate 8572:0x27543c00: 24 GC events"
out="$(cat "$D/short_lived.log" "$D/leaky_cache.log" | "$HEAPLAB" v8log -)" || fail "stdin: exit $?"
expect_contains "$out" "; 2 isolates"

# A cut GC line: reported with file and line, counted; an error only with --strict.
{ head -3 "$D/leaky_cache.log"; printf '[8572:0x27543c00]       99 ms: Scavenge 3.9 (4.0) -> 3.\n'; } \
  >"$TMP/cut.log"
"$HEAPLAB" v8log "$TMP/cut.log" >"$TMP/out" 2>"$TMP/err"
status=$?
[[ $status -eq 0 ]] || fail "a cut line without --strict: exit $status"
expect_contains "$(cat "$TMP/err")" "$TMP/cut.log:4: a GC line that does not parse: expected "
expect_contains "$(cat "$TMP/out")" "3 GC events, 1 unparsed"
"$HEAPLAB" v8log --strict "$TMP/cut.log" >/dev/null 2>"$TMP/err"
status=$?
[[ $status -eq 1 ]] || fail "a cut line with --strict: exit $status, expected 1"
expect_contains "$(cat "$TMP/err")" "1 GC line did not parse (--strict)"
# Control: --strict on a clean log succeeds.
"$HEAPLAB" v8log --strict "$D/leaky_cache.log" >/dev/null || fail "--strict on a clean log failed"

# A missing file.
"$HEAPLAB" v8log "$TMP/missing.log" >/dev/null 2>"$TMP/err"
status=$?
[[ $status -eq 1 ]] || fail "a missing file: exit $status, expected 1"
expect_contains "$(cat "$TMP/err")" "heaplab: error: $TMP/missing.log: cannot open: No such file or directory"

# The verdict: limit unknown, then known; none for a flat old generation (control).
out="$("$HEAPLAB" v8log "$D/leaky_cache_semi1.log")"
expect_contains "$out" "limit unknown (give --max-old-space-size)"
out="$("$HEAPLAB" v8log --max-old-space-size 4096 "$D/leaky_cache_semi1.log")"
expect_contains "$out" "limit reached in about "
out="$("$HEAPLAB" v8log "$D/lru_churn.log")"
expect_not_contains "$out" "verdict"

# heaplab --help lists the command.
expect_contains "$("$HEAPLAB" --help)" "v8log"

if [[ $failures -ne 0 ]]; then
  echo "v8log: $failures check(s) failed" >&2
  exit 1
fi
echo "v8log: all checks passed"
