#!/usr/bin/env bash
# ctest fidelity.scavenges (label slow): every row of compare.sh has heaplab's Scavenge count
# within 20% of Node's. Usage: check_scavenges.sh BUILD_DIR
set -uo pipefail
out=$("$(dirname "$0")/compare.sh" "$1") || { echo "compare.sh failed"; exit 1; }
echo "$out"
bad=$(echo "$out" | awk '/ Scavenges / {
  for (i = 1; i <= NF; i++) if ($i == "Scavenges") { h = $(i + 1); n = $(i + 3) }
  if (n == 0 || h / n < 0.8 || h / n > 1.2) print
}')
rows=$(echo "$out" | grep -c " Scavenges ")
if [[ $rows -lt 8 ]]; then echo "FAIL: $rows rows, expected 8"; exit 1; fi
if [[ -n "$bad" ]]; then echo "FAIL: Scavenge counts beyond 20% of Node's:"; echo "$bad"; exit 1; fi
echo "ok: $rows rows within 20% of Node's Scavenge counts"
