#!/usr/bin/env bash
# heaplab stats: the report of a small hand-built trace (numbers worked out in the comments),
# the generational verdict of two scenarios that differ in it, --json against the text, and
# refusals as check's.
# Run by ctest with HEAPLAB set to the binary.
set -euo pipefail

source "$(dirname "$0")/lib.sh" stats

# X dies at once, Y lives to the end, Z lives 64 KiB, W dies at once: 256 KiB allocated,
# peak live 192 KiB (Y, Z, W), after 64 KiB one third of the bytes watched (X, Y, Z) survive.
printf 'heaplab-trace 1\n{\na 1 65536 0\n}\na 2 65536 0\n{\na 3 65536 0\na 4 65536 0\n}\n' \
  >"$TMP/four.hlt"
capture "$HEAPLAB" stats "$TMP/four.hlt"
for want in "events by kind: a 4 { 2 } 2" \
            "allocated: 262144 bytes in 4 objects" \
            "3 objects died, 1 (65536 bytes) alive at the end" \
            "peak live bytes: 196608 (at 262144 bytes allocated)" \
            "after   64 KiB: 0.3333 of 196608 bytes watched" \
            "after  128 KiB: 0.5000 of 131072 bytes watched"; do
  if grep -qF -- "$want" "$TMP/out"; then
    pass "stats: '$want'"
  else
    fail "stats: no line with '$want' in: $(cat "$TMP/out" "$TMP/err")"
  fi
done
# Control: Z kept alive (its scope never closes) changes the peak and the curve.
printf 'heaplab-trace 1\n{\na 1 65536 0\n}\na 2 65536 0\na 3 65536 0\n{\na 4 65536 0\n}\n' \
  >"$TMP/four2.hlt"
"$HEAPLAB" stats "$TMP/four2.hlt" >"$TMP/out2"
if grep -qF "after   64 KiB: 0.3333" "$TMP/out2"; then
  fail "control: keeping Z alive leaves the survival after 64 KiB at 1/3"
else
  pass "control: keeping Z alive changes the survival curve ($(grep -F 'after   64 KiB' "$TMP/out2"))"
fi

# churn: requests die young; leak-cache: entries never die.
"$HEAPLAB" gen churn --requests 20000 -o "$TMP/churn.hlt" >/dev/null
"$HEAPLAB" gen leak-cache --entries 20000 -o "$TMP/leak.hlt" >/dev/null
if "$HEAPLAB" stats "$TMP/churn.hlt" | grep -q "generational hypothesis: .*it holds$" &&
   "$HEAPLAB" stats "$TMP/leak.hlt" | grep -q "generational hypothesis: .*it fails for this trace"; then
  pass "churn: the hypothesis holds; leak-cache: it fails"
else
  fail "verdicts: churn '$("$HEAPLAB" stats "$TMP/churn.hlt" | tail -n 1)', leak-cache '$("$HEAPLAB" stats "$TMP/leak.hlt" | tail -n 1)'"
fi

