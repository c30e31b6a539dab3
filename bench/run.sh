#!/usr/bin/env bash
# bench/run.sh - msggen's benchmarks, in one run (benchmarks, not tests; `make
# bench` runs this). Prints each table and writes bench/results.md from the
# markdown sections that the parts write into bench/work/:
#   peers        bench/peers.py       generation: msggen vs the AsyncAPI generator
#                                     (markdown-template), Modelina and quicktype
#   scale        bench/scale.py       time and memory against catalogue size
#                                     (synthetic catalogues of 10 to 50 000 messages)
#   validators   bench/validators.sh  generated C validators and parsers vs ajv 8
#   stages       bench/stages.py      instructions per stage of `msggen generate`
#
#   bench/run.sh [SECONDS_PER_REPETITION]     (validators; default 0.5)
#   BENCH_PARTS="peers stages" bench/run.sh   only some parts (results.md keeps
#                                             the sections of the others from bench/work/)
#   SCALE_ARGS="..."                          override bench/scale.py's arguments
# The peers and ajv are installed from the npm registry (pinned lockfiles) on
# first use; valgrind is needed for the stages.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
secs=${1:-0.5}
parts=${BENCH_PARTS:-peers scale validators stages}
# generate at 50 000 messages needs tens of GB with today's view (see
# generation-notes.md): the stages stop where a run stays within a few minutes.
scale_args=${SCALE_ARGS:---sizes 10,100,1000,10000,50000 --stages validate,view:10000,generate:10000 --runs 3 --big-from 10000 --big-runs 1}
work=$here/work
mkdir -p "$work"
cd "$top"
[ -x ./msggen ] || make -s build
has() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# Which msggen a part measured: results.md keeps the sections of parts not run
# this time, so each section says its own commit (marked when generator/ or
# templates/ had uncommitted changes).
rev=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD -- generator templates 2>/dev/null || rev="$rev with uncommitted changes"
stamp() { echo "msggen $rev, $(date -u +%Y-%m-%d)" >"$work/$1.stamp"; }

if has peers; then
    echo "== generation: msggen vs peers"
    python3 "$here/peers.py" --md "$work/peers.md"
    stamp peers
    echo
fi
if has scale; then
    echo "== scaling: synthetic catalogues"
    # shellcheck disable=SC2086 # word splitting of the arguments is wanted
    python3 "$here/scale.py" $scale_args --md "$work/scale.md"
    stamp scale
    echo
fi
if has validators; then
    echo "== generated C validators vs ajv"
    "$here/validators.sh" --seconds "$secs" --md "$work/validators.md"
    stamp validators
    echo
fi
if has stages; then
    echo "== instructions per stage of msggen generate (callgrind)"
    python3 "$here/stages.py" --md "$work/stages.md"
    stamp stages
    echo
fi

# section PART: the part's markdown, its stamp as the line after the heading.
section() {
    if [ -f "$work/$1.md" ]; then
        awk -v at="$(cat "$work/$1.stamp" 2>/dev/null || echo 'an unrecorded msggen')" \
            'NR == 2 { print ""; print "Measured at " at "." } { print }' "$work/$1.md"
        echo
    else
        echo "(not measured: run bench/run.sh with this part)"
        echo
    fi
}
{
    echo "# msggen benchmarks"
    echo
    echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d) at msggen $rev (parts: $parts); each section says the commit it was measured at; $(nproc) CPUs, $(uname -m)."
    echo "Timings are of one run on one machine (a shared one: see each part's load note); instruction counts (stages, C profile) are exact."
    echo
    section peers
    section scale
    section stages
    cat "$here/generation-notes.md"
    echo
    section validators
    cat "$here/validators-notes.md"
} >"$here/results.md"
echo "wrote bench/results.md"
