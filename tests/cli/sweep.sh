#!/usr/bin/env bash
# heaplab sweep: a grid of configurations gives a table whose rows are run --json summaries;
# Scavenge counts fall as the semispace grows; the --jobs-out commands, run one by one through
# a shell and merged, give the same table; bad grids are refused. Needs jq. Run by ctest with
# HEAPLAB set to the binary.
set -euo pipefail

source "$(dirname "$0")/lib.sh" sweep

# The issue's grid, on half of churn (the whole one takes ~0.5 s a run, too long for a ctest).
GRID=(--scenario churn --param requests=150000 --set max-semi-space-size=1,2,4,8,16
      --set promotion=v8,book --predictable)
capture "$HEAPLAB" sweep "${GRID[@]}" --jobs 2 --csv "$TMP/table.csv" --json "$TMP/table.json"
if [[ $status -ne 0 ]]; then
  fail "sweep: exit $status: $(head -c 300 "$TMP/err")"
fi
rows=$(($(wc -l <"$TMP/table.csv") - 1))
if [[ $rows -eq 10 && $(jq '.rows | length' "$TMP/table.json") -eq 10 ]]; then
  pass "sweep: a 10-row table (csv and json)"
else
  fail "sweep: $rows csv rows, $(jq '.rows | length' "$TMP/table.json") json rows, expected 10"
fi
# Scavenges per semispace size, for each promotion rule: falling from 1 to 8 MiB; at 16 MiB the
# same as at 8, since churn's new space never needs more than 8 MiB (it grows only as the
# survivors demand).
for promotion in v8 book; do
  counts="$(jq -r --arg p "$promotion" '[.rows[] | select(.config.promotion == $p)
            | .summary.by_collector.Scavenge] | map(tostring) | join(" ")' "$TMP/table.json")"
  sizes="$(jq -r --arg p "$promotion" '[.rows[] | select(.config.promotion == $p)
           | .config."max-semi-space-size"] | join(" ")' "$TMP/table.json")"
  if [[ $sizes == "1 2 4 8 16" ]] &&
     awk '{ for (i = 2; i <= 4; i++) if ($i >= $(i - 1)) exit 1; if ($5 > $4) exit 1 }' <<<"$counts"; then
    pass "promotion=$promotion: Scavenges fall as the semispace grows (1..16 MiB: $counts)"
  else
    fail "promotion=$promotion: sizes '$sizes', Scavenges '$counts' do not fall"
  fi
done
# Each row is what heaplab run --json prints for that configuration.
"$HEAPLAB" run --scenario churn --param requests=150000 --predictable --max-semi-space-size=4 \
  --promotion=book --json >"$TMP/one.json"
if jq -e --slurpfile one "$TMP/one.json" \
     '.rows[] | select(.config."max-semi-space-size" == "4" and .config.promotion == "book")
      | .summary == $one[0]' "$TMP/table.json" >/dev/null; then
  pass "a row equals heaplab run --json of its configuration"
else
  fail "the row (4, book) differs from heaplab run --json"
fi
# Control: a neighbouring row does not.
if jq -e --slurpfile one "$TMP/one.json" \
     '.rows[] | select(.config."max-semi-space-size" == "2" and .config.promotion == "book")
      | .summary == $one[0]' "$TMP/table.json" >/dev/null; then
  fail "control: the row (2, book) equals the run of (4, book)"
else
  pass "control: the row (2, book) differs from the run of (4, book)"
fi

# The workers take the configurations smallest semispace first (the costliest first, so that
# they finish together), but the table keeps the grid's order: with the grid given largest
# first, the rows are 16, 16, 1, 1 MiB, and each summary is its own configuration's (fewer
# Scavenges at 16 MiB), with one worker and with two.
for jobs in 1 2; do
  "$HEAPLAB" sweep --scenario churn --param requests=20000 --set max-semi-space-size=16,1 \
    --set promotion=v8,book --predictable --jobs $jobs --json "$TMP/order$jobs.json"
  order="$(jq -r '[.rows[] | .config."max-semi-space-size" + "/" + .config.promotion
                   + "/" + (.summary.by_collector.Scavenge | tostring)] | join(" ")' \
           "$TMP/order$jobs.json")"
  if jq -e '[.rows[].config."max-semi-space-size"] == ["16", "16", "1", "1"] and
            [.rows[].config.promotion] == ["v8", "book", "v8", "book"] and
            ([.rows[].summary.by_collector.Scavenge] | .[0] < .[2] and .[1] < .[3])' \
       "$TMP/order$jobs.json" >/dev/null; then
    pass "--jobs $jobs: rows in grid order although 1 MiB runs first ($order)"
  else
    fail "--jobs $jobs: rows not in grid order or summaries misplaced: $order"
  fi
