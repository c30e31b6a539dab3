#!/usr/bin/env bash
# JSON-Schema-Test-Suite (draft-07, plus optional/format) through the
# interpreting validator (generator/validate.c), on every copy of the suite
# found (json_schema_suites in tests/lib.sh: the pinned one in ../shared and
# Debian's json-schema-test-suite package). Test names are "FILE > GROUP >
# TEST" for the pinned copy and "debian: FILE > GROUP > TEST" for Debian's.
# Known failures, one reason each, live in known-failures.txt (keyed by name,
# shared by both copies; an entry starting "debian: " is for Debian's copy
# only); see runner.c for the rules.
. "$(dirname "$0")/../lib.sh"
: "${UNIT_DIR:=$TOP/build/tests}"
suites=$(json_schema_suites)
if [ -z "$suites" ]; then
    skip json_schema_suite "no draft-07 suite: apt-get install json-schema-test-suite (or ../shared/conformance/json-schema-draft7)"
    exit 0
fi
runner=$UNIT_DIR/json_schema_suite
if [ ! -x "$runner" ]; then
    fail json_schema_suite "runner not built: $runner (run make unit)"
    exit 0
fi
while read -r label suite; do
    files=$(cd "$suite" && ls *.json optional/format/*.json)
    # shellcheck disable=SC2086
    # Entries starting "debian: " are for Debian's snapshot only.
    if [ "$label" = shared ]; then grep -v '^debian: ' "$(dirname "$0")/known-failures.txt"
    else sed 's/^debian: //' "$(dirname "$0")/known-failures.txt"; fi >"$TMP/known.txt"
    run_prog "$runner" "$suite" "$TMP/known.txt" $files >"$TMP/out" 2>"$TMP/err"; rc=$?
    if [ "$label" = shared ]; then
        cat "$TMP/out"
    else
        # An older snapshot lacks cases added since: a known failure it does not
        # have is a note, not a failure (the pinned copy keeps the list exact).
        sed "/^not ok known-failures.txt: .*names no test case/{s/^not ok known-failures.txt: \(.*\)/# $label: \1 in this snapshot/; b}
             s/^\(ok\|not ok\|skip\) /\1 $label: /; s/^# /# $label: /" "$TMP/out"
    fi
    if [ "$rc" -ne 0 ]; then
        fail "json_schema_suite_runner/$label" "exited $rc"; detail "$TMP/err"
    fi
done <<<"$suites"
