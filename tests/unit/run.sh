#!/usr/bin/env bash
# Unit tests: every compiled tests/unit/test_*.c (see the Makefile's `unit` target).
. "$(dirname "$0")/../lib.sh"
: "${UNIT_DIR:=$TOP/build/tests}"
shopt -s nullglob
for t in "$UNIT_DIR"/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    run_prog "$t" >"$TMP/out" 2>"$TMP/err"; rc=$?
    sed "s/^ok /ok $name: /; s/^not ok /not ok $name: /" "$TMP/out"
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exited $rc"; detail "$TMP/err"
    fi
done
