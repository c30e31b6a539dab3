#!/usr/bin/env bash
# bench/run.sh - generated C validators and parsers vs ajv, on the worker-backend
# message examples, in one run (a benchmark, not a test; `make bench` runs it).
#   bench/run.sh [SECONDS_PER_MEASURE]     (default 2)
# Builds out/c with -O2 into bench/work/, installs ajv with `npm ci` from the
# committed lockfile into bench/node_modules, and prints msgs/s, MB/s and the
# C/ajv ratio for validation of pre-parsed values and for parse + validate.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
secs=${1:-2}
work=$here/work
mkdir -p "$work/c"
cd "$top"
[ -x ./msggen ] || make -s build
./msggen view -i schemas/worker-backend/asyncapi.yaml >"$work/view.json"
python3 "$here/payloads.py" schemas/worker-backend/asyncapi.yaml "$work/view.json" "$work"
for f in out/c/*.c out/c/*.h out/c/Makefile; do cmp -s "$f" "$work/c/$(basename "$f")" || cp "$f" "$work/c/"; done
make -s -C "$work/c" CFLAGS="-O2 -DNDEBUG" libworker_backend.a
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$work/c" $(pkg-config --cflags libcjson) -o "$work/bench_c" \
   "$here/bench_c.c" "$work/c/libworker_backend.a" $(pkg-config --libs libcjson libpcre2-8) -lpthread -lm
[ -d "$here/node_modules/ajv" ] || (cd "$here" && npm ci --no-audit --no-fund --silent)
echo "# $(wc -l <"$work/examples.txt") examples, $(wc -c <"$work/examples.txt") bytes; ${secs}s per measure; $(cc --version | head -1); node $(node --version)"
"$work/bench_c" "$work/examples.txt" "$secs" | tee "$work/c.txt"
node "$here/bench_ajv.mjs" "$work" "$secs" | tee "$work/ajv.txt"
awk 'FNR==NR { c[$2] = $3; next } ($2 in c) { printf "ratio %s: C/ajv = %.2fx (messages/s)\n", $2, c[$2] / $3 }' "$work/c.txt" "$work/ajv.txt"
