#!/usr/bin/env bash
# Every option that `--help` lists, for every command (heaplab, run, check, gen and each of its
# scenarios), is accepted in both spellings, with '-' (`--keep-every 3`) and with '_'
# (`--keep_every=3`), with a valid value, as V8 accepts both. The options and the commands
# come from the --help output itself, so a new option or scenario is tested without changing
# this script; a value the script cannot derive from the help text is a failure until it is
# added to value_for. Run by ctest with HEAPLAB set to the binary:
#   HEAPLAB=build/release/cli/heaplab bash tests/cli/every_option.sh
set -uo pipefail

: "${HEAPLAB:?set HEAPLAB to the heaplab binary}"
if [[ ! -x "$HEAPLAB" ]]; then
  echo "every_option: HEAPLAB='$HEAPLAB' is not an executable" >&2
  exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/heaplab-options.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

failures=0
checked=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# A tiny valid trace for run and check.
TINY="$TMP/tiny.hlt"
printf 'heaplab-trace 1\n{\na 1 24 2\na 2 16 0\nw 1 0 2\n}\ng minor\n' >"$TINY"
# Its events, for `heaplab events`.
EVENTS="$TMP/tiny.jsonl"
"$HEAPLAB" run "$TINY" --events-out "$EVENTS" >/dev/null
# A gathered sweep, for `heaplab sweep --merge`.
MERGE="$TMP/merge"
"$HEAPLAB" sweep --scenario churn --param requests=10 --set max-semi-space-size=1 \
  --jobs-out "$TMP/merge-jobs.txt" --jobs-dir "$MERGE" >/dev/null
bash "$TMP/merge-jobs.txt"

# help_of CMD...: the --help text of a command.
help_of() { "$HEAPLAB" "$@" --help 2>&1; }

# options_of HELP: one line per option: "NAMES<TAB>TYPE", NAMES as listed ("-o,--output"), TYPE
# the rest of the first column ("UINT:INT in [1 - 1024]", "" for a flag).
options_of() {
  awk '
    /^[A-Za-z][A-Za-z ]*:$/ { section = $0; next }
    section == "Options:" && /^  -/ {
      line = substr($0, 3)
      # The first column ends at two spaces; or, when it fills its 28 characters, at the one
      # space before the description (which starts in column 31); or at the end of the line.
      # A column that ends in a range ("UINT:INT in [8 - 1073741824]") is the whole line: its
      # description is on the next line, whatever character falls in column 30.
      n = index(line, "  ")
      if (n > 0) col = substr(line, 1, n - 1)
      else if (line ~ / in \[[^]]*\]$/) col = line
      else if (substr($0, 30, 1) == " " && substr($0, 31, 1) != " ") col = substr(line, 1, 27)
      else col = line
      sp = index(col, " ")
      names = (sp > 0) ? substr(col, 1, sp - 1) : col
      type = (sp > 0) ? substr(col, sp + 1) : ""
      sub(/\{[^}]*\}$/, "", names)   # "--summary,--no-summary{false}"
      print names "\t" type
    }' <<<"$1"
}

# subcommands_of HELP: the names under "Subcommands:".
subcommands_of() {
  awk '
    /^[A-Za-z][A-Za-z ]*:$/ { section = $0; next }
    section == "Subcommands:" && /^  [a-z]/ { print $1 }' <<<"$1"
}

# value_for COMMAND NAME TYPE: a valid value for the option (nothing for a flag); status 1 when
# none is known.
value_for() {
  local command="$1" name="$2" type="$3"
  case "$command $name" in
    "run --scenario") echo churn; return 0 ;;
    "run --param") echo requests=10; return 0 ;;
    "gen "*" --output") echo "$TMP/gen.hlt"; return 0 ;;
    *" --events-out" | *" --csv" | *" --chrome-trace") echo "$TMP/export.out"; return 0 ;;
    "sweep --scenario") echo churn; return 0 ;;
    "sweep --param") echo requests=10; return 0 ;;
    "sweep --set") echo max-semi-space-size=1,2; return 0 ;;
    "sweep --json") echo "$TMP/sweep.json"; return 0 ;;
    "sweep --jobs-out") echo "$TMP/jobs.txt"; return 0 ;;
    "sweep --jobs-dir") echo "$TMP/jobs"; return 0 ;;
    "sweep --heaplab") echo heaplab; return 0 ;;
    "sweep --merge") echo "$MERGE"; return 0 ;;
  esac
  if [[ -z $type ]]; then
    return 0  # a flag
  elif [[ $type =~ in\ \[(-?[0-9.]+)\ -\  ]]; then
    echo "${BASH_REMATCH[1]}"  # the lower end of the range
  elif [[ $type =~ :\{([^,}]+) ]]; then
    echo "${BASH_REMATCH[1]}"  # the first member of the set
  elif [[ $type =~ ^INT:(-?[0-9]+)\ or ]]; then
    echo "${BASH_REMATCH[1]}"  # "-1 or INT >= 1"
  elif [[ $type == UINT* ]]; then
    echo 1
  else
    return 1
  fi
}

