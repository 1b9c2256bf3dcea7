#!/usr/bin/env bash
# heaplab stats: the report of a small hand-built trace (numbers worked out in the comments),
# the generational verdict of two scenarios that differ in it, and refusals as check's.
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
