#!/usr/bin/env bash
# Schemas as types (tests/golden/const-union): const literals, tagged unions
# (a const member common to the options, and `discriminator` with a mapping),
# patternProperties maps, tuples (prefixItems and draft-07 items lists) and
# multi-type members, in every code target:
#   - C: the generated library builds with -Werror; tagged.c checks the tag
#     dispatch, the error for an unknown or missing tag and round trips;
#   - TypeScript: tsc --strict on narrow.ts (a switch on the tag narrows, and
#     every `@ts-expect-error` meets its error);
#   - Python: mypy --strict passes narrow.py and reports each line of
#     wrong.py marked ERR;
#   - the TypeScript and Python validators report what `msggen validate`
#     reports on mutants of the examples (the C validator's agreement is in
#     the c-target family, which builds every golden case).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/c-target/lib-c.sh"
here="$TOP/tests/typed-schemas"
cat="$TOP/tests/golden/const-union/input/catalogue.yaml"

gen() { mkdir -p "$(dirname "$3")"; mg generate -i "$cat" -t "$1" -o "$3" >/dev/null 2>"$3.err"; }

# ---- C
if gen c x "$TMP/c"; then
    if dir=$(c_lib "$TMP/c" const-union); then
        if ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -o "$TMP/tagged" \
               "$here/tagged.c" "$dir/libtelemetry.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
            # tagged.c prints its own ok/not ok lines; a crash prints none,
            # so its exit status is checked too.
            run_prog "$TMP/tagged" 2>"$TMP/tagged.err"; rc=$?
            if [ "$rc" -ne 0 ] || grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/tagged.err"; then
                fail c_tagged_should_run_clean "exit $rc"; detail "$TMP/tagged.err"
            fi
        else fail c_tagged_harness_should_build "see log"; detail "$TMP/cc.log"; fi
    else fail c_tagged_library_should_build "see log"; detail "$TMP/c_lib.log"; fi
else fail c_tagged_generate "generate failed"; detail "$TMP/c.err"; fi

