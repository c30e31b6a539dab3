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
n=0
for d in "$TMP"/cases/*/; do
    n=$((n + 1))
    IFS= read -r name <"$d/name"; name=${name/#mustache-spec\//mustache-spec-cli/}  # (no sed start per case)
    wrap=
    if [ -n "$VALGRIND" ] && [ $((n % 8)) -eq 0 ]; then wrap=$VALGRIND; fi
    $wrap "$MSGGEN" render "$d/template.mustache" "$d/data.json" --partials "$d/partials" \
        --missing-partials empty -o "$d/got" 2>"$d/err"; rc=$?
    if [ "$rc" -ne 0 ]; then fail "$name" "msggen render exited $rc"; detail "$d/err"; continue; fi
    if ! cmp -s "$d/got" "$d/expected"; then
        fail "$name" "output differs"; diff "$d/expected" "$d/got" | detail; continue
    fi
    ok "$name"
done
[ "$n" -gt 0 ] || fail mustache-spec-cli "no test cases were written"
