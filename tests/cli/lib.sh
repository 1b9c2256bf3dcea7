# What the shell tests of the heaplab command share; each test sources it first:
#   source "$(dirname "$0")/lib.sh" NAME
# NAME names the test in messages and in its temporary folder. Gives: $TMP (removed on exit),
# fail and pass (fail counts into $failures), and capture (runs "$@" with stdout and stderr in
# $TMP/out and $TMP/err and sets $status). HEAPLAB must name the heaplab binary.

: "${HEAPLAB:?set HEAPLAB to the heaplab binary}"
if [[ ! -x "$HEAPLAB" ]]; then
  echo "$1: HEAPLAB='$HEAPLAB' is not an executable" >&2
  exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/heaplab-$1.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

capture() {
  status=0
  "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
}