# ---- TypeScript (tsc from tests/tsclient, installed by that family or here)
tsc="$TOP/tests/tsclient/node_modules/.bin/tsc"
if [ ! -x "$tsc" ] && command -v npm >/dev/null; then
    (cd "$TOP/tests/tsclient" && timeout 120 npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$TMP/npm" 2>&1
fi
if ! gen typescript x "$TMP/ts"; then fail typescript_generate "generate failed"; detail "$TMP/ts.err"
elif [ ! -x "$tsc" ] || ! command -v node >/dev/null; then skip typescript_narrowing "no tsc (npm ci in tests/tsclient) or node"
else
    cp "$here/narrow.ts" "$TMP/ts/src/narrow.ts"
    # --skipLibCheck leaves out only the checking of the program's .d.ts
    # files: here TypeScript's own lib files (ES2022, DOM; no node_modules is
    # visible from $TMP/ts and the generated package has no .d.ts of its
    # own), never the package's sources, narrow.ts or the declarations
    # emitted from them. Checking lib.dom.d.ts again was 1.1 s of tsc's 4.6 s
    # CPU; ts_build (tests/lib.sh) builds every generated package this way.
    if (cd "$TMP/ts" && "$tsc" --strict --skipLibCheck -p . --outDir "$TMP/ts/dist") >"$TMP/tsc" 2>&1
    then ok typescript_tagged_unions_should_narrow_and_literals_should_be_exact
    else fail typescript_tagged_unions_should_narrow_and_literals_should_be_exact "tsc --strict"; detail "$TMP/tsc"; fi
fi

# ---- Python
mypy_py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -m mypy --version >/dev/null 2>&1; then mypy_py=$p; break; fi
done
if ! gen python x "$TMP/py"; then fail python_generate "generate failed"; detail "$TMP/py.err"
elif [ -z "$mypy_py" ]; then skip python_narrowing "no python3 with mypy"
else
    pkg=$(cd "$TMP/py" && ls -d */ | grep -v dist | head -n1); pkg=${pkg%/}
    sed "s/PKG/$pkg/" "$here/narrow.py" >"$TMP/py/narrow.py"
    sed "s/PKG/$pkg/" "$here/wrong.py" >"$TMP/py/wrong.py"
    # One mypy run checks the package, narrow.py and wrong.py (a second run
    # was a second start and analysis of the package): mypy reports each
    # file's errors whatever the others hold, so the package and narrow.py
    # pass when no error line names another file than wrong.py and the
    # summary says the errors are in one file (or there are none).
    (cd "$TMP/py" && "$mypy_py" -m mypy --strict --cache-dir="$MYPY_CACHE" "$pkg" narrow.py wrong.py) >"$TMP/mypy" 2>&1; rc=$?
    grep -v '^wrong\.py:' "$TMP/mypy" | grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: error:' >"$TMP/mypy-other"
    if [ ! -s "$TMP/mypy-other" ] &&
       { { [ $rc -eq 0 ] && grep -q '^Success: no issues found' "$TMP/mypy"; } ||
         { [ $rc -eq 1 ] && grep -qE '^Found [0-9]+ errors? in 1 file ' "$TMP/mypy"; }; }
    then ok python_tagged_unions_should_narrow_and_pass_mypy_strict
    else fail python_tagged_unions_should_narrow_and_pass_mypy_strict "mypy --strict (exit $rc)"; grep -v '^wrong\.py:' "$TMP/mypy" | detail; fi
    grep '^wrong\.py:' "$TMP/mypy" >"$TMP/mypy-wrong"
    want=$(grep -n '# ERR' "$here/wrong.py" | cut -d: -f1 | sort -u | tr '\n' ' ')
    got=$(sed -n 's/^wrong\.py:\([0-9]*\): error:.*/\1/p' "$TMP/mypy-wrong" | sort -u | tr '\n' ' ')
    if [ "$want" = "$got" ]; then ok python_wrong_accesses_should_be_mypy_errors
    else fail python_wrong_accesses_should_be_mypy_errors "error lines '$got', want '$want'"; detail "$TMP/mypy-wrong"; fi
fi

# ---- validators against msggen validate: mutants of the examples, and the
# hand-written cases of agreement.py (whose verdicts msggen validate must give)
mut=$TMP/mut; mkdir -p "$mut"
MUTANTS_PER_MESSAGE=300 python3 "$TOP/tests/pyclient/mutants.py" "$MSGGEN" "$cat" "$mut" >/dev/null 2>"$mut.err" ||
    { fail validator_cases_const_union "mutants.py failed"; detail "$mut.err"; }
hand=$TMP/hand
python3 "$here/agreement.py" "$MSGGEN" "$cat" "$hand" 2>"$hand.err" || { fail agreement_cases "agreement.py failed"; detail "$hand.err"; }
pymod=$( [ -d "$TMP/py" ] && cd "$TMP/py" && ls -d */ | head -n1 | tr -d /)
for set in mut:const_union hand:const_union_hand; do
    cases=$TMP/${set%%:*}/cases.json; label=${set#*:}
    [ -f "$cases" ] || continue
    [ -n "$pymod" ] && PY_MODULE=$pymod PYTHONPATH="$TMP/py" python3 "$TOP/tests/pyclient/check_validate.py" "$cases" "$label"
    [ -f "$TMP/ts/dist/validate.js" ] && node "$TOP/tests/tsclient/check_validate.mjs" "$cases" "$TMP/ts/dist/validate.js" "$label"
done
# C: the c-target harness (validator errors as sets, and round trips of the valid ones).
if [ -n "${dir:-}" ] && [ -f "$hand/manifest" ]; then
    if ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -DPFX=telemetry_ \
           -DCATALOGUE_HEADER='"telemetry.h"' -o "$TMP/roundtrip" "$TOP/tests/c-target/roundtrip.c" \
           "$dir/libtelemetry.a" $(c_libs) >"$TMP/cc2.log" 2>&1; then
        run_prog "$TMP/roundtrip" "$hand/manifest" >"$TMP/rt.txt" 2>"$TMP/rt.err" ||
            { fail c_agreement_harness_should_run_clean "exit $?"; detail "$TMP/rt.err"; }
        python3 "$TOP/tests/c-target/cases.py" compare "$hand/manifest" "$TMP/rt.txt" "$MSGGEN" "$cat" | sed 's|$|/const-union-hand|'
    else fail c_agreement_harness_should_build "see log"; detail "$TMP/cc2.log"; fi
fi
exit 0
