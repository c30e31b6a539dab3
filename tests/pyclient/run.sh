#!/usr/bin/env bash
# The python target end to end: generate the client from the worker-backend
# catalogue, byte-compile it, type-check it with mypy --strict, run it against
# the loopback job server (tests/server), and check its validator against
# msggen's own (`msggen validate --message`) on mutated example payloads.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/server/lib-server.sh"
here="$TOP/tests/pyclient"
command -v python3 >/dev/null || { skip pyclient "python3 not installed"; exit 0; }
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { skip pyclient "python3 is older than 3.11 (typing.NotRequired)"; exit 0; }
cat="$TOP/schemas/worker-backend/asyncapi.yaml"
[ -f "$cat" ] || { skip pyclient "no worker-backend catalogue in schemas/"; exit 0; }
export PYTHONDONTWRITEBYTECODE=1

gen() { # catalogue out-dir
    mg generate -i "$1" -t python -o "$2" >/dev/null 2>"$2.err"
}
if gen "$cat" "$TMP/wb"; then ok python_target_should_generate_the_worker_backend_client
else fail python_target_should_generate_the_worker_backend_client "generate failed"; detail "$TMP/wb.err"; exit 0; fi
gen "$TOP/tests/catalogues/features.yaml" "$TMP/features" || { fail python_target_should_generate_features "generate failed"; detail "$TMP/features.err"; }
gen "$TOP/tests/golden/client-names/input/catalogue.yaml" "$TMP/client_names" || { fail python_target_should_generate_client_names "generate failed"; detail "$TMP/client_names.err"; }
gen "$TOP/tests/golden/reserved-words/input/catalogue.yaml" "$TMP/keywords" || { fail python_target_should_generate_keywords "generate failed"; detail "$TMP/keywords.err"; }

