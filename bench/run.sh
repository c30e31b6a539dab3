#!/usr/bin/env bash
# bench/run.sh - msggen's benchmarks, in one run (benchmarks, not tests; `make
# bench` runs this). Prints each table and writes bench/results.md from the
# markdown sections that the parts write into bench/work/:
#   bench/validators.sh  generated C validators and parsers vs ajv 8
#   bench/stages.py      instructions per stage of `msggen generate` (callgrind)
#   bench/run.sh [SECONDS_PER_REPETITION]     (default 0.5; 6 repetitions each)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
secs=${1:-0.5}
work=$here/work
mkdir -p "$work"
cd "$top"
[ -x ./msggen ] || make -s build
echo "== generated C validators vs ajv"
"$here/validators.sh" --seconds "$secs" --md "$work/validators.md"
echo
echo "== instructions per stage of msggen generate (callgrind)"
python3 "$here/stages.py" --md "$work/stages.md"
{
    echo "# msggen benchmarks"
    echo
    echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d), msggen $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
    echo
    cat "$work/validators.md"
    echo
    cat "$here/validators-notes.md"
    echo
    cat "$work/stages.md"
} >"$here/results.md"
echo
echo "wrote bench/results.md"
