#!/usr/bin/env bash
# Runs one libFuzzer target of heaplab and reports what it reached. Used by the fuzz ctests,
# make fuzz and make fuzz-corpus, from the repository root:
#   run.sh fuzz  BINARY NAME   fuzz for FUZZ_SECONDS on the committed seeds and corpus of NAME
#                              (tests/fuzz/seeds/NAME, tests/fuzz/corpus/NAME) plus the inputs
#                              found by earlier runs in $FUZZ_WORK/NAME/corpus; then print
#                              libFuzzer's figures and the source coverage of heap/, gc/,
#                              buffer/, traces/, cli/ (llvm-cov, when LLVM_COV and
#                              LLVM_PROFDATA are set and the binary records a profile). Fails
#                              on any finding.
#   run.sh total BINARY...     the coverage of every target's last run together
#   run.sh merge BINARY NAME   minimise the committed corpus with what earlier runs found
#                              (libFuzzer -merge=1) into tests/fuzz/corpus/NAME.
# Environment: FUZZ_SECONDS (default 45), FUZZ_MAX_LEN (default 4096), FUZZ_WORK (default
# build/fuzz/work), LLVM_PROFDATA, LLVM_COV.
set -euo pipefail

# Prints the lines, functions and regions covered per top folder from an llvm-cov report.
per_folder() {
  # Columns of a file row: name, regions, missed, cover, functions, missed, executed, lines,
  # missed, cover; summed per top folder.
  awk '$2 ~ /^[0-9]+$/ && $1 ~ /\// {
         split($1, p, "/"); d = p[1]; r[d] += $2; rm[d] += $3; f[d] += $5; fm[d] += $6
         l[d] += $8; lm[d] += $9 }
       END { n = split("traces heap gc buffer cli", order, " ")
         for (i = 1; i <= n; ++i) { d = order[i]; if (!(d in l)) continue
           printf "   %-8s lines %5d/%-5d %5.1f%%   functions %4d/%-4d %5.1f%%   " \
                  "regions %5d/%-5d %5.1f%%\n",
             d "/", l[d] - lm[d], l[d], 100 * (l[d] - lm[d]) / l[d], f[d] - fm[d], f[d],
             100 * (f[d] - fm[d]) / f[d], r[d] - rm[d], r[d], 100 * (r[d] - rm[d]) / r[d] } }' "$1"
}

