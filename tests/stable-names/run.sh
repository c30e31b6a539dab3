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
bounds=$(cat <<'BOUNDS'
add-optional-field 40 120
change-constraint 10 30
add-message 200 800
rename-type 60 200
BOUNDS
)

# Every edit applied to its own copy by one edit.py run (a Python start is
# dearer than an edit), which prints "applied EDIT" for each that applied.
edits=()
while read -r edit _; do
    cp -r "$cat_dir" "$TMP/cat-$edit" && edits+=("$edit=$TMP/cat-$edit")
done <<<"$bounds"
python3 "$TOP/tests/stable-names/edit.py" "${edits[@]}" >"$TMP/edit.out" 2>"$TMP/edit.err"

# One diff -rNU0 over the two output trees per edit (a missing file counts
# as empty, as /dev/null did), not one diff per generated file; awk counts
# each file's changed lines: with no context lines every line of a hunk
# starts with '+', '-' or '@', so only the two header lines after each
# "diff " line are not changes.
count_changes() {
    (cd "$TMP" && diff -rNU0 -x .msggen-manifest "$1" "$2") |
        awk -v new="$2/" '
            /^diff / { hdr = 2; next }
            hdr > 0 { if (hdr == 1) { f = substr($0, 5); sub(/\t.*/, "", f); sub("^" new, "", f) } hdr--; next }
            /^[-+]/ { n[f]++ }
            END { for (f in n) print n[f], f }' | sort -rn
}

while read -r edit per_file total; do
    [ -n "$edit" ] || continue
    name=stable-names-$edit
    if ! grep -qxF "applied $edit" "$TMP/edit.out"; then
        fail "$name" "the edit did not apply"; grep -F "$edit: " "$TMP/edit.err" | detail; continue
    fi
    if ! mg generate -i "$TMP/cat-$edit/asyncapi.yaml" -o "$TMP/out-$edit" >"$TMP/gen.log" 2>&1; then
        fail "$name" "generate failed"; detail "$TMP/gen.log"; continue
    fi
    count_changes out-base "out-$edit" >"$TMP/counts"
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
done <<<"$bounds"