done

# --jobs-out lines, one by one through a shell, then --merge: the same table.
SMALL=(--scenario churn --param requests=20000 --set max-semi-space-size=1,4 --set promotion=v8,book
       --predictable)
"$HEAPLAB" sweep "${SMALL[@]}" --jobs 1 --csv "$TMP/small.csv" --json "$TMP/small.json"
capture "$HEAPLAB" sweep "${SMALL[@]}" --jobs-out "$TMP/jobs.txt" --jobs-dir "$TMP/jobsdir"
if [[ $status -ne 0 || $(wc -l <"$TMP/jobs.txt") -ne 4 ]]; then
  fail "--jobs-out: exit $status, $(wc -l <"$TMP/jobs.txt" 2>/dev/null) lines: $(cat "$TMP/err")"
else
  while IFS= read -r line; do
    bash -c "$line"
  done <"$TMP/jobs.txt"
  "$HEAPLAB" sweep --merge "$TMP/jobsdir" --csv "$TMP/merged.csv" --json "$TMP/merged.json"
  if cmp -s "$TMP/small.csv" "$TMP/merged.csv" && cmp -s "$TMP/small.json" "$TMP/merged.json"; then
    pass "--jobs-out run one by one and merged: the same table, csv and json ($(head -n 1 "$TMP/jobs.txt" | cut -c 1-60)...)"
  else
    fail "merged table differs: $(diff "$TMP/small.csv" "$TMP/merged.csv" | head -5)"
  fi
  # Control: a job output changed changes the merged table; a missing one is named.
  first="$(ls "$TMP/jobsdir"/job-*.json | head -n 1)"
  "$HEAPLAB" run --scenario churn --param requests=20000 --predictable --max-semi-space-size=2 --json >"$first"
  "$HEAPLAB" sweep --merge "$TMP/jobsdir" --csv "$TMP/merged2.csv"
  if cmp -s "$TMP/small.csv" "$TMP/merged2.csv"; then
    fail "control: a different job output merges into the same table"
  else
    pass "control: a different job output changes the merged table"
  fi
  rm "$first"
  capture "$HEAPLAB" sweep --merge "$TMP/jobsdir" --csv "$TMP/merged3.csv"
  if [[ $status -ne 0 ]] && grep -q "job-1.json: no run summary" "$TMP/err" &&
     [[ $(wc -l <"$TMP/merged3.csv") -eq 4 ]]; then
    pass "a missing job output is named, exit $status, the other 3 rows kept"
  else
    fail "missing job output: exit $status, $(cat "$TMP/err")"
  fi
fi

# OOM rows: a configuration that runs out of memory is a row with end_state oom.
"$HEAPLAB" sweep --scenario leak-cache --param entries=100000 --set max-old-space-size=8,64 \
  --predictable --json "$TMP/oom.json"
if jq -e '[.rows[].summary | .end_state] == ["oom", "ok"] and .rows[0].summary.exit_status == 134' \
     "$TMP/oom.json" >/dev/null; then
  pass "an out-of-memory configuration is a row with end_state oom"
else
  fail "oom rows: $(jq -c '[.rows[].summary | .end_state]' "$TMP/oom.json")"
fi

# The forms --set takes: FLAG=V1,V2,... and FLAG V1,V2,... (two words), also as --set=...,
# and with the TRACE right after a --set (the option must not keep it): the same table.
"$HEAPLAB" gen churn --requests 3000 --output "$TMP/forms.hlt"
"$HEAPLAB" sweep "$TMP/forms.hlt" --set max-semi-space-size=1,4 --set promotion=v8,book \
  --predictable --jobs 1 --csv "$TMP/form-eq.csv"
