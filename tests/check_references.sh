#!/usr/bin/env bash
# Checks that the repository explains itself: no file points outside it (a house plan or style
# guide kept elsewhere, a sibling directory, a machine path), and every repository path that a
# comment or document cites (docs/..., tests/..., heap/..., and so on) exists.
#
#   check_references.sh ROOT              exit 0 when ROOT is clean; 1, listing what is wrong
#   check_references.sh --self-test ROOT  the same, then checks on a scratch tree that an
#                                         outside pointer and a dangling path are both reported
# CMakeLists.txt files are not checked for paths: theirs are relative to their own folder.
set -euo pipefail

outside='\.\./shared|DESIGN\.md|STYLE\.md|(^|[^[:alnum:]_./-])/work/|shared/fixtures'
skip=(--exclude-dir=build --exclude-dir=.git --exclude=.git --exclude=check_references.sh)
cited='(?<![\w/.-])(docs|tests|heap|gc|traces|cli|bench|cmake|scripts)/[\w./-]*\w\.(md|h|cpp|log|js|txt|sh|cmake|in|json)\b'

check() {
  local root=$1 status=0 hits path
  hits=$(cd "$root" && grep -rnIE "$outside" "${skip[@]}" . || true)
  if [ -n "$hits" ]; then
    echo "pointers outside the repository:"
    echo "$hits"
    status=1
  fi
  while IFS= read -r path; do
    [ -n "$path" ] || continue
    if [ ! -e "$root/$path" ]; then
      echo "cited but missing: $path, in: $(cd "$root" && grep -rlIP "${skip[@]}" \
        --exclude=CMakeLists.txt "(?<![\w/.-])\Q$path\E" . | tr '\n' ' ')"
      status=1
    fi
  done < <(cd "$root" && grep -rhoIP "$cited" "${skip[@]}" --exclude=CMakeLists.txt . | sort -u)
  return $status
}

if [ "${1:-}" = --self-test ]; then
  check "$2"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/docs"
  echo 'See docs/present.md.' >"$tmp/docs/present.md"
  check "$tmp" >/dev/null || { echo "self-test: a clean tree was reported"; exit 1; }
  echo '// as the plan says (../shared/DESIGN.md)' >"$tmp/docs/outside.h"
  if check "$tmp" >/dev/null; then echo "self-test: an outside pointer passed"; exit 1; fi
  rm "$tmp/docs/outside.h"
  echo 'Read docs/absent.md.' >"$tmp/docs/dangling.md"
  if check "$tmp" >/dev/null; then echo "self-test: a dangling path passed"; exit 1; fi
  echo "$2 points only inside itself and every cited path exists; both controls caught"
else
  check "$1"
fi
