#!/usr/bin/env bash
# The JSON-Schema-Test-Suite (draft-07, plus optional/format) through generated
# C validators: every group's schema becomes a message of a generated catalogue
# (suite.py), the C is compiled once per catalogue, every instance is run, and
# each verdict and error set must match both the suite and `msggen validate
# --schema`. Known failures (with reasons) are in known-failures.txt.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/c-target/lib-c.sh"
here=$(cd "$(dirname "$0")" && pwd)
# The first copy found (json_schema_suites in tests/lib.sh): the pinned one in
# ../shared, else Debian's json-schema-test-suite package.
read -r label suite <<<"$(json_schema_suites | head -n 1)"
if [ -z "${suite:-}" ]; then
    skip c_suite "no draft-07 suite: apt-get install json-schema-test-suite (or ../shared/conformance/json-schema-draft7)"
    exit 0
fi
echo "# suite: $label ($suite)"
work=$TMP/suite
python3 "$here/suite.py" prepare "$suite" "$work" "$MSGGEN" || { fail c_suite "prepare failed"; exit 0; }
: >"$TMP/got.txt"
for k in $(cat "$work/buckets"); do
    if ! mg generate -i "$work/suite$k.json" -t c -o "$work/c$k" >"$TMP/gen.log" 2>&1; then
        fail "c_suite_generate/$k" "msggen generate failed"; detail "$TMP/gen.log"; continue
    fi
    if ! dir=$(c_lib "$work/c$k" "suite$k"); then
        fail "c_suite_build/$k" "the generated C does not build"; detail "$TMP/c_lib.log"; continue
    fi
    if ! ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -DPFX="suite${k}_" \
          -DCATALOGUE_HEADER="\"suite_$k.h\"" -o "$TMP/harness$k" "$TOP/tests/c-target/roundtrip.c" \
          "$dir/libsuite_$k.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
        fail "c_suite_harness/$k" "does not build"; detail "$TMP/cc.log"; continue
    fi
    run_prog "$TMP/harness$k" "$work/manifest$k" >>"$TMP/got.txt" 2>"$TMP/run.err"; rc=$?
    if [ "$rc" -ne 0 ] || grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/run.err"; then
        fail "c_suite_harness_should_run_clean/$k" "exit $rc"; detail "$TMP/run.err"
    fi
done
# Known failures are kept exact against the pinned copy; an older snapshot may
# lack some of the listed cases.
# Entries starting "debian: " are for Debian's snapshot only.
if [ "$label" = shared ]; then grep -v '^debian: ' "$here/known-failures.txt"
else sed 's/^debian: //' "$here/known-failures.txt"; fi >"$TMP/known.txt"
python3 "$here/suite.py" compare "$work" "$TMP/got.txt" "$MSGGEN" "$TMP/known.txt" \
    "$([ "$label" = shared ] && echo exact || echo lenient)"
