#!/usr/bin/env bash
# The write race of issue 11: while `msggen generate` runs, out/sub is
# swapped again and again (atomically) with a symbolic link to a folder
# outside the output folder. msggen must never create or change a file
# there: it may only write through out/sub when out/sub is a real folder, or
# refuse the run. tool_race (tool_race.c) does the runs and the swapping.
#
# RACE_RUNS sets the number of runs: 1000 by default (about 35 s on a busy
# 2-core machine, most of it waiting for fsync), 300 under the sanitizers
# (make asan: 1000 took 114 s there), 10 under valgrind (27 s). RACE_FILES
# is the number of files per run (default 8: fewer fsyncs, and the old
# code breached more often with 8 than with 20: 82 vs 77 of 200 runs).
. "$(dirname "$0")/../lib.sh"
: "${UNIT_DIR:=$TOP/build/tests}"
tool=$UNIT_DIR/emit-race/tool_race
if [ ! -x "$tool" ]; then
    fail race_tool_is_built "$tool is missing (make unit builds it)"; exit 0
fi
runs=${RACE_RUNS:-1000}
[ "${MG_SANITIZED:-}" = 1 ] && runs=${RACE_RUNS:-300}
[ -n "$VALGRIND" ] && runs=${RACE_RUNS:-10}
files=${RACE_FILES:-8}

# The runs are split between RACE_JOBS (default 2) tool_race processes, each
# in a work folder of its own with its own swapper: a run mostly waits for
# fsync, so two at once take about half the wall time, for the same number
# of runs in all. Each must pass on its own (no breach, no other outcome,
# at least one run written).
jobs=${RACE_JOBS:-2}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -le "$runs" ] || jobs=$runs
start=$(date +%s)
pids=()
for ((j = 1; j <= jobs; j++)); do
    w=$TMP/w$j
    mkdir -p "$w/t" "$w/outside"
    printf 'name: race\nfiles:\n  - template: m.mustache\n    path: "sub/{{name}}.txt"\n    per: message\n' >"$w/t/target.yaml"
    printf 'run {{n}}\n' >"$w/t/m.mustache"
    n=$((runs / jobs + (j <= runs % jobs ? 1 : 0)))
    # shellcheck disable=SC2086 # $VALGRIND is a command line
    "$tool" "$n" "$w" "$files" -- $VALGRIND "$MSGGEN" >"$w.summary" 2>"$w.err" &
    pids+=($!)
done
rc=0
for ((j = 1; j <= jobs; j++)); do wait "${pids[j - 1]}" || rc=1; done
secs=$(( $(date +%s) - start ))
summary=$(for ((j = 1; j <= jobs; j++)); do cat "$TMP/w$j.summary"; done | paste -sd';' -)
if [ "$rc" -eq 0 ]; then
    ok generate_should_never_write_through_a_swapped_symlink
    echo "# $summary in ${secs}s"
else
    fail generate_should_never_write_through_a_swapped_symlink "$summary"
    for ((j = 1; j <= jobs; j++)); do detail "$TMP/w$j.err"; done
fi