# base_args COMMAND NAME: the rest of a valid invocation of COMMAND when option NAME is tested
# (without NAME itself), one argument per line; status 1 when COMMAND is unknown here. Reads
# the command's help text from CURRENT_HELP.
base_args() {
  local command="$1" name="$2"
  case "$command" in
    heaplab | gen) ;;  # only --help and --version are valid alone
    check) echo "$TINY" ;;
    events) echo "$EVENTS" ;;
    stats) echo "$TINY" ;;
    sweep)
      case "$name" in
        --merge) ;;
        --scenario) printf '%s\n' --param requests=10 --set max-semi-space-size=1 ;;
        --param) printf '%s\n' --scenario churn --set max-semi-space-size=1 ;;
        --set) printf '%s\n' --scenario churn --param requests=10 ;;
        --jobs-dir) printf '%s\n' --scenario churn --param requests=10 --set max-semi-space-size=1 ;;
        # --jobs-out writes into --jobs-dir (default sweep-jobs): keep it in $TMP.
        *) printf '%s\n' --scenario churn --param requests=10 --set max-semi-space-size=1 \
             --jobs-dir "$TMP/jobs" ;;
      esac
      ;;
    v8log) echo tests/data/node20/short_lived.log ;;
    run)
      case "$name" in
        --scenario) printf '%s\n' --param requests=10 ;;
        --param) printf '%s\n' --scenario churn ;;
        --seed) printf '%s\n' --scenario churn --param requests=10 ;;
        *) echo "$TINY" ;;
      esac
      ;;
    gen\ *)
      # Every parameter at the lower end of its range, so that the trace is tiny.
      local names type other value
      while IFS=$'\t' read -r names type; do
        other="${names##*,}"
        [[ $other == "$name" || $other == --help || $other == --seed ]] && continue
        value="$(value_for "$command" "$other" "$type")"
        printf '%s\n' "$other"
        [[ -n $value ]] && printf '%s\n' "$value"
      done < <(options_of "$CURRENT_HELP")
      ;;
    *) return 1 ;;
  esac
}

# check_option COMMAND NAMES TYPE: the option is accepted as --a-b VALUE and --a_b=VALUE.
check_option() {
  local command="$1" names="$2" type="$3" name value spelled base_text status
  local -a cmd all base argv
  read -r -a cmd <<<"${command#heaplab}"
  IFS=',' read -r -a all <<<"$names"
  for name in "${all[@]}"; do
    [[ $name == --* ]] || continue  # short options have no second spelling
    if ! value="$(value_for "$command" "$name" "$type")"; then
      fail "$command $name: no valid value known for type '$type' (add one to value_for)"
      continue
    fi
    if ! base_text="$(base_args "$command" "$name")"; then
      fail "$command: no valid invocation known (add one to base_args)"
      continue
    fi
    base=()
    [[ -n $base_text ]] && mapfile -t base <<<"$base_text"
    for spelled in "$name" "--$(tr '-' '_' <<<"${name#--}")"; do
      argv=("${cmd[@]}" "${base[@]}")
      if [[ -z $value ]]; then
        argv+=("$spelled")
      elif [[ $spelled == *_* ]]; then
        argv+=("$spelled=$value")
      else
        argv+=("$spelled" "$value")
      fi
      checked=$((checked + 1))
      status=0
      "$HEAPLAB" "${argv[@]}" >"$TMP/out" 2>"$TMP/err" || status=$?
      if [[ $status -ne 0 ]]; then
        fail "heaplab ${argv[*]}: exit $status: $(head -c 300 "$TMP/err")"
      fi
    done
  done
}

# test_command WORDS...: every option of the command, then every subcommand's.
test_command() {
  local help command names type sub
  help="$(help_of "$@")"
  command="heaplab${*:+ $*}"
  command="${command#heaplab }"
  [[ $# -eq 0 ]] && command=heaplab
  local count=0
  CURRENT_HELP="$help"  # for base_args
  while IFS=$'\t' read -r names type; do
    count=$((count + 1))
    check_option "$command" "$names" "$type"
  done < <(options_of "$help")
  if [[ $count -eq 0 ]]; then
    fail "'$command --help' lists no option (the help format changed?)"
  fi
  for sub in $(subcommands_of "$help"); do
    test_command "$@" "$sub"
  done
}

test_command

# The parser above must see what matters: scenarios with parameters spelled with '_' in V8's
# style, and the commands run, check and gen.
for must in run check gen events stats sweep "gen fragmentation"; do
  # shellcheck disable=SC2086
  [[ -n $(options_of "$(help_of $must)") ]] || fail "no options found for '$must'"
done
if [[ $checked -lt 100 ]]; then
  fail "only $checked spellings checked: the help parser missed options"
fi

if [[ $failures -ne 0 ]]; then
  echo "every_option: $failures check(s) failed of $checked" >&2
  exit 1
fi
echo "every_option: all $checked spellings accepted"
