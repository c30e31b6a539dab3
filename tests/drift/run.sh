#!/usr/bin/env bash
# Drift: does the committed out/ match schemas/ and templates/? This is
# `msggen check` run on the repository (what `make check` runs), so a template
# or catalogue change without regenerating out/ fails `make test`.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
if [ ! -f schemas/worker-backend/asyncapi.yaml ] || [ -z "$(ls templates 2>/dev/null)" ]; then
    skip drift "no catalogue in schemas/ or no shipped templates yet"
    exit 0
fi
if mg check >"$TMP/out" 2>"$TMP/err"; then
    ok drift_out_should_match_schemas_and_templates
else
    fail drift_out_should_match_schemas_and_templates "out/ is not what 'msggen generate' writes (run make, then commit out/)"
    detail "$TMP/err"; detail "$TMP/out"
fi

# check --stat: one line per changed file, the totals, exit 1; and generate
# refuses --stat without --check (a usage error).
cp -r schemas/worker-backend "$TMP/cat"
mg generate -i "$TMP/cat/asyncapi.yaml" -o "$TMP/gen" >/dev/null 2>&1
python3 "$TOP/tests/stable-names/edit.py" add-optional-field="$TMP/cat" >/dev/null ||
    fail check_stat_edit_should_apply "tests/stable-names/edit.py add-optional-field failed"
mg check --stat -i "$TMP/cat/asyncapi.yaml" -o "$TMP/gen" >"$TMP/stat" 2>&1; rc=$?
mg check -i "$TMP/cat/asyncapi.yaml" -o "$TMP/gen" >"$TMP/full" 2>&1
rows=$(grep -cE '^ \S+ +\| [0-9]+ \+*-*$' "$TMP/stat")
different=$(grep -c '^different: ' "$TMP/full")
# Every row's count is what its marks add up to when no bar was scaled, and
# the totals line adds up the rows.
sums=$(awk -F'|' '/^ [^ ]+ +\| [0-9]+ /{split($2, w, " "); n += w[1]}
                  /files? changed/{match($0, /[0-9]+ insertion/); i = substr($0, RSTART, RLENGTH) + 0;
                                   match($0, /[0-9]+ deletion/); d = substr($0, RSTART, RLENGTH) + 0; t += i + d}
                  END {print (n == t && n > 0) ? "ok" : "bad " n " " t}' "$TMP/stat")
if [ "$rc" -eq 1 ] && [ "$rows" -gt 0 ] && [ "$rows" -eq "$different" ] && [ "$sums" = ok ] &&
   ! grep -q '^different: \|^@@' "$TMP/stat"; then
    ok check_stat_should_list_line_counts_per_file
else
    fail check_stat_should_list_line_counts_per_file "rc=$rc rows=$rows different=$different sums=$sums"
    detail "$TMP/stat"
fi
mg generate --stat -i "$TMP/cat/asyncapi.yaml" -o "$TMP/gen" >"$TMP/o" 2>"$TMP/e"; rc=$?
if [ "$rc" -eq 2 ] && grep -q -- "--stat goes with --check" "$TMP/e"; then
    ok generate_stat_without_check_should_be_a_usage_error
else
    fail generate_stat_without_check_should_be_a_usage_error "rc=$rc"; detail "$TMP/e"
fi
