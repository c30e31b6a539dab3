#!/usr/bin/env bash
# bench/csize.sh - size and build time of generated C libraries, measured in
# one run so that both see the same machine load.
#   bench/csize.sh DIR...    (each DIR a generated `c` target, e.g. out/c)
# For each DIR: lines and bytes of its C sources and headers (*.c *.h), of all
# its files, then the wall and CPU time of `make -j2 libNAME.a` in a fresh
# copy (the generated Makefile, its default CFLAGS), the size of the .a, and
# the load average before. DIRs are built one after the other, twice each,
# alternately (A B A B): the table has both times.
set -eu
[ $# -ge 1 ] || { echo "usage: bench/csize.sh DIR..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| dir | C lines | C bytes | all lines | all bytes | make -j2 s (wall, runs) | CPU s | .a bytes | load before |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
declare -A wall cpu asize load
for round in 1 2; do
    i=0
    for d in "$@"; do
        i=$((i + 1))
        rm -rf "$tmp/$i" && cp -r "$d" "$tmp/$i"
        name=$(sed -n 's/^NAME *= *//p' "$tmp/$i/Makefile")
        l=$(cut -d' ' -f1 /proc/loadavg)
        /usr/bin/time -o "$tmp/time" -f '%e %U %S' make -s -C "$tmp/$i" -j2 "lib$name.a" >/dev/null 2>&1
        t=$(tail -1 "$tmp/time")
        wall[$i]="${wall[$i]:-}${wall[$i]:+, }$(echo "$t" | cut -d' ' -f1)"
        cpu[$i]="${cpu[$i]:-}${cpu[$i]:+, }$(echo "$t" | awk '{printf "%.1f", $2 + $3}')"
        load[$i]="${load[$i]:-}${load[$i]:+, }$l"
        asize[$i]=$(wc -c <"$tmp/$i/lib$name.a")
    done
done
i=0
for d in "$@"; do
    i=$((i + 1))
    cl=$(cat "$d"/*.c "$d"/*.h | wc -l); cb=$(cat "$d"/*.c "$d"/*.h | wc -c)
    al=$(find "$d" -maxdepth 1 -type f ! -name '.*' -exec cat {} + | wc -l)
    ab=$(find "$d" -maxdepth 1 -type f ! -name '.*' -exec cat {} + | wc -c)
    echo "| $d | $cl | $cb | $al | $ab | ${wall[$i]} | ${cpu[$i]} | ${asize[$i]} | ${load[$i]} |"
done
