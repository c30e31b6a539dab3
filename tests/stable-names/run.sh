#!/usr/bin/env bash
# Stable generated names: a small schema change is a small diff of the output.
#
# Each edit (edit.py) is applied to a copy of the flagship catalogue; all four
# shipped targets are generated before and after, and every generated file's
# changed lines (added + removed, `diff -U0`) must stay within the edit's
# bound, as must the total. Validator functions used to be numbered in
# compile order, so one new optional field renumbered half of validate.c/.py/.ts
# (+2 624/-2 568 lines in 16 files).
. "$(dirname "$0")/../lib.sh"
cat_dir=$TOP/schemas/worker-backend
[ -f "$cat_dir/asyncapi.yaml" ] || { skip stable-names "no flagship catalogue"; exit 0; }

cp -r "$cat_dir" "$TMP/base"
if ! mg generate -i "$TMP/base/asyncapi.yaml" -o "$TMP/out-base" >"$TMP/gen.log" 2>&1; then
    fail stable-names-base "generate failed"; detail "$TMP/gen.log"; exit 0
fi

# edit  per-file bound  total bound  (lines added + removed). Measured when
# the bounds were set: 29/61, 4/18, 144/573, 42/106; before stable names the
# first three were 401/1049, 400/1006, 492/1561.
while read -r edit per_file total; do
    [ -n "$edit" ] || continue
    name=stable-names-$edit
    rm -rf "$TMP/cat" "$TMP/out"
    cp -r "$cat_dir" "$TMP/cat"
    if ! python3 "$TOP/tests/stable-names/edit.py" "$TMP/cat" "$edit" 2>"$TMP/edit.err"; then
        fail "$name" "the edit did not apply"; detail "$TMP/edit.err"; continue
    fi
    if ! mg generate -i "$TMP/cat/asyncapi.yaml" -o "$TMP/out" >"$TMP/gen.log" 2>&1; then
        fail "$name" "generate failed"; detail "$TMP/gen.log"; continue
    fi
    (cd "$TMP/out-base" && find . -type f ! -name .msggen-manifest; cd "$TMP/out" && find . -type f ! -name .msggen-manifest) |
        sort -u >"$TMP/files"
    : >"$TMP/counts"
    while read -r f; do
        a=$TMP/out-base/$f b=$TMP/out/$f
        [ -f "$a" ] || a=/dev/null
        [ -f "$b" ] || b=/dev/null
        n=$(diff -U0 "$a" "$b" | grep -c '^[-+]' || true)
        # the ---/+++ header lines are not changes
        [ "$n" -gt 0 ] && n=$((n - 2))
        [ "$n" -gt 0 ] && echo "$n ${f#./}" >>"$TMP/counts"
    done <"$TMP/files"
    sort -rn "$TMP/counts" -o "$TMP/counts"
    sum=$(awk '{s += $1} END {print s + 0}' "$TMP/counts")
    worst=$(head -n 1 "$TMP/counts")
    if [ ! -s "$TMP/counts" ]; then
        fail "$name" "the edit changed no generated file (the test tests nothing)"
    elif [ "${worst%% *}" -gt "$per_file" ] || [ "$sum" -gt "$total" ]; then
        fail "$name" "$sum changed lines in $(wc -l <"$TMP/counts") files (bound $total), most in ${worst#* } (${worst%% *}, bound $per_file)"
        detail "$TMP/counts"
    else
        ok "$name: $sum lines in $(wc -l <"$TMP/counts") files, at most ${worst%% *} in ${worst#* }"
    fi
done <<'BOUNDS'
add-optional-field 40 120
change-constraint 10 30
add-message 200 800
rename-type 60 200
BOUNDS
