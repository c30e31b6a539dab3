#!/usr/bin/env bash
# bench/validators.sh - the generated C validators (out/c, built -O2) vs ajv 8,
# on three payload sets of the worker-backend catalogue (bench/payloads.py:
# minimal, full, catalogue examples), in one run: msgs/s and MB/s for
# validation of pre-parsed values (cJSON trees vs JS objects), for the parser
# alone, and end to end from bytes (cJSON parse + validate vs JSON.parse +
# compiled ajv validator), and the C/ajv ratio; then, with valgrind, the C
# side's instructions per message by part (bench/vprofile.py); then the C
# validators against Blaze (@sourcemeta/jsonschema 16, its native binary) on
# pre-parsed payloads, in CPU time (bench/blaze.py). A benchmark, not a test.
#
#   bench/validators.sh [--md FILE] [--seconds S] [--reps N] [--rounds R]
#     --md FILE     also write the results as a markdown section to FILE
#     --seconds S   length of one repetition of one measure (default 0.5)
#     --reps N      repetitions per measure and round (default 2)
#     --rounds R    C and ajv run alternately R times each (default 3), so that
#                   a busy phase of the machine does not fall on one side only
# Each figure is the median of the N x R repetitions of its measure.
#
# Every payload is first checked valid with `msggen validate --message` and
# with ajv. Needs cc, pkg-config (libcjson, libpcre2-8), python3 with PyYAML,
# node and npm (ajv and @sourcemeta/jsonschema are installed with `npm ci`
# from bench/package-lock.json into bench/node_modules; the latter ships a
# native jsonschema binary for linux x86_64 and arm64). Work files go to bench/work/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
md= secs=0.5 reps=2 rounds=3
while [ $# -gt 0 ]; do
    case $1 in
    --md) md=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/validators.sh [--md FILE] [--seconds S] [--reps N] [--rounds R]" >&2; exit 2 ;;
    esac
done
case $md in ''|/*) ;; *) md=$PWD/$md ;; esac
sets="minimal full catalogue"
work=$here/work
cat=schemas/worker-backend/asyncapi.yaml
mkdir -p "$work/c"
cd "$top"
[ -x ./msggen ] || make -s build
./msggen view -i "$cat" >"$work/view.json"
rm -rf "$work/check"
python3 "$here/payloads.py" "$cat" "$work/view.json" "$work"
bad=0
for m in $(cut -f1 "$work/examples-minimal.txt" | sort -u); do
    ./msggen validate -i "$cat" --message "$m" "$work"/check/*/"$m".*.json || bad=1
done
[ $bad = 0 ] || { echo "validators.sh: a generated payload is invalid (see above)" >&2; exit 1; }

for f in out/c/*.c out/c/*.h out/c/Makefile; do cmp -s "$f" "$work/c/$(basename "$f")" || cp "$f" "$work/c/"; done
make -s -C "$work/c" CFLAGS="-O2 -DNDEBUG" libworker_backend.a
cc -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -I"$work/c" $(pkg-config --cflags libcjson) -o "$work/bench_c" \
   "$here/bench_c.c" "$work/c/libworker_backend.a" $(pkg-config --libs libcjson libpcre2-8) -lpthread -lm
[ -d "$here/node_modules/ajv" ] && [ -d "$here/node_modules/@sourcemeta/jsonschema" ] ||
    (cd "$here" && npm ci --no-audit --no-fund --silent)

: >"$work/c.txt"
: >"$work/ajv.txt"
for _ in $(seq "$rounds"); do
    # shellcheck disable=SC2086
    "$work/bench_c" "$work" "$secs" "$reps" $sets >>"$work/c.txt"
    # shellcheck disable=SC2086
    node "$here/bench_ajv.mjs" "$work" "$secs" "$reps" $sets >>"$work/ajv.txt"
done
{
    echo "cc $(cc --version | head -1)"
    echo "cjson $(pkg-config --modversion libcjson)"
    echo "node $(node --version)"
    echo "ajv $(node -p "require('$here/node_modules/ajv/package.json').version")"
    echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "seconds $secs"
    echo "reps $reps"
    echo "rounds $rounds"
} >"$work/meta.txt"
python3 "$here/vtable.py" "$work" ${md:+--md "$md"}
# Where the C side's instructions go (deterministic; skipped without valgrind).
if command -v valgrind >/dev/null; then
    echo
    # shellcheck disable=SC2086
    python3 "$here/vprofile.py" "$work" ${md:+--md "$work/vprofile.md"} $sets
    if [ -n "$md" ]; then
        echo >>"$md"
        cat "$work/vprofile.md" >>"$md"
    fi
fi
# Blaze (the native binary of @sourcemeta/jsonschema) against the C
# validators on the same schemas and pre-parsed payloads, both in CPU time per
# message (bench/blaze.py says how); C and Blaze alternately, R rounds.
echo
: >"$work/c-cpu.txt"
: >"$work/blaze.txt"
for _ in $(seq "$rounds"); do
    # shellcheck disable=SC2086
    BENCH_CPU=1 BENCH_ONLY=validate-preparsed "$work/bench_c" "$work" "$secs" "$reps" $sets >>"$work/c-cpu.txt"
    # shellcheck disable=SC2086
    python3 "$here/blaze.py" "$work" --reps 1 $sets >>"$work/blaze.txt"
done
python3 "$here/blaze.py" --table "$work" ${md:+--md "$md"}
