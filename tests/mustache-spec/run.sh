#!/usr/bin/env bash
# Mustache spec conformance: every test in $SHARED/conformance/mustache-spec/*.json
# (spec v1.4 with ~inheritance and ~dynamic-names; ~lambdas is not shipped), twice:
#   mustache-spec/FILE: NAME      rendered in-process by mustache_spec
#   mustache-spec-cli/FILE: NAME  replayed through `msggen render` from files
# Under valgrind every 8th replay runs under valgrind (the in-process run covers all).
. "$(dirname "$0")/../lib.sh"
: "${UNIT_DIR:=$TOP/build/tests}"
spec="$SHARED/conformance/mustache-spec"
if [ ! -d "$spec" ]; then
    skip mustache-spec "no conformance data at $spec"
    exit 0
fi
tool="$UNIT_DIR/mustache_spec"
if [ ! -x "$tool" ]; then
    fail mustache-spec "no $tool (run make unit)"
    exit 0
fi
mkdir -p "$TMP/cases"
run_prog "$tool" "$spec" "$TMP/cases" 2>"$TMP/tool.err" || { fail mustache-spec "mustache_spec exited $?"; detail "$TMP/tool.err"; }
# Every case is rendered first; then one sha256sum of every output and
# expected file tells which differ (a cmp process per case was a third of
# the family's process starts); a case whose hashes differ gets its diff.
n=0 names=() rcs=() files=()
for d in "$TMP"/cases/*/; do
    n=$((n + 1))
    IFS= read -r name <"$d/name"; names+=("${name/#mustache-spec\//mustache-spec-cli/}")  # (no sed start per case)
    wrap=
    if [ -n "$VALGRIND" ] && [ $((n % 8)) -eq 0 ]; then wrap=$VALGRIND; fi
    $wrap "$MSGGEN" render "$d/template.mustache" "$d/data.json" --partials "$d/partials" \
        --missing-partials empty -o "$d/got" 2>"$d/err"; rcs+=($?)
    files+=("$d/got" "$d/expected")
done
declare -A sum=()
while read -r h f; do sum[$f]=$h; done < <([ $n -eq 0 ] || sha256sum -- "${files[@]}" 2>/dev/null)
for ((i = 0; i < n; i++)); do
    got=${files[2 * i]} want=${files[2 * i + 1]} d=${files[2 * i]%/got}
    if [ "${rcs[i]}" -ne 0 ]; then fail "${names[i]}" "msggen render exited ${rcs[i]}"; detail "$d/err"; continue; fi
    if [ -z "${sum[$got]:-}" ] || [ "${sum[$got]}" != "${sum[$want]:-}" ]; then
        fail "${names[i]}" "output differs"; diff "$want" "$got" | detail; continue
    fi
    ok "${names[i]}"
done
[ "$n" -gt 0 ] || fail mustache-spec-cli "no test cases were written"
