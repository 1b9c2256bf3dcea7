#!/usr/bin/env bash
# Checks that a fixture directory and its README.md agree: every file name the README mentions
# (a name ending in .log, .js, .txt, .json or .heapsnapshot, not part of a longer path; the word
# Node.js excepted) is a file of the directory, and every file of the directory but the README
# is mentioned.
#
#   check_readme.sh DIR              exit 0 when they agree; 1, listing the differences, if not
#   check_readme.sh --self-test DIR  the same, and then checks on copies of DIR that a missing
#                                    file and an unlisted file are both reported
set -euo pipefail

check() {
  local dir=$1 status=0 name
  local mentioned
  mentioned=$(grep -oP '(?<![\w./-])[\w.-]+\.(?:log|js|txt|json|heapsnapshot)\b' \
    "$dir/README.md" | grep -vxF Node.js | sort -u || true)
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    if [ ! -f "$dir/$name" ]; then
      echo "$dir/README.md names $name, which is not in $dir"
      status=1
    fi
  done <<<"$mentioned"
  for path in "$dir"/*; do
    name=$(basename "$path")
    [ "$name" = README.md ] && continue
    if ! grep -qxF "$name" <<<"$mentioned"; then
      echo "$dir/$name is not listed in $dir/README.md"
      status=1
    fi
  done
  return $status
}

if [ "${1:-}" = --self-test ]; then
  dir=$2
  check "$dir"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # Control 1: a listed file goes missing.
  cp -r "$dir" "$tmp/missing"
  victim=$(ls "$tmp/missing" | grep -v '^README.md$' | head -1)
  rm "$tmp/missing/$victim"
  if check "$tmp/missing" >/dev/null; then
    echo "self-test: the missing $victim was not reported"
    exit 1
  fi
  # Control 2: a file the README does not list.
  cp -r "$dir" "$tmp/unlisted"
  touch "$tmp/unlisted/unlisted_fixture.log"
  if check "$tmp/unlisted" >/dev/null; then
    echo "self-test: the unlisted unlisted_fixture.log was not reported"
    exit 1
  fi
  echo "$dir/README.md and $dir agree ($(ls "$dir" | wc -l) files); both controls caught"
else
  check "$1"
fi
