#!/usr/bin/env bash
# --events-out and `heaplab events`: the events of a simulated run, written as JSON lines and
# printed back through the same printers, give the run's own output byte for byte
# (--trace-gc, --trace-gc-verbose, --trace-gc-nvp, --trace-incremental-marking, --trace-pretenuring,
# --trace-pretenuring-statistics, the summary).
# Bad events files are refused with the file and line. Needs jq. Run by ctest with HEAPLAB set.
set -euo pipefail

source "$(dirname "$0")/lib.sh" events

# roundtrip NAME VIEW_SETS RUN_ARGS... : run with --events-out, print back, compare, for each
# set of views (separated by '|').
roundtrip() {
  local name="$1" sets="$2"
  shift 2
  local -a views all_sets
  IFS='|' read -r -a all_sets <<<"$sets"
  for views_text in "${all_sets[@]}"; do
    read -r -a views <<<"$views_text"
    local status_run=0 status_back=0
    "$HEAPLAB" run "$@" --predictable "${views[@]}" --events-out "$TMP/$name.jsonl" \
      >"$TMP/$name.run" 2>"$TMP/$name.err" || status_run=$?
    "$HEAPLAB" events "$TMP/$name.jsonl" "${views[@]}" >"$TMP/$name.back" 2>"$TMP/err" ||
      status_back=$?
    if [[ $status_back -ne 0 ]]; then
      fail "$name ($views_text): heaplab events: exit $status_back: $(head -c 300 "$TMP/err")"
    elif [[ $(wc -l <"$TMP/$name.run") -lt 5 ]]; then
      fail "$name ($views_text): the run printed almost nothing (exit $status_run)"
    elif cmp -s "$TMP/$name.run" "$TMP/$name.back"; then
      pass "$name ($views_text): printed back byte for byte ($(wc -l <"$TMP/$name.run") lines, run exit $status_run)"
    else
      fail "$name ($views_text): printed back differs: $(diff "$TMP/$name.run" "$TMP/$name.back" | head -5)"
    fi
  done
}

ALL="--trace-gc-verbose --trace-gc-nvp --trace-incremental-marking"
roundtrip churn "--trace-gc|$ALL" --scenario churn --param requests=20000
# Mark-Compacts after incremental marking, lazy sweeping, heap-limit changes, and the end of
# the run out of memory (--trace-gc-verbose prints the --trace-gc lines too).
roundtrip leak "$ALL" --scenario leak-cache --max-old-space-size=24
roundtrip lru "$ALL" --scenario lru-cache --param ops=150000
# Allocation-site pretenuring: the statistics lines of every digest (leak-cache tenures sites
# at a Scavenge once new space is at its maximum, 2 MiB here: its full GCs promote mostly-live
# pages whole and find few mementos), and V8's line when tenured sites are reset after a full GC
# that kept few objects (fragmentation's full GC).
roundtrip pretenure "--trace-pretenuring-statistics|--trace-gc --trace-pretenuring --trace-pretenuring-statistics" \
  --scenario leak-cache --max-old-space-size=24 --max-semi-space-size=2
roundtrip reset "--trace-gc --trace-pretenuring" --scenario fragmentation

# What the leak-cache file holds: Mark-Compacts that finished incremental marking, marking and
# sweeping events, the end line saying oom.
if jq -se '([.[] | select(.type == "gc" and .collector == "Mark-Compact" and .incremental_steps > 0)] | length > 0)
           and ([.[] | select(.type == "marking")] | length > 0)
           and ([.[] | select(.type == "sweeping")] | length > 0)
           and (.[0].schema == "heaplab-events" and .[0].version == 2)
           and (.[-1].type == "end" and .[-1].end_state == "oom" and .[-1].exit_status == 134)' \
     "$TMP/leak.jsonl" >/dev/null; then
  pass "leak-cache events: incremental Mark-Compacts, marking and sweeping events, end oom"
else
  fail "leak-cache events: missing Mark-Compacts with incremental marking, or the end line"
fi

# What the pretenuring files hold: sites that reached a decision and summaries; a reset.
if jq -se '([.[] | select(.type == "pretenuring" and .kind == "site" and .after == "tenure")] | length > 0)
           and ([.[] | select(.type == "pretenuring" and .kind == "summary")] | length > 0)' \
     "$TMP/pretenure.jsonl" >/dev/null &&
   jq -se '[.[] | select(.type == "pretenuring" and .kind == "reset")] | length > 0' \
     "$TMP/reset.jsonl" >/dev/null; then
  pass "pretenuring events: tenured sites and summaries (leak-cache), a reset (fragmentation)"
else
  fail "pretenuring events: missing tenured sites or summaries (leak-cache) or a reset (fragmentation)"
fi
# Controls: without its pretenuring lines a file prints back something else than the run, so
# the round trips above depend on them; and one changed ratio changes a printed line.
"$HEAPLAB" run --scenario leak-cache --max-old-space-size=24 --max-semi-space-size=2 --predictable --trace-pretenuring \
  --trace-pretenuring-statistics --events-out "$TMP/p.jsonl" >"$TMP/p.run" 2>/dev/null || true
for name_views in "p:--trace-pretenuring --trace-pretenuring-statistics" \
                  "reset:--trace-gc --trace-pretenuring"; do
  name="${name_views%%:*}"
  read -r -a views <<<"${name_views#*:}"
  jq -c 'select(.type != "pretenuring")' "$TMP/$name.jsonl" >"$TMP/$name.dropped.jsonl"
  "$HEAPLAB" events "$TMP/$name.dropped.jsonl" "${views[@]}" >"$TMP/$name.dropped" 2>/dev/null ||
    true
  run_out="$TMP/$name.run"
  if [[ -s "$run_out" ]] && ! cmp -s "$run_out" "$TMP/$name.dropped"; then
    pass "control: $name without its pretenuring lines prints something else"
  else
    fail "control: dropping $name's pretenuring lines changes nothing printed back"
  fi
