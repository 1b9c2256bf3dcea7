#!/usr/bin/env bash
# Converts a placement record of real Node (tests/data/node20/buffer_pool_placements_seed1.txt,
# made by pool_truth.js: "I API SIZE pooled=P slab=K offset=O" per Buffer call) into a heaplab
# trace that makes the same calls: first one 1-byte `unsafe` Buffer standing for the 8 bytes
# Node itself takes from the first slab at start-up (id 0), then call I as Buffer id I+1. Every
# Buffer is a global root, as the script keeps every Buffer in an array.
#   scripts/placements_to_trace.sh PLACEMENTS [--no-startup] > TRACE
set -euo pipefail
in="${1:?usage: placements_to_trace.sh PLACEMENTS [--no-startup]}"
startup=1
[[ "${2:-}" == "--no-startup" ]] && startup=0
awk -v startup="$startup" -v file="$in" '
  BEGIN { print "heaplab-trace 1 scenario=node20-placements"; if (startup) { print "b 0 1 unsafe"; print "r 0" } }
  NF == 0 { next }
  NF != 6 || $1 !~ /^[0-9]+$/ || $3 !~ /^[0-9]+$/ {
    printf "%s:%d: expected \"I API SIZE pooled=P slab=K offset=O\", found \"%s\"\n", file, NR, $0 > "/dev/stderr"
    exit 1
  }
  { printf "b %d %s %s\nr %d\n", $1 + 1, $3, $2, $1 + 1 }
' "$in"
