#!/usr/bin/env bash
# tests/run.sh - runs every test family (tests/*/run.sh) and counts the results.
#
#   tests/run.sh              all families
#   tests/run.sh unit errors  only these families
#
# Prints failures with their details, then the closing line
# "N passed, N failed, N skipped". Exits 1 when anything failed.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
families=("$@")
if [ ${#families[@]} -eq 0 ]; then
    for f in "$here"/*/run.sh; do families+=("$(basename "$(dirname "$f")")"); done
fi

pass=0 failn=0 skipn=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
for fam in "${families[@]}"; do
    script="$here/$fam/run.sh"
    if [ ! -x "$script" ]; then
        echo "not ok $fam: no executable $script" >>"$log"
        failn=$((failn + 1)); continue
    fi
    start=$(date +%s)
    out=$(bash "$script" 2>&1); rc=$?
    p=$(grep -c '^ok ' <<<"$out"); f=$(grep -c '^not ok ' <<<"$out"); s=$(grep -c '^skip ' <<<"$out")
    if [ "$rc" -ne 0 ]; then
        f=$((f + 1))
        printf 'not ok %s: the family script exited %d\n%s\n' "$fam" "$rc" "$(tail -n 20 <<<"$out" | sed 's/^/# /')" >>"$log"
    fi
    grep -A40 '^not ok ' <<<"$out" | awk '/^not ok /{p=1; print; next} /^# /{if(p) print; next} {p=0}' >>"$log"
    grep '^skip ' <<<"$out" | sed "s/^/[$fam] /" >>"$log.skip"
    printf '%-14s %4d passed, %3d failed, %3d skipped  (%ds)\n' "$fam" "$p" "$f" "$s" "$(( $(date +%s) - start ))"
    pass=$((pass + p)); failn=$((failn + f)); skipn=$((skipn + s))
done
if [ -s "$log.skip" ]; then echo; echo "skipped:"; cat "$log.skip"; fi
rm -f "$log.skip"
if [ -s "$log" ]; then echo; echo "failures:"; cat "$log"; fi
echo
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ]