done
jq -c 'if .type == "pretenuring" and .kind == "site" then .ratio /= 2 else . end' \
  "$TMP/p.jsonl" >"$TMP/p3.jsonl"
"$HEAPLAB" events "$TMP/p3.jsonl" --trace-pretenuring-statistics >"$TMP/p3.back" 2>/dev/null ||
  true
if cmp -s "$TMP/p.run" "$TMP/p3.back"; then
  fail "control: halved site ratios print the same output"
else
  pass "control: halved site ratios print different lines"
fi
# A version 1 file (before pretenuring lines) is still read.
sed '1s/"version":2/"version":1/' "$TMP/p.dropped.jsonl" >"$TMP/v1.jsonl"
if "$HEAPLAB" events "$TMP/v1.jsonl" --trace-gc >/dev/null 2>"$TMP/err"; then
  pass "a version 1 events file is read"
else
  fail "a version 1 events file is refused: $(head -c 300 "$TMP/err")"
fi

# Control: one changed pause changes the printed-back output, so the comparison can fail.
"$HEAPLAB" run --scenario churn --param requests=20000 --predictable --trace-gc \
  --events-out "$TMP/c.jsonl" >"$TMP/c.run"
jq -c 'if .type == "gc" and .number == 3 then .pause_ms += 1 else . end' "$TMP/c.jsonl" \
  >"$TMP/c2.jsonl"
"$HEAPLAB" events "$TMP/c2.jsonl" --trace-gc >"$TMP/c2.back"
if cmp -s "$TMP/c.run" "$TMP/c2.back"; then
  fail "control: a pause 1 ms longer prints the same output"
else
  pass "control: a pause 1 ms longer prints a different line"
fi
# ... and jq's rewrite alone (key order, number spelling) changes nothing.
jq -c . "$TMP/c.jsonl" >"$TMP/c3.jsonl"
"$HEAPLAB" events "$TMP/c3.jsonl" --trace-gc >"$TMP/c3.back"
if cmp -s "$TMP/c.run" "$TMP/c3.back"; then
  pass "control: the file rewritten by jq prints the same"
else
  fail "control: the file rewritten by jq prints differently: $(diff "$TMP/c.run" "$TMP/c3.back" | head -3)"
fi

# --json of a read-back file equals the run's.
"$HEAPLAB" run --scenario churn --param requests=20000 --predictable --json >"$TMP/run.json"
"$HEAPLAB" events "$TMP/c.jsonl" --json >"$TMP/back.json"
if cmp -s "$TMP/run.json" "$TMP/back.json"; then
  pass "events --json equals run --json"
else
  fail "events --json differs from run --json"
fi

# --- refusals -----------------------------------------------------------------------------------

expect_error() {
  local what="$1" pattern="$2"
  shift 2
  capture "$HEAPLAB" "$@"
  if [[ $status -ne 0 ]] && grep -qE -- "$pattern" "$TMP/err"; then
    pass "$what: exit $status, '$(head -n 1 "$TMP/err")'"
  else
    fail "$what: exit $status, stderr '$(head -c 300 "$TMP/err")', expected /$pattern/"
  fi
}

head -n 5 "$TMP/c.jsonl" >"$TMP/bad.jsonl"
echo '{"type":"gc","number":1}' >>"$TMP/bad.jsonl"
expect_error "a line without its fields" "bad.jsonl:6:1: missing field 'collector'" events "$TMP/bad.jsonl"
head -n 3 "$TMP/c.jsonl" >"$TMP/bad2.jsonl"
echo '{"type":"gc",' >>"$TMP/bad2.jsonl"
expect_error "malformed JSON" "bad2.jsonl:4:1: .*malformed JSON" events "$TMP/bad2.jsonl"
sed '1s/"version":2/"version":7/' "$TMP/c.jsonl" >"$TMP/v7.jsonl"
expect_error "an unknown version" "v7.jsonl:1:1: events file version 7" events "$TMP/v7.jsonl"
printf 'heaplab-trace 1\na 1 16 0\n' >"$TMP/trace.hlt"
expect_error "a trace, not an events file" "trace.hlt:1:1: .*events file" events "$TMP/trace.hlt"
expect_error "a missing file" "cannot open events file" events "$TMP/none.jsonl"
jq -c 'if .type == "gc" and .number == 2 then .reason = "bored" else . end' "$TMP/c.jsonl" \
  >"$TMP/reason.jsonl"
expect_error "an unknown reason" "unknown reason \"bored\"" events "$TMP/reason.jsonl"
jq -c 'if .type == "pretenuring" and .kind == "site" then .after = "forever" else . end' \
  "$TMP/p.jsonl" >"$TMP/decision.jsonl"
expect_error "an unknown pretenuring decision" \
  "decision.jsonl:[0-9]+:1: field 'after': expected undecided, dont_tenure" events "$TMP/decision.jsonl"
expect_error "an unwritable --events-out" "cannot write '$TMP/no/such/dir.jsonl'" \
  run --scenario churn --param requests=10 --events-out "$TMP/no/such/dir.jsonl"

if [[ $failures -ne 0 ]]; then
  echo "events: $failures check(s) failed" >&2
  exit 1
fi