form_ok=1
for form in "--set max-semi-space-size 1,4 --set promotion v8,book $TMP/forms.hlt" \
            "--set=max-semi-space-size=1,4 --set=promotion=v8,book $TMP/forms.hlt" \
            "--set max-semi-space-size=1,4 --set promotion=v8,book $TMP/forms.hlt" \
            "$TMP/forms.hlt --set max-semi-space-size 1,4 --set=promotion=v8,book"; do
  # shellcheck disable=SC2086  # the form is split into words on purpose
  capture "$HEAPLAB" sweep $form --predictable --jobs 1 --csv "$TMP/form.csv"
  if [[ $status -ne 0 ]] || ! cmp -s "$TMP/form-eq.csv" "$TMP/form.csv"; then
    fail "sweep ${form//$TMP\//}: exit $status, $(head -c 200 "$TMP/err"), table differs from FLAG=V1,V2"
    form_ok=0
  fi
done
if [[ $form_ok -eq 1 && $(wc -l <"$TMP/form-eq.csv") -eq 5 ]]; then
  pass "--set FLAG V1,V2, --set=FLAG=V1,V2 and a TRACE after --set give the FLAG=V1,V2 table"
else
  fail "--set forms: $(wc -l <"$TMP/form-eq.csv") lines in the reference table, expected 5"
fi
# Control: another grid in the two-word form gives another table.
"$HEAPLAB" sweep "$TMP/forms.hlt" --set max-semi-space-size 1,2 --set promotion v8,book \
  --predictable --jobs 1 --csv "$TMP/form-other.csv"
if cmp -s "$TMP/form-eq.csv" "$TMP/form-other.csv"; then
  fail "control: --set max-semi-space-size 1,2 gives the table of 1,4"
else
  pass "control: --set max-semi-space-size 1,2 gives another table than 1,4"
fi

# --- refusals -----------------------------------------------------------------------------------
expect_error() {
  local what="$1" pattern="$2"
  shift 2
  capture "$HEAPLAB" "$@"
  if [[ $status -eq 2 ]] && grep -qE -- "$pattern" "$TMP/err"; then
    pass "$what: exit 2, '$(head -n 1 "$TMP/err")'"
  else
    fail "$what: exit $status, stderr '$(head -c 300 "$TMP/err")', expected /$pattern/"
  fi
}
expect_error "an unknown flag" "'frob' is not a collector flag" sweep --scenario churn --set frob=1,2
expect_error "a value out of range" "max-semi-space-size" sweep --scenario churn --set max-semi-space-size=1,4096
expect_error "a bad choice" "promotion" sweep --scenario churn --set promotion=v8,lifo
expect_error "no values" "expected FLAG=V1,V2,... or FLAG V1,V2,..., found 'promotion' without values" \
  sweep --scenario churn --set promotion
expect_error "no values before an option" "found 'promotion' without values" \
  sweep --set promotion --scenario churn
expect_error "no flag" "expected FLAG=V1,V2,... or FLAG V1,V2,..., found '=v8,book'" \
  sweep --scenario churn --set =v8,book
expect_error "values separated by spaces" \
  "unexpected 'book' after '--set promotion v8': one FLAG=V1,V2,... or FLAG V1,V2,... per --set, the values separated by commas" \
  sweep --scenario churn --set promotion v8 book
expect_error "a second trace after --set" "unexpected 'b.hlt' after '--set promotion=v8'" \
  sweep a.hlt --set promotion=v8 b.hlt
expect_error "an empty value" "an empty value" sweep --scenario churn --set promotion=v8,,book
expect_error "no --set" "at least one --set" sweep --scenario churn
expect_error "no source" "TRACE or --scenario" sweep --set promotion=v8
expect_error "standard input" "not standard input" sweep - --set promotion=v8
expect_error "a flag set twice" "set twice" sweep --scenario churn --set promotion=v8 --set promotion=book
expect_error "a bad base flag" "frobnicate" sweep --scenario churn --set promotion=v8 --frobnicate

if [[ $failures -ne 0 ]]; then
  echo "sweep: $failures check(s) failed" >&2
  exit 1
fi
