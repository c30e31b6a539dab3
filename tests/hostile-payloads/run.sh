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

# TypeScript: tsc pinned by tests/tsclient/package-lock.json (ts_tsc, lib.sh).
# The hostile catalogue's package and the pattern catalogue's are compiled
# together at the end (ts_compile_all), then each runs its cases.
tsc=$(ts_tsc)
declare -A ts_rc=()
# ts_compile_all DIR...: `tsc --strict -p . --outDir DIR/dist` in each DIR,
# as ts_compile (lib.sh) does it, kept the same way (TEST_CACHE, tsc-KEY:
# the dist/ of a clean compile, restored when the same sources come again),
# but the DIRs not compiled before go to one node process as programs of
# their own (tests/tsclient/tsc_programs.cjs --per-config: each with its own
# tsconfig.json, diagnostics and status; TypeScript's start and the parse of
# its library files once): one tsc start was 0.6 s CPU, the libraries' parse
# 1.7 s. Its key names tsc_programs.cjs (by hash) beside tsc's and node's
# versions. The programs run with --skipLibCheck, as ts_build's do (lib.sh
# says why): it leaves out only errors located in the .d.ts files a package
# reads, here TypeScript's own lib files (ES2022, DOM; no @types are visible),
# which tsclient's and tsproto's checks read with "skipLibCheck": false; the
# packages' sources are checked whole (cold: 13.6 s CPU -> 9.5 s). A DIR whose tsconfig.json does not say "strict": true and
# "outDir": "dist" (what --strict and --outDir would set) goes to ts_compile.
# Sets ts_rc[DIR] (0: compiled) and writes DIR.tsc (tsc's output).
ts_compile_all() {
    local dir key id cache ent todo=() keys=() i rc
    cache=$(_result_dir) || cache=
    id="ts_compile_all 2 (--skipLibCheck) $(ts_version) node $(node --version) $(sha256sum <"$TOP/tests/tsclient/tsc_programs.cjs"): tsc --strict -p . --outDir dist"
    for dir in "$@"; do
        if ! grep -q '"strict": *true' "$dir/tsconfig.json" || ! grep -q '"outDir": *"dist"' "$dir/tsconfig.json"; then
            ts_compile "$dir" >"$dir.tsc" 2>&1; ts_rc[$dir]=$?; continue
        fi
        key=$(result_key "$id" "$dir")
        ent=$cache/tsc-$key
        if [ -n "$cache" ] && [ -f "$ent/.ok" ] && mkdir -p "$dir/dist" && cp -a "$ent/." "$dir/dist/" && rm -f "$dir/dist/.ok"; then
            touch "$ent"; echo "# $dir: compiled before (tsc-$key)" >"$dir.tsc"; ts_rc[$dir]=0; continue
        fi
        todo+=("$dir") keys+=("$key")
    done
    [ ${#todo[@]} -gt 0 ] || return 0
    (cd "${todo[0]}" && timeout 600 node "$TOP/tests/tsclient/tsc_programs.cjs" "$(dirname "$tsc")/../typescript" --skipLibCheck --per-config \
        "${todo[@]/%//tsconfig.json}") >"$TMP/tsc.all" 2>&1
    # The lines before "== CONFIG exit N" are that program's; a program
    # without its line (node stopped first) failed, with all of the output.
    rm -f "$TMP"/tscfg.*
    awk -v out="$TMP/tscfg" '/^== .* exit [0-9]+$/ { n++; print $NF > (out "." n ".rc"); next } { print > (out "." (n + 1) ".log") }' "$TMP/tsc.all"
    for i in "${!todo[@]}"; do
        dir=${todo[$i]}
        rc=$(cat "$TMP/tscfg.$((i + 1)).rc" 2>/dev/null) || rc=
        if [ -n "$rc" ]; then cat "$TMP/tscfg.$((i + 1)).log" >"$dir.tsc" 2>/dev/null || : >"$dir.tsc"
        else cp "$TMP/tsc.all" "$dir.tsc"; rc=1; fi
        ts_rc[$dir]=$rc
        if [ "$rc" = 0 ] && [ -n "$cache" ]; then
            ent=$cache/tsc-${keys[$i]}
            rm -rf "$ent.tmp" && cp -a "$dir/dist" "$ent.tmp" && : >"$ent.tmp/.ok" && rm -rf "$ent" && mv "$ent.tmp" "$ent"
        fi
    done
    [ -z "$cache" ] || find "$cache" -maxdepth 1 -name 'tsc-*' -mtime +3 -exec rm -rf {} + 2>/dev/null
    return 0
}
ts_dirs=()
if [ -n "$tsc" ] && mg generate -i "$cat" -t typescript -o "$TMP/ts" >"$TMP/gen.log" 2>&1; then ts_dirs+=("$TMP/ts"); fi

# Patterns: the draft-07 suite's and random ones, with their strings, in the
# C, Python and TypeScript validators against msggen validate (regex_diff.py).
rd_ok=
if python3 "$here/regex_diff.py" make "$TMP/rd" "$SHARED/conformance/json-schema-draft7" &&
   mg generate -i "$TMP/rd/catalogue.yaml" -t python -o "$TMP/rd/py" >/dev/null 2>"$TMP/rd.err" ||
   { python3 "$here/regex_diff.py" prune "$TMP/rd" "$TMP/rd.err" &&
     mg generate -i "$TMP/rd/catalogue.yaml" -t python -o "$TMP/rd/py" >/dev/null 2>"$TMP/rd.err"; }; then
    rd_ok=1
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
    if [ -n "$tsc" ] && mg generate -i "$TMP/rd/catalogue.yaml" -t typescript -o "$TMP/rd/ts" >/dev/null 2>&1; then ts_dirs+=("$TMP/rd/ts"); fi
else
    fail hostile_payload_pattern_catalogue_should_generate "see log"; detail "$TMP/rd.err"
fi

[ ${#ts_dirs[@]} -eq 0 ] || ts_compile_all "${ts_dirs[@]}"
if [ -z "$tsc" ]; then
    skip hostile_payload_typescript "node, npm or the registry missing (no tsc)"
elif [ "${ts_rc[$TMP/ts]:-}" = 0 ]; then
    timeout 120 node "$here/check.mjs" "$TMP/ts/dist" "$TMP/cases" >"$TMP/ts.txt" 2>"$TMP/ts.err"
    compare typescript "$TMP/ts.txt"
else
    fail hostile_payload_typescript_should_compile "see log"; cat "$TMP/gen.log" "$TMP/ts.tsc" 2>/dev/null | detail
fi
if [ -n "$rd_ok" ]; then
    if [ "${ts_rc[$TMP/rd/ts]:-}" = 0 ]; then
        timeout 300 node "$here/check.mjs" "$TMP/rd/ts/dist" "$TMP/rd" >"$TMP/rd/ts.txt" 2>&1
        python3 "$here/regex_diff.py" compare "$TMP/rd" "$MSGGEN" typescript "$TMP/rd/ts.txt"
    else
        skip hostile_payload_patterns_should_match_like_msggen_validate_typescript "no tsc, or it failed"
        detail "$TMP/rd/ts.tsc" 2>/dev/null
    fi
fi
