#!/usr/bin/env bash
# The command line's refusals and failures say what is wrong: seeds out of range, unknown
# commands, results that cannot be written (run, check, gen), output files that cannot be
# created. Run by ctest with HEAPLAB set to the binary:
#   HEAPLAB=build/release/cli/heaplab bash tests/cli/command_errors.sh
# Each check prints what failed; the script exits 1 if any check failed.
set -uo pipefail

source "$(dirname "$0")/lib.sh" errors

# expect STATUS GREP_FIXED WHAT -- CMD...: CMD exits with STATUS and its stderr contains the
# fixed string GREP_FIXED.
expect() {
  local want="$1" text="$2" what="$3"
  shift 4
  capture "$@"
  if [[ $status -eq $want ]] && grep -qF -- "$text" "$TMP/err"; then
    pass "$what"
  else
    fail "$what: exit $status (expected $want), stderr '$(head -c 400 "$TMP/err")' lacks '$text'"
  fi
}

TINY="$TMP/tiny.hlt"
printf 'heaplab-trace 1\n{\na 1 24 2\n}\n' >"$TINY"

# --- seeds: refused, never wrapped -------------------------------------------------------------

for bad in -1 18446744073709551616 99999999999999999999999 +5 1.5 0x10; do
  expect 2 "--seed: expected an unsigned integer from 0 to 18446744073709551615, found '$bad'" \
    "run --seed=$bad is refused, naming the flag" -- \
    "$HEAPLAB" run --scenario churn --param requests=0 "--seed=$bad"
  expect 2 "--seed: expected an unsigned integer from 0 to 18446744073709551615, found '$bad'" \
    "gen --seed=$bad is refused, naming the flag" -- \
    "$HEAPLAB" gen churn --requests 0 -o "$TMP/s.hlt" "--seed=$bad"
done
# The largest seed is accepted, and written as given (not wrapped).
capture "$HEAPLAB" gen churn --requests 0 -o - --seed 18446744073709551615
if [[ $status -eq 0 ]] && head -n 1 "$TMP/out" | grep -q ' seed=18446744073709551615'; then
  pass "gen --seed 18446744073709551615 is accepted as written"
else
  fail "largest seed: exit $status, header '$(head -n 1 "$TMP/out")' $(cat "$TMP/err")"
fi
capture "$HEAPLAB" run --scenario churn --param requests=10 --seed 18446744073709551615 --no-summary
[[ $status -eq 0 ]] && pass "run --seed 18446744073709551615 is accepted" ||
  fail "run --seed 18446744073709551615: exit $status: $(cat "$TMP/err")"

# --param names take '-' for '_' as flags do.
capture "$HEAPLAB" run --scenario fragmentation --param keep-every=5 --param nodes=10 --no-summary
[[ $status -eq 0 ]] && pass "run --param keep-every=5 is keep_every" ||
  fail "run --param keep-every=5: exit $status: $(cat "$TMP/err")"

# Enumerated parameters take their choices by name, on run --param and on gen; anything else is
# refused naming the scenario, the parameter and the choices. Counts stay counts.
for good in whole stream; do
  capture "$HEAPLAB" run --scenario big-file --param mode=$good --param mib=1 --no-summary
  [[ $status -eq 0 ]] && pass "run --param mode=$good is accepted" ||
    fail "run --param mode=$good: exit $status: $(cat "$TMP/err")"
done
capture "$HEAPLAB" gen big-file --mode stream --mib 1 -o -
if [[ $status -eq 0 ]] && head -n 1 "$TMP/out" | grep -q ' mode=stream'; then
  pass "gen big-file --mode stream writes mode=stream in the header"
else
  fail "gen --mode stream: exit $status, header '$(head -n 1 "$TMP/out")' $(cat "$TMP/err")"
fi
for bad in mmap 1 Whole dynamic; do
  expect 2 "scenario 'big-file': parameter 'mode' must be one of whole, stream, not '$bad'" \
    "run --param mode='$bad' is refused, naming scenario, parameter and choices" -- \
    "$HEAPLAB" run --scenario big-file "--param=mode=$bad"