mode="${1:?usage: run.sh fuzz|merge BINARY NAME}"
if [[ "$mode" == total ]]; then
  # The union of what the last runs of every target reached (each target's profile, merged).
  shift
  root="${FUZZ_WORK:-build/fuzz/work}"
  profiles=("$root"/*/fuzz.profdata)
  if [[ -z "${LLVM_COV:-}" || -z "${LLVM_PROFDATA:-}" || ! -e "${profiles[0]}" ]]; then
    echo "run.sh: no coverage profile under $root (run the fuzz targets first)" >&2
    exit 1
  fi
  # The warnings of llvm-profdata and llvm-cov, if any, are kept in merge.log. (An inline
  # function that a harness also emits, without a profile, can show as mismatched data.)
  "$LLVM_PROFDATA" merge -sparse "${profiles[@]}" -o "$root/all.profdata" 2>"$root/merge.log"
  objects=("$1")
  for b in "${@:2}"; do objects+=(-object "$b"); done
  "$LLVM_COV" report "${objects[@]}" -instr-profile="$root/all.profdata" >"$root/coverage.txt" \
    2>>"$root/merge.log"
  {
    echo "== fuzz: source coverage of all targets together (llvm-cov; covered/total)"
    per_folder "$root/coverage.txt"
    echo "   per file: $root/coverage.txt"
  } | tee "$root/summary.txt"
  exit 0
fi
bin="${2:?usage: run.sh fuzz|merge BINARY NAME}"
name="${3:?usage: run.sh fuzz|merge BINARY NAME}"
seconds="${FUZZ_SECONDS:-45}"
max_len="${FUZZ_MAX_LEN:-4096}"
work="${FUZZ_WORK:-build/fuzz/work}/$name"
seeds="tests/fuzz/seeds/$name"
corpus="tests/fuzz/corpus/$name"

if [[ ! -x "$bin" ]]; then
  echo "run.sh: '$bin' is not an executable (build it first: make fuzz)" >&2
  exit 1
fi
if [[ ! -d "$seeds" ]]; then
  echo "run.sh: run from the repository root; $seeds is missing" >&2
  exit 1
fi
# Every target has a committed corpus; a fuzz run without it would start from the seeds alone.
if [[ "$mode" == fuzz && -z "$(ls -A "$corpus" 2>/dev/null)" ]]; then
  echo "run.sh: $corpus is missing or empty (make fuzz-corpus, then commit it)" >&2
  exit 1
fi
mkdir -p "$corpus" "$work/corpus" "$work/artifacts"
rm -f "$work/summary.txt"

if [[ "$mode" == merge ]]; then
  next="$work/merged"
  rm -rf "$next"
  mkdir -p "$next"
  LLVM_PROFILE_FILE="$work/merge-%p.profraw" \
    "$bin" -merge=1 -max_len="$max_len" -timeout=30 "$next" "$corpus" "$seeds" "$work/corpus"
  rm -f "$work"/merge-*.profraw
  # The seeds stay as they are; the corpus keeps only what adds coverage beyond them.
  for f in "$next"/*; do
    [[ -e "$f" ]] || continue
    for s in "$seeds"/*; do
      if cmp -s "$f" "$s"; then
        rm -f "$f"
        break
      fi
    done
  done
  rm -f "$corpus"/*
  cp "$next"/* "$corpus"/ 2>/dev/null || true
  echo "run.sh: $corpus now holds $(ls "$corpus" | wc -l) inputs ($(du -sh "$corpus" | cut -f1))"
  exit 0
fi
[[ "$mode" == fuzz ]] || {
  echo "run.sh: unknown mode '$mode' (fuzz or merge)" >&2
  exit 1
}

rm -f "$work"/*.profraw
# Sanitizer reports with function names and lines: llvm-symbolizer beside llvm-cov (Debian
# installs only the versioned name, llvm-symbolizer-14, with llvm-14).
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" && -n "${LLVM_COV:-}" ]]; then
  symbolizer="$(dirname "$LLVM_COV")/$(basename "$LLVM_COV" | sed 's/llvm-cov/llvm-symbolizer/')"
  if [[ -x "$symbolizer" ]]; then export ASAN_SYMBOLIZER_PATH="$symbolizer"; fi
fi
# What this script prints is also kept in $work/summary.txt.
exec > >(tee "$work/summary.txt")
log="$work/fuzz.log"
status=0
LLVM_PROFILE_FILE="$work/%p.profraw" "$bin" "$work/corpus" "$corpus" "$seeds" \
  -max_total_time="$seconds" -max_len="$max_len" -timeout=30 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" >"$log" 2>&1 || status=$?

# libFuzzer's own figures: the last status line (cov: edges and counters of the instrumented
# code, ft: features) and the number of inputs run.
echo "== fuzz.$name: ${seconds} s of libFuzzer (exit status $status), from $(ls "$seeds" | wc -l)" \
  "seeds and $(ls "$corpus" | wc -l) committed corpus inputs"
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | sed 's/^/   /' || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
  "$log" | sed 's/^/   /' || true
finding='^==[0-9]+==ERROR|^SUMMARY: |deadly signal|runtime error'
if [[ $status -ne 0 ]] || grep -qE "$finding" "$log"; then
  echo "== fuzz.$name FAILED: libFuzzer's output follows; the input is in $work/artifacts/"
  tail -n 80 "$log"
  exit 1
fi

# Source coverage of what the fuzzer ran, per folder of heaplab.
profiles=("$work"/*.profraw)
if [[ -n "${LLVM_COV:-}" && -n "${LLVM_PROFDATA:-}" && -e "${profiles[0]}" ]]; then
  "$LLVM_PROFDATA" merge -sparse "${profiles[@]}" -o "$work/fuzz.profdata"
  echo "== fuzz.$name: source coverage of the inputs it ran (llvm-cov; covered/total)"
  # Only heaplab's libraries record a profile, so file names are relative to the repository.
  "$LLVM_COV" report "$bin" -instr-profile="$work/fuzz.profdata" >"$work/coverage.txt" \
    2>"$work/coverage.log"
  per_folder "$work/coverage.txt"
  echo "   per file: $work/coverage.txt"
else
  echo "== fuzz.$name: no source coverage (build with HEAPLAB_FUZZ_COVERAGE=ON and llvm-cov)"
fi
