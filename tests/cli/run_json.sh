#!/usr/bin/env bash
# heaplab run --json: the end-of-run summary as one line of JSON (docs/events.md), on a normal
# run and on one that ends out of memory. Needs jq. Run by ctest with HEAPLAB set to the binary.
set -euo pipefail

source "$(dirname "$0")/lib.sh" run_json

RUN=(run --scenario churn --param requests=20000 --predictable)

# The JSON's counts are the text summary's, for the same predictable run.
capture "$HEAPLAB" "${RUN[@]}"
text_line="$(grep '^heaplab summary:' "$TMP/out")"
capture "$HEAPLAB" "${RUN[@]}" --json
cp "$TMP/out" "$TMP/ok.json"
if [[ $status -ne 0 ]]; then
  fail "run --json: exit $status: $(cat "$TMP/err")"
elif [[ $(wc -l <"$TMP/ok.json") -ne 1 ]] || ! jq -e . "$TMP/ok.json" >/dev/null; then
  fail "run --json: not one line of JSON: $(head -c 300 "$TMP/ok.json")"
else
  counts() {
    jq -r '"\(.collections) collections (\(.by_collector.Scavenge) Scavenge, \(.by_collector."Mark-Compact" + .by_collector."Mark-Compact (reduce)") Mark-Compact)"' "$1"
  }
  json_counts="$(counts "$TMP/ok.json")"
  if [[ $text_line == "heaplab summary: $json_counts in "* ]]; then
    pass "run --json counts equal the text summary's ($json_counts)"
  else
    fail "run --json says '$json_counts' but the text summary '$text_line'"
  fi
  # Control: another configuration gives other counts, so the comparison can fail.
  "$HEAPLAB" "${RUN[@]}" --max-semi-space-size=1 --json >"$TMP/small.json"
  if [[ "$(counts "$TMP/small.json")" == "$json_counts" ]]; then
    fail "control: --max-semi-space-size=1 gives the same counts ($json_counts)"
  else
    pass "control: --max-semi-space-size=1 gives $(counts "$TMP/small.json")"
  fi
  if jq -e '.schema == "heaplab-run-summary" and .version == 1 and .end_state == "ok"
            and .exit_status == 0 and .by_reason."allocation failure" == .collections
            and (.pause_ms | .p50 <= .p95 and .p95 <= .p99 and .p99 <= .max and .max <= .total)
            and .mutator_utilization > 0 and .mutator_utilization <= 1
            and .peak_committed_bytes > 0 and .allocated_bytes > 0' "$TMP/ok.json" >/dev/null; then
    pass "run --json: schema, version, reasons and ordered percentiles"
  else
    fail "run --json: fields: $(cat "$TMP/ok.json")"
  fi
fi

# Out of memory: the OOM report on stderr, the JSON on stdout with end_state "oom", exit 134.
capture "$HEAPLAB" run --scenario leak-cache --max-old-space-size=64 --predictable --json
if [[ $status -ne 134 ]]; then
  fail "leak-cache at 64 MiB --json: exit $status, expected 134"
elif ! grep -q 'JavaScript heap out of memory' "$TMP/err"; then
  fail "leak-cache at 64 MiB --json: no OOM report on stderr"
elif jq -e '.end_state == "oom" and .exit_status == 134 and .by_collector."Mark-Compact (reduce)" > 0' \
       "$TMP/out" >/dev/null; then
  pass "OOM run --json: end_state oom, exit_status 134"
else
  fail "OOM run --json: $(head -c 400 "$TMP/out")"
fi

if [[ $failures -ne 0 ]]; then
  echo "run_json: $failures check(s) failed" >&2
  exit 1
fi
