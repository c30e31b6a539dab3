#!/usr/bin/env bash
# tests/run.sh - runs every test family (tests/*/run.sh) and counts the results.
#
#   tests/run.sh              all families
#   tests/run.sh unit errors  only these families
#
# Families run in parallel on TEST_JOBS CPUs (default: the number of CPUs),
# the longest first (durations of the previous run are kept in
# TEST_LOG_DIR/times). Each family counts for the share of a CPU it used in
# its last run (CPU time over wall time: about 1 for a compiler-bound family,
# 0.2 for one that mostly waits for brokers, servers and timeouts), and the
# next family in that order that fits starts while the running ones' shares
# add up to at most TEST_JOBS + 0.5: the families that wait start early
# beside the busy ones instead of holding a CPU, or of all running together
# at the end (with TEST_JOBS=1, one family at a time). Each family's output is kept whole in
# TEST_LOG_DIR/FAMILY.log (default build/test-logs) and never interleaved:
# one summary line per family as it finishes, then the skipped cases and the
# failures grouped by family, then the closing line
# "N passed, N failed, N skipped". Exits 1 when anything failed.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
families=("$@")
if [ ${#families[@]} -eq 0 ]; then
    for f in "$here"/*/run.sh; do families+=("$(basename "$(dirname "$f")")"); done
fi
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
logs=${TEST_LOG_DIR:-$here/../build/test-logs}
mkdir -p "$logs" || exit 2
logs=$(cd "$logs" && pwd)
times=$logs/times
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# pyenv's python3 is a shell shim that costs a third of a second per start;
# tests/lib.sh puts the real interpreter first on PATH, but once per family.
# Doing it here once, for all of them, saves that start in every family
# (lib.sh then finds a binary, not a script, and leaves PATH alone).
if py=$(command -v python3) && [ "$(head -c 2 "$py" 2>/dev/null)" = "#!" ] &&
   real=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$real" ] && [ "$real" != "$py" ]; then
    mkdir -p "$work/bin" && ln -sf "$real" "$work/bin/python3" && PATH=$work/bin:$PATH && export PATH
fi
unset py real

# Longest first, so the pool does not end with one long family running alone.
# Without a recorded time (a fresh clone) a family's time comes from
# tests/times.default; one in neither (new) counts as long.
# Each line of a times file: FAMILY WALL-SECONDS [CPU-SECONDS].
declare -A share_of=()  # family -> thousandths of a CPU it keeps busy
order=$(for fam in "${families[@]}"; do
    t=$(awk -v f="$fam" '$1 == f { print $2, ($3 == "" ? $2 : $3) }' "$times" 2>/dev/null)
    [ -n "$t" ] || t=$(awk -v f="$fam" '$1 == f { print $2, ($3 == "" ? $2 : $3) }' "$here/times.default" 2>/dev/null)
    echo "${t:-1000 1000} $fam"
done | sort -s -k1,1nr)
# A family's share of a CPU comes from tests/times.default (measured on an
# idle machine) when it is listed there, else from its last run: a run on a
# loaded machine, or one that ran many families at once, records low shares
# (each got less of a CPU), which would let the next run start even more at
# once. A family of a few seconds counts as busy (too short to tell).
while read -r t c fam; do
    [ -n "$fam" ] || continue
    d=$(awk -v f="$fam" '$1 == f && $3 != "" { print $2, $3 }' "$here/times.default" 2>/dev/null)
    [ -n "$d" ] && read -r t c <<<"$d"
    if [ "$jobs" -gt 1 ] && [ "$t" -ge 5 ] && [ $((c * 1000 / t)) -lt 1000 ]; then share_of[$fam]=$((c * 1000 / t)); else share_of[$fam]=1000; fi
done <<<"$order"
# Thousandths of a CPU the running families may add up to.
budget=$((jobs * 1000)); [ "$jobs" -gt 1 ] && budget=$((budget + 500))
order=$(echo "$order" | cut -d' ' -f3)

pass=0 failn=0 skipn=0 cpu_total=0 t0=$(date +%s)
# Prints the summary line of a finished family and adds up its counts; the
# details go to $work/FAMILY.{fail,skip} for the report at the end.
finish() { # FAMILY
    local fam=$1 out=$logs/$1.log rc p f s
    rc=$(cat "$work/$fam.rc" 2>/dev/null || echo 255)
    p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out"); s=$(grep -c '^skip ' "$out")
    : >"$work/$fam.fail"
    if [ "$rc" -ne 0 ]; then
        f=$((f + 1))
        printf 'not ok %s: the family script exited %d\n%s\n' "$fam" "$rc" "$(tail -n 20 "$out" | sed 's/^/# /')" >>"$work/$fam.fail"
    fi
    grep -A40 '^not ok ' "$out" | awk '/^not ok /{p=1; print; next} /^# /{if(p) print; next} {p=0}' >>"$work/$fam.fail"
    grep '^skip ' "$out" | sed "s/^/[$fam] /" >"$work/$fam.skip"
    printf '%-14s %4d passed, %3d failed, %3d skipped  (%ds, %ds cpu)\n' "$fam" "$p" "$f" "$s" "$(cat "$work/$fam.secs")" "$(cat "$work/$fam.cpu" 2>/dev/null || echo 0)"
    cpu_total=$((cpu_total + $(cat "$work/$fam.cpu" 2>/dev/null || echo 0)))
    pass=$((pass + p)); failn=$((failn + f)); skipn=$((skipn + s))
}

declare -A pid_of=()   # family -> pid of its running job
running=0
load=0   # the running families' shares added up
# Waits for a job to end and reports every family that has ended.
reap() {
    local f
    wait -n 2>/dev/null
    if [ $? -eq 127 ]; then   # no job left: one was killed before writing its status
        for f in "${!pid_of[@]}"; do [ -f "$work/$f.rc" ] || { echo 255 >"$work/$f.rc"; echo 0 >"$work/$f.secs"; }; done
    fi
    for f in "${!pid_of[@]}"; do
        if [ -f "$work/$f.rc" ]; then finish "$f"; unset "pid_of[$f]"; running=$((running - 1)); load=$((load - ${share_of[$f]:-1000})); fi
    done
}
# Starts, in order, the first family whose share fits in what the running
# ones leave of the budget; waits for one to end when none fits.
todo=($order)
while [ ${#todo[@]} -gt 0 ]; do
    pick=-1
    for i in "${!todo[@]}"; do
        if [ "$running" -eq 0 ] || [ $((load + ${share_of[${todo[$i]}]:-1000})) -le "$budget" ]; then pick=$i; break; fi
    done
    if [ "$pick" -lt 0 ]; then reap; continue; fi
    fam=${todo[$pick]}; unset "todo[$pick]"; todo=("${todo[@]}")
    script="$here/$fam/run.sh"
    if [ ! -x "$script" ]; then
        printf 'not ok %s: no executable %s\n' "$fam" "$script" >"$work/$fam.fail"
        failn=$((failn + 1)); continue
    fi
    (
        start=$(date +%s)
        bash "$script" >"$logs/$fam.log" 2>&1 </dev/null; rc=$?
        echo $(( $(date +%s) - start )) >"$work/$fam.secs"
        # CPU seconds (user + system) of the family's processes: on a busy
        # machine the wall time says little, this says what it costs.
        times >"$work/$fam.times"   # (not in a pipe: that would be a subshell's own times)
        awk 'NR == 2 { n = split($0, t, /[ms]+ */); c = t[1] * 60 + t[2] + t[3] * 60 + t[4]; printf "%d\n", c + 0.5 }' "$work/$fam.times" >"$work/$fam.cpu"
        echo "$rc" >"$work/$fam.rc"
    ) &
    pid_of[$fam]=$!
    running=$((running + 1)); load=$((load + ${share_of[$fam]:-1000}))
done
while [ "$running" -gt 0 ]; do reap; done

# Remember this run's durations for the next run's order (families not run
# this time keep their old entry).
{
    for fam in "${families[@]}"; do [ -f "$work/$fam.secs" ] && echo "$fam $(cat "$work/$fam.secs") $(cat "$work/$fam.cpu" 2>/dev/null || echo 0)"; done
    awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen)' <(for fam in "${families[@]}"; do echo "$fam"; done) "$times" 2>/dev/null
} | sort >"$work/times" && mv "$work/times" "$times"

skips=$(for fam in "${families[@]}"; do cat "$work/$fam.skip" 2>/dev/null; done)
if [ -n "$skips" ]; then echo; echo "skipped:"; echo "$skips"; fi
fails=$(for fam in "${families[@]}"; do cat "$work/$fam.fail" 2>/dev/null; done)
if [ -n "$fails" ]; then echo; echo "failures:"; echo "$fails"; fi
echo
echo "# $(( $(date +%s) - t0 )) s wall, $cpu_total s cpu in the families, on $jobs CPUs (families that mostly wait beside the others)"
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