done
for bad in mmap 1 Whole dynamic; do
  expect 2 "scenario 'big-file': parameter 'mode' must be one of whole, stream, not '$bad'" \
    "gen big-file --mode $bad is refused, naming scenario, parameter and choices" -- \
    "$HEAPLAB" gen big-file --mode "$bad" -o "$TMP/b.hlt"
done
expect 2 "scenario 'static-buffer': parameter 'mode' must be one of static, dynamic, not 'stream'" \
  "another scenario's choice is refused" -- \
  "$HEAPLAB" run --scenario static-buffer --param mode=stream
expect 2 "scenario 'churn': parameter 'requests' must be a count from 0 to 1000000000, not 'many'" \
  "a count parameter refuses a word" -- "$HEAPLAB" run --scenario churn --param requests=many
expect 2 "scenario 'churn' has no parameter 'mode' (it has: requests, keep, compute)" \
  "an unknown parameter lists the scenario's parameters" -- \
  "$HEAPLAB" run --scenario churn --param mode=whole
expect 2 "expected NAME=VALUE, found 'mode'" "a --param without '=' is refused" -- \
  "$HEAPLAB" run --scenario big-file --param mode

# --- unknown commands say which exist ------------------------------------------------------------

expect 2 "unknown command 'heaplab frob': the commands of 'heaplab' are run, gen, check" \
  "an unknown command lists the commands" -- "$HEAPLAB" frob
expect 2 "unknown command 'heaplab frob': the commands of 'heaplab' are run, gen, check" \
  "an unknown command before --help lists the commands" -- "$HEAPLAB" frob --help
expect 2 "unknown command 'heaplab gen frob': the commands of 'heaplab gen' are churn, survivors," \
  "an unknown scenario of gen lists the scenarios" -- "$HEAPLAB" gen frob -o "$TMP/x.hlt"
expect 2 "'heaplab' needs a command: one of run, gen, check" \
  "no command at all lists the commands" -- "$HEAPLAB"
expect 2 "'heaplab gen' needs a command: one of churn, survivors," \
  "gen without a scenario lists the scenarios" -- "$HEAPLAB" gen
capture "$HEAPLAB" --version
[[ $status -eq 0 ]] && pass "--version alone still works" || fail "--version: exit $status"

# --- results that cannot be written ----------------------------------------------------------------

if [[ -w /dev/full ]]; then
  for cmd in "check $TINY" "run $TINY" "gen churn --requests 10 -o -"; do
    # shellcheck disable=SC2086
    status=0
    "$HEAPLAB" $cmd >/dev/full 2>"$TMP/err" || status=$?
    if [[ $status -ne 0 ]] &&
      grep -qF "heaplab: error: cannot write the output to standard output: No space left on device" "$TMP/err"; then
      pass "$cmd > /dev/full: exit $status, says why"
    else
      fail "$cmd > /dev/full: exit $status, stderr '$(cat "$TMP/err")'"
    fi
  done
  expect 1 "heaplab: error: cannot write '/dev/full': No space left on device" \
    "gen -o /dev/full says why" -- "$HEAPLAB" gen churn --requests 1000 -o /dev/full
else
  echo "skip: /dev/full is not writable here"
fi

# --- gen -o failures say why -------------------------------------------------------------------

expect 1 "heaplab: error: cannot write '/nonexistent/x.hlt': No such file or directory" \
  "gen -o into a missing directory says why" -- "$HEAPLAB" gen churn -o /nonexistent/x.hlt
expect 1 "heaplab: error: cannot write '$TMP': Is a directory" \
  "gen -o onto a directory says why" -- "$HEAPLAB" gen churn -o "$TMP"

if [[ $failures -ne 0 ]]; then
  echo "command_errors: $failures check(s) failed" >&2
  exit 1
fi
echo "command_errors: all checks passed"
