#!/usr/bin/env bash
# The trace reader's limits through the heaplab command (docs/trace-format.md, sections 1 and
# 3), run by ctest with HEAPLAB set to the binary:
#   HEAPLAB=build/release/cli/heaplab bash tests/cli/reader_limits.sh
# Each check prints what failed; the script exits 1 if any check failed.
set -uo pipefail

source "$(dirname "$0")/lib.sh" limits

# An endless line (200 MB of NUL bytes on standard input) stops at once with a located error:
# heaplab exits before reading it all, so `head` is cut off by a closed pipe.
head -c 200M /dev/zero | "$HEAPLAB" run - >"$TMP/out" 2>"$TMP/err"
statuses=("${PIPESTATUS[@]}")
if [[ ${statuses[1]} -ne 1 ]]; then
  fail "/dev/zero as a trace: heaplab exit ${statuses[1]}, expected 1: '$(head -c 300 "$TMP/err")'"
elif ! grep -q '^heaplab: error: <stdin>:1:65537: line too long: a trace line has at most 65536 bytes (this one starts '"'"'\\x00\\x00' "$TMP/err"; then
  fail "/dev/zero as a trace: unexpected message '$(head -c 300 "$TMP/err")'"
elif [[ ${statuses[0]} -eq 0 ]]; then
  fail "/dev/zero as a trace: heaplab read all 200 MB before failing"
else
  pass "/dev/zero as a trace: <stdin>:1:65537: line too long, before the input ends"
fi

# Objects are limited to V8's largest, 1 GiB - 8, not 4 GiB; Buffers to 4 GiB.
printf 'heaplab-trace 1\na 1 4294967296 0\n' >"$TMP/huge.hlt"
"$HEAPLAB" check "$TMP/huge.hlt" >"$TMP/out" 2>"$TMP/err"
status=$?
if [[ $status -eq 1 ]] && grep -q "^heaplab: error: $TMP/huge.hlt:2:5: expected SIZE in bytes of at most 1073741816 (1 GiB - 8, V8's largest object), found '4294967296'$" "$TMP/err"; then
  pass "a 1 4294967296 0 is refused with the limit"
else
  fail "a 1 4294967296 0: exit $status, '$(cat "$TMP/err")'"
fi

# CR-only line endings are line ends.
printf 'heaplab-trace 1\ra 1 16 1\r{\r}\rl 1\r' >"$TMP/cr.hlt"
"$HEAPLAB" check "$TMP/cr.hlt" >"$TMP/out" 2>"$TMP/err"
status=$?
if [[ $status -eq 0 ]] && grep -q "^$TMP/cr.hlt: ok, 4 events" "$TMP/out"; then
  pass "a trace with CR line ends checks ok"
else
  fail "CR line ends: exit $status, '$(cat "$TMP/out" "$TMP/err")'"
fi

# Unprintable bytes are escaped.
printf 'heaplab-trace 1\n\033[31m 1\n' >"$TMP/esc.hlt"
"$HEAPLAB" check "$TMP/esc.hlt" >"$TMP/out" 2>"$TMP/err"
status=$?
if [[ $status -eq 1 ]] && grep -qF "$TMP/esc.hlt:2:1: expected an event (one of a o w l { } r d b t i g j m f x), found '\\x1b[31m'" "$TMP/err" &&
  ! grep -q $'\033' "$TMP/err"; then
  pass "an escape byte is shown as \\x1b"
else
  fail "escape byte: exit $status, '$(cat -A "$TMP/err")'"
fi

if [[ $failures -ne 0 ]]; then
  echo "reader_limits: $failures check(s) failed" >&2
  exit 1
fi
echo "reader_limits: all checks passed"
