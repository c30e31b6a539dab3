#!/usr/bin/env bash
# JSON-Schema-Test-Suite (draft-07, plus optional/format) through the
# interpreting validator (generator/validate.c). Known failures, one reason
# each, live in known-failures.txt; see runner.c for the rules.
. "$(dirname "$0")/../lib.sh"
: "${UNIT_DIR:=$TOP/build/tests}"
suite=$SHARED/conformance/json-schema-draft7
if [ ! -d "$suite" ]; then
    skip json_schema_suite "no conformance data at $suite"
    exit 0
fi
runner=$UNIT_DIR/json_schema_suite
if [ ! -x "$runner" ]; then
    fail json_schema_suite "runner not built: $runner (run make unit)"
    exit 0
fi
cd "$suite" || exit 1
files=$(ls *.json optional/format/*.json)
cd - >/dev/null || exit 1
# shellcheck disable=SC2086
run_prog "$runner" "$suite" "$(dirname "$0")/known-failures.txt" $files 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ]; then
    fail json_schema_suite_runner "exited $rc"; detail "$TMP/err"
fi