# --json: the same figures as the text, as one line of JSON. same_figures JSON TEXT prints the
# first figure that differs and fails, or succeeds when every figure agrees.
same_figures() {
  local json="$1" text="$2"
  local -a want=(
    "$(jq -r '"\(.file): \(.events) events"' "$json")"
    "$(jq -r '"events by kind:" + ([.by_kind | to_entries[] | select(.value > 0) | " \(.key) \(.value)"] | add // "")' "$json")"
    "$(jq -r '"allocated: \(.allocated_bytes) bytes in \(.objects) objects (\(.buffers) Buffers, \(.buffer_bytes) bytes off the heap)"' "$json")"
    "$(jq -r '"lifetimes (bytes allocated between birth and death): \(.dead_objects) objects died, \(.alive_at_end) (\(.alive_at_end_bytes) bytes) alive at the end"' "$json")"
    "$(jq -r '"peak live bytes: \(.peak_live_bytes) (at \(.peak_live_at) bytes allocated)"' "$json")"
    "$(jq -r '"generational hypothesis: " + (.generational_hypothesis.fraction * 100 | tostring)' "$json" |
       awk '{ printf "generational hypothesis: %.1f%%", $3 }')"
  )
  local line
  for line in "${want[@]}"; do
    grep -qF -- "$line" "$text" || { echo "'$line'"; return 1; }
  done
  local verdict
  case "$(jq -r '.generational_hypothesis.verdict' "$json")" in
    holds) verdict="die young; it holds" ;;
    "holds weakly") verdict="it holds weakly" ;;
    fails) verdict="it fails for this trace" ;;
    *) verdict="(an unknown verdict)" ;;
  esac
  grep -q "^generational hypothesis: .*$verdict\$" "$text" || { echo "the verdict"; return 1; }
  # Histograms: objects and bytes of each bucket, in order; the survival curve.
  local section key
  for section in "object sizes:object_sizes" "lifetimes:lifetimes"; do
    key="${section#*:}"
    diff <(awk -v head="${section%%:*}" 'index($0, head) == 1 { on = 1; next }
                                         on && /^  / { print $(NF-3), $(NF-1); next } { on = 0 }' "$text") \
         <(jq -r ".$key[] | \"\(.objects) \(.bytes)\"" "$json") >/dev/null ||
      { echo "the $key histogram"; return 1; }
  done
  diff <(awk '/^  after / { print $(NF-4), $(NF-2) }' "$text") \
       <(jq -r '.survival[] | "\(.fraction) \(.watched)"' "$json" |
         while read -r f w; do printf '%.4f %s\n' "$f" "$w"; done) >/dev/null ||
    { echo "the survival curve"; return 1; }
}
"$HEAPLAB" stats "$TMP/churn.hlt" >"$TMP/churn.txt"
"$HEAPLAB" stats "$TMP/churn.hlt" --json >"$TMP/churn.json"
if [[ $(wc -l <"$TMP/churn.json") -eq 1 ]] && jq -e 'type == "object" and .schema == "heaplab-trace-stats" and .version == 1' \
     "$TMP/churn.json" >/dev/null; then
  pass "stats --json: one line, a JSON object with its schema"
else
  fail "stats --json: not one line of JSON: $(head -c 300 "$TMP/churn.json")"
fi
if what=$(same_figures "$TMP/churn.json" "$TMP/churn.txt"); then
  pass "stats --json: the figures of the text output (churn)"
else
  fail "stats --json: differs from the text output in $what"
fi
# Controls: one figure changed in the JSON, each kind of comparison notices it.
for change in '.peak_live_bytes += 1' '.by_kind.w += 1' '.lifetimes[2].bytes += 8' \
              '.survival[4].fraction += 0.001' '.generational_hypothesis.fraction = 0.6' \
              '.generational_hypothesis.verdict = "fails"'; do
  jq -c "$change" "$TMP/churn.json" >"$TMP/changed.json"
  if what=$(same_figures "$TMP/changed.json" "$TMP/churn.txt"); then
    fail "control: $change goes unnoticed"
  else
    pass "control: $change is noticed (in $what)"
  fi
done

expect_error() {
  local what="$1" pattern="$2"
  shift 2
  capture "$HEAPLAB" "$@"
  if [[ $status -eq 1 ]] && grep -qE -- "$pattern" "$TMP/err"; then
    pass "$what: exit 1, '$(head -n 1 "$TMP/err")'"
  else
    fail "$what: exit $status, stderr '$(head -c 300 "$TMP/err")', expected /$pattern/"
  fi
}
printf 'heaplab-trace 1\na 1 16 0\nw 1 0 -\n' >"$TMP/slot.hlt"
expect_error "a slot out of range" "slot.hlt:3:5: slot 0 out of range" stats "$TMP/slot.hlt"
printf 'heaplab-trace 1\na 1 16 0\nq\n' >"$TMP/syntax.hlt"
expect_error "a syntax error" "syntax.hlt:3:1: " stats "$TMP/syntax.hlt"
expect_error "a missing file" "cannot open trace" stats "$TMP/none.hlt"

if [[ $failures -ne 0 ]]; then
  echo "stats: $failures check(s) failed" >&2
  exit 1
fi
