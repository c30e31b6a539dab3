#!/usr/bin/env bash
# bench/serialize.sh - instructions per message of record -> JSON text in the
# generated C (out/c, built -O2), on the worker-backend payload sets of
# bench/payloads.py (minimal, full, catalogue), under callgrind (exact, not
# disturbed by the machine's load): message_serialize_alloc and
# message_serialize (<name>_serialize.c) against message_to_json +
# cJSON_PrintUnformatted + free and what T_print was (to_json + exact-number
# print of the tree). bench/bench_ser.c has the measures. A benchmark, not a test.
#   bench/serialize.sh [REPS]   (default 20 passes over each set)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
reps=${1:-20}
work=$top/build/bench-serialize
cat=schemas/worker-backend/asyncapi.yaml
mkdir -p "$work/c"
cd "$top"
[ -x ./msggen ] || make -s build
./msggen view -i "$cat" >"$work/view.json"
python3 "$here/payloads.py" "$cat" "$work/view.json" "$work" >/dev/null
for f in out/c/*.c out/c/*.h out/c/Makefile; do cmp -s "$f" "$work/c/$(basename "$f")" || cp "$f" "$work/c/"; done
make -s -C "$work/c" CFLAGS="-O2 -DNDEBUG" libworker_backend.a
cc -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -I"$work/c" $(pkg-config --cflags libcjson) -o "$work/bench_ser" \
   "$here/bench_ser.c" "$work/c/libworker_backend.a" $(pkg-config --libs libcjson libpcre2-8) -lpthread -lm
printf '%-10s %6s %10s %10s %10s %10s %8s\n' set bytes serialize "into buf" "tree+print" "T_print was" "ratio"
for set in minimal full catalogue; do
    declare -A ins=()
    for m in alloc buf tree print; do
        out=$work/cg.$set.$m
        valgrind --tool=callgrind --toggle-collect="ser_$m" --callgrind-out-file="$out" \
            "$work/bench_ser" "$work/examples-$set.txt" "$m" "$reps" >"$work/run.txt" 2>/dev/null
        read -r n bytes <"$work/run.txt"
        total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
        # the measure runs reps times plus once in the check
        ins[$m]=$(( total / (n * (reps + 1)) ))
    done
    printf '%-10s %6d %10d %10d %10d %10d %7.2fx\n' "$set" $(( bytes / n )) "${ins[alloc]}" "${ins[buf]}" "${ins[tree]}" "${ins[print]}" \
        "$(echo "${ins[tree]} / ${ins[alloc]}" | bc -l)"
    unset ins
done
