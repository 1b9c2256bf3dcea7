#!/usr/bin/env bash
# ctest fidelity.scavenges (label slow): every row of compare.sh has heaplab's Scavenge count
# within 20% of Node's, except the oom rows: Node's own oom runs end in one of two ways
# (oom.log, oom_rerun.log), and heaplab must match one of them in full: Scavenges within 20%,
# full GCs within one, and the same out-of-memory message.
# Usage: check_scavenges.sh BUILD_DIR
set -uo pipefail
out=$("$(dirname "$0")/compare.sh" "$1") || { echo "compare.sh failed"; exit 1; }
echo "$out"
# One line per row: NAME|heaplab scavenges|node scavenges|heaplab MCs|node MCs|heaplab end|node end
rows=$(echo "$out" | awk '
  / Scavenges / {
    if (name != "") print name "|" hs "|" ns "|" hm "|" nm "|" he "|" ne
    name = $0; sub(/ +Scavenges.*/, "", name)
    for (i = 1; i <= NF; i++) {
      if ($i == "Scavenges") { hs = $(i + 1); ns = $(i + 3) }
      if ($i == "Mark-Compacts") { hm = $(i + 1); nm = $(i + 3) }
    }
  }
  / ending: heaplab / {
    line = $0; sub(/.* ending: heaplab /, "", line)
    he = line; sub(/; node .*/, "", he)
    ne = line; sub(/.*; node /, "", ne)
  }
  END { if (name != "") print name "|" hs "|" ns "|" hm "|" nm "|" he "|" ne }')
count=$(echo "$rows" | grep -c '|')
if [[ $count -lt 9 ]]; then echo "FAIL: $count rows, expected 9"; exit 1; fi
within20() { awk -v h="$1" -v n="$2" 'BEGIN { exit !(n > 0 && h / n >= 0.8 && h / n <= 1.2) }'; }
fail=0
oom_matched=""
while IFS='|' read -r name hs ns hm nm he ne; do
  if [[ $name == oom* ]]; then
    if within20 "$hs" "$ns" && ((hm - nm <= 1 && nm - hm <= 1)) && [[ $he == "$ne" ]]; then
      oom_matched="$name"
    fi
  elif ! within20 "$hs" "$ns"; then
    echo "FAIL: $name: $hs Scavenges against Node's $ns, beyond 20%"
    fail=1
  fi
done <<<"$rows"
if [[ -z $oom_matched ]]; then
  echo "FAIL: the oom run matches neither of Node's recorded outcomes (Scavenges within 20%," \
    "full GCs within one, the same ending)"
  fail=1
fi
((fail == 0)) || exit 1
echo "ok: $((count - 2)) rows within 20% of Node's Scavenge counts; oom matches '$oom_matched'"
