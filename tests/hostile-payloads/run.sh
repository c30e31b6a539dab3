#!/usr/bin/env bash
# Hostile payloads against the generated validators (C, Python, TypeScript):
# catastrophic regexes, values nested thousands deep, NaN and integers a
# record cannot hold, NUL characters in strings and member names, and the
# order of the errors. Every case (cases.py) must give msggen validate's
# verdict (and its errors, in order, where msggen validate reads the value),
# in bounded time, and never crash.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/c-target/lib-c.sh"
here=$TOP/tests/hostile-payloads
cat=$here/catalogue.yaml
python3 "$here/cases.py" make "$TMP/cases"

compare() { # TARGET RESULTS
    grep -v '^print	' "$2" >"$2.v"
    python3 "$here/cases.py" compare "$TMP/cases" "$MSGGEN" "$cat" "$1" "$2.v"
}

# C: the library as built by its Makefile, then the harness through `_parse`.
if mg generate -i "$cat" -t c -o "$TMP/c" >"$TMP/gen.log" 2>&1 && dir=$(c_lib "$TMP/c" hostile-payloads) &&
   ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -o "$dir/check" "$here/check.c" \
       "$dir/libhostile_payloads.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
    timeout 120 $VALGRIND "$dir/check" "$TMP/cases" >"$TMP/c.txt" 2>"$TMP/c.err"
    compare c "$TMP/c.txt"
    want='{"count":9007199254740991,"big":-9007199254740991}'
    if grep -qxF "print	integer_2_53_minus_1	$want" "$TMP/c.txt"; then
        ok hostile_payload_c_record_should_print_2_53_minus_1_exactly
    else
        fail hostile_payload_c_record_should_print_2_53_minus_1_exactly "want $want"
        grep '^print	integer_2_53' "$TMP/c.txt" | detail
    fi
    # Named hostile inputs for the one-pass reader (_parse): strict JSON,
    # depth, numbers, UTF-8 (strict.c prints its own test lines).
    if ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -o "$TMP/strict" "$here/strict.c" \
           "$dir/libhostile_payloads.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
        timeout 60 $VALGRIND "$TMP/strict" 2>"$TMP/strict.err" | grep '^\(ok\|not ok\|skip\) ' || fail hostile_parse_harness_should_print "no test line"
        if grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/strict.err"; then
            fail hostile_parse_harness_should_run_clean "see log"; detail "$TMP/strict.err"
        fi
    else
        fail hostile_parse_harness_should_build "see log"; detail "$TMP/cc.log"
    fi
else
    fail hostile_payload_c_should_build "see log"; cat "$TMP/gen.log" "$TMP/c_lib.log" "$TMP/cc.log" 2>/dev/null | detail
fi

# Python.
if mg generate -i "$cat" -t python -o "$TMP/py" >"$TMP/gen.log" 2>&1; then
    timeout 120 python3 "$here/check.py" "$TMP/py" "$TMP/cases" >"$TMP/py.txt" 2>"$TMP/py.err"
    compare python "$TMP/py.txt"
else
    fail hostile_payload_python_should_generate "see log"; detail "$TMP/gen.log"
fi

# TypeScript: tsc pinned by tests/tsclient/package-lock.json (ts_tsc, lib.sh);
# a compile of the same sources is restored from an earlier run (ts_compile).
tsc=$(ts_tsc)
if [ -z "$tsc" ]; then
    skip hostile_payload_typescript "node, npm or the registry missing (no tsc)"
elif mg generate -i "$cat" -t typescript -o "$TMP/ts" >"$TMP/gen.log" 2>&1 &&
     ts_compile "$TMP/ts" >"$TMP/tsc.log" 2>&1; then
    timeout 120 node "$here/check.mjs" "$TMP/ts/dist" "$TMP/cases" >"$TMP/ts.txt" 2>"$TMP/ts.err"
    compare typescript "$TMP/ts.txt"
else
    fail hostile_payload_typescript_should_compile "see log"; cat "$TMP/gen.log" "$TMP/tsc.log" | detail
fi

# Patterns: the draft-07 suite's and random ones, with their strings, in the
# C, Python and TypeScript validators against msggen validate (regex_diff.py).
if python3 "$here/regex_diff.py" make "$TMP/rd" "$SHARED/conformance/json-schema-draft7" &&
   mg generate -i "$TMP/rd/catalogue.yaml" -t python -o "$TMP/rd/py" >/dev/null 2>"$TMP/rd.err" ||
   { python3 "$here/regex_diff.py" prune "$TMP/rd" "$TMP/rd.err" &&
     mg generate -i "$TMP/rd/catalogue.yaml" -t python -o "$TMP/rd/py" >/dev/null 2>"$TMP/rd.err"; }; then
    timeout 300 python3 "$here/check.py" "$TMP/rd/py" "$TMP/rd" >"$TMP/rd/py.txt" 2>&1
    python3 "$here/regex_diff.py" compare "$TMP/rd" "$MSGGEN" python "$TMP/rd/py.txt"
    if mg generate -i "$TMP/rd/catalogue.yaml" -t c -o "$TMP/rd/c" >/dev/null 2>&1 && dir=$(c_lib "$TMP/rd/c" regex-diff) &&
       ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -DPFX=regex_diff_ \
           -DCATALOGUE_HEADER='"regex_diff.h"' -o "$dir/check" "$here/check_generic.c" "$dir/libregex_diff.a" \
           $(c_libs) >"$TMP/cc.log" 2>&1; then
        timeout 300 $VALGRIND "$dir/check" "$TMP/rd" >"$TMP/rd/c.txt" 2>"$TMP/rd/c.err"
        python3 "$here/regex_diff.py" compare "$TMP/rd" "$MSGGEN" c "$TMP/rd/c.txt"
    else
        fail hostile_payload_pattern_catalogue_c_should_build "see log"; cat "$TMP/c_lib.log" "$TMP/cc.log" 2>/dev/null | detail
    fi
    if [ -n "$tsc" ] && mg generate -i "$TMP/rd/catalogue.yaml" -t typescript -o "$TMP/rd/ts" >/dev/null 2>&1 &&
       ts_compile "$TMP/rd/ts" >"$TMP/tsc.log" 2>&1; then
        timeout 300 node "$here/check.mjs" "$TMP/rd/ts/dist" "$TMP/rd" >"$TMP/rd/ts.txt" 2>&1
        python3 "$here/regex_diff.py" compare "$TMP/rd" "$MSGGEN" typescript "$TMP/rd/ts.txt"
    else
        skip hostile_payload_patterns_should_match_like_msggen_validate_typescript "no tsc, or it failed"
        detail "$TMP/tsc.log" 2>/dev/null
    fi
else
    fail hostile_payload_pattern_catalogue_should_generate "see log"; detail "$TMP/rd.err"
fi