# The import package: x-clients python.module, else <catalogue>_client.
# (Globbed by bash: ls, head, dirname and basename were four process starts a call.)
pkg_of() { local f=("$1"/*/__init__.py) p; p=${f[0]%/__init__.py}; echo "${p##*/}"; }
# (One python3 for the four packages, each file through py_compile as
# `python3 -m py_compile FILE...` does; a package fails with its errors.)
pyc=()
for d in wb features client_names keywords; do
    [ -d "$TMP/$d" ] && pyc+=("$d" "$TMP/$d/$(pkg_of "$TMP/$d")")
done
[ ${#pyc[@]} -eq 0 ] || python3 - "$TMP" "${pyc[@]}" <<'PY'
import glob, py_compile, sys
tmp, args = sys.argv[1], sys.argv[2:]
for label, pkg in zip(args[0::2], args[1::2]):
    errors = []
    for f in sorted(glob.glob(pkg + "/*.py")):
        try:
            py_compile.compile(f, doraise=True)
        except py_compile.PyCompileError as e:
            errors.append(e.msg)
        except Exception as e:  # noqa: BLE001 - unreadable: a failure too
            errors.append("%s: %r" % (f, e))
    if errors:
        print("not ok python_client_should_byte_compile_%s: py_compile failed" % label)
        print("\n".join("# " + l for l in "\n".join(errors).splitlines()[:40]))
    else:
        print("ok python_client_should_byte_compile_%s" % label)
PY

# mypy: the first interpreter that has it (python3 on PATH may be a pyenv one without it).
mypy_py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -m mypy --version >/dev/null 2>&1; then mypy_py=$p; break; fi
done
# One mypy process for the four packages (their import names differ), not
# one each: every run first loads the standard library's stubs, about 2 s of
# CPU. Each package passes when mypy checked every file (no error stopped it)
# and reported nothing in the package's folder.
# A package whose bytes passed this mypy before is not checked again
# (result_key, lib.sh); the others are checked together.
pkgs=() dirs=() keys=()
[ -n "$mypy_py" ] && py_id="$("$mypy_py" --version) $("$mypy_py" -m mypy --version): mypy --strict --no-incremental"
for d in wb features client_names keywords; do
    [ -d "$TMP/$d" ] || continue
    if [ -z "$mypy_py" ]; then skip "python_client_should_pass_mypy_strict_$d" "no python3 with mypy (apt-get install python3-mypy)"; continue; fi
    key=$(result_key "$py_id" "$TMP/$d/$(pkg_of "$TMP/$d")")
    if result_passed_before "$key"; then ok "python_client_should_pass_mypy_strict_$d"; continue; fi
    dirs+=("$d"); pkgs+=("$d/$(pkg_of "$TMP/$d")"); keys+=("$key")
done
if [ ${#pkgs[@]} -gt 0 ]; then
    (cd "$TMP" && "$mypy_py" -m mypy --strict --no-incremental --cache-dir=/dev/null "${pkgs[@]}") >"$TMP/mypy" 2>&1; rc=$?
    for i in "${!dirs[@]}"; do
        d=${dirs[$i]}
        if [ "$rc" -le 1 ] && ! grep -q "prevented further checking" "$TMP/mypy" && ! grep -q "^$d/" "$TMP/mypy" &&
           { [ "$rc" -eq 0 ] || grep -q "^[^ ]*: error: " "$TMP/mypy"; }
        then ok "python_client_should_pass_mypy_strict_$d"; result_passed "${keys[$i]}"
        else fail "python_client_should_pass_mypy_strict_$d" "mypy --strict reports errors (exit $rc)"; grep -v "^[a-z_]*/" "$TMP/mypy" | detail; grep "^$d/" "$TMP/mypy" | detail; fi
    done
fi
echo "# mypy: ${#pkgs[@]} packages checked, the others passed before with the same bytes"

# The flagship's per-operation layer (worker_client.operations) over the
# in-memory transport, and the job client's names unchanged.
PYTHONPATH="$TMP/wb" timeout 60 python3 "$here/flagship_ops.py" 2>"$TMP/fops.err" ||
    { fail python_flagship_operations_should_run "flagship_ops.py failed"; detail "$TMP/fops.err"; }

# Validator conformance: same verdicts and messages as msggen validate, on
# mutated example payloads of the worker-backend catalogue and of test
# catalogues with enums/ranges/formats, allOf, unions, recursion, reserved words.
conformance="features:tests/catalogues/features.yaml union:tests/catalogues/union.yaml
allof:tests/catalogues/allof.yaml tree:tests/catalogues/tree.yaml
oneof_2_0:tests/catalogues/asyncapi-2.0-oneof.yaml reserved_words:tests/golden/reserved-words/input/catalogue.yaml
client_names:tests/golden/client-names/input/catalogue.yaml"
# (The verdicts of all catalogues are compared in one python3 at the end.)
checks=()
for c in $conformance worker_backend:schemas/worker-backend/asyncapi.yaml; do
    label=${c%%:*}; file=$TOP/${c#*:}; dir=$TMP/mut-$label; mkdir -p "$dir"
    pkg=$TMP/wb
    if [ "$label" != worker_backend ]; then
        pkg=$TMP/v-$label
        gen "$file" "$pkg" || { fail "python_validator_cases_$label" "generate failed"; detail "$pkg.err"; continue; }
    fi
    per=25; [ "$label" = worker_backend ] || per=200
    if MUTANTS_PER_MESSAGE=$per python3 "$here/mutants.py" "$MSGGEN" "$file" "$dir" >/dev/null 2>"$dir.err"; then
        checks+=("$dir/cases.json" "$label" "$(pkg_of "$pkg")" "$pkg")
    else fail "python_validator_cases_$label" "mutants.py failed"; detail "$dir.err"; fi
done
[ ${#checks[@]} -eq 0 ] || python3 "$here/check_validate.py" "${checks[@]}"

# API parity with the reference client's package page (seeds).
seed="$SHARED/seeds/python-client-pypi-page.txt"
if [ -f "$seed" ]; then
    PYTHONPATH="$TMP/wb" python3 "$here/seed_parity.py" "$seed" "$here/seed-allowed.txt"
else
    skip python_client_should_have_the_reference_api "no $seed"
fi

# The client against the job server.
server_start || { fail python_client_server "job server did not start"; exit 0; }
trap 'server_stop; rm -rf "$TMP"' EXIT
example=$(python3 - "$MSGGEN" "$cat" <<'PY'
import json, subprocess, sys
view = json.loads(subprocess.run([sys.argv[1], "view", "-i", sys.argv[2], "-t", "python"],
                                 check=True, capture_output=True, text=True).stdout)
# A message with an example and at least one required field.
for m in view["messages"]:
    if m.get("example") and any(f["required"] for f in m["fields"]):
        print(m["name"]["raw"]); print(m["method"]); print(json.dumps(m["example"]["value"])); break
PY
)
[ -n "$example" ] || { fail python_client_example "no message with an example and a required field"; exit 0; }
EXAMPLE_TYPE=$(sed -n 1p <<<"$example") EXAMPLE_METHOD=$(sed -n 2p <<<"$example") \
EXAMPLE_PAYLOAD=$(sed -n 3p <<<"$example") PYTHONPATH="$TMP/wb" \
    timeout 60 python3 "$here/test_client.py" 2>"$TMP/unittest.err" || true
[ -s "$TMP/unittest.err" ] && { fail python_client_tests_stderr "the test program wrote to stderr"; detail "$TMP/unittest.err"; }

# The client against the hostile server (tests/server/hostile.py).
hostile_start || { fail python_client_hostile "hostile server did not start"; exit 0; }
trap 'server_stop; hostile_stop; rm -rf "$TMP"' EXIT
EXAMPLE_TYPE=$(sed -n 1p <<<"$example") EXAMPLE_PAYLOAD=$(sed -n 3p <<<"$example") PYTHONPATH="$TMP/wb" \
    timeout 300 python3 "$here/test_hostile.py" 2>"$TMP/hostile.err" || fail python_client_hostile_program "exit $?"
[ -s "$TMP/hostile.err" ] && { fail python_client_hostile_stderr "the test program wrote to stderr"; detail "$TMP/hostile.err"; }
exit 0
