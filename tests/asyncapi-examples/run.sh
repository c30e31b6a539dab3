#!/usr/bin/env bash
# The official AsyncAPI examples (../shared/conformance/asyncapi-examples: the
# 2.0.0 and 3.0.0 examples of asyncapi/spec, with the multi-file social-media
# layout) as a new user would try them: `msggen validate` and `msggen generate`
# (every shipped target) on every document. A valid document is accepted; the
# ones listed below are refused, each with one-line diagnostics naming what is
# wrong, and a refusal that is not listed fails (so does a listed one that
# passes). Then every generated output is checked: C compiles strictly (gcc
# -fsyntax-only -Werror), Python passes mypy --strict and TypeScript tsc
# --strict --noEmit, each in one batch over all documents (2 cores). A
# document's check that passed before on the same bytes with the same tool
# and options is not run again (result_key in tests/lib.sh; TEST_CACHE= turns
# that off): a run after a change of msggen or of a template checks the
# documents whose output changed.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/c-target/lib-c.sh"
ex=$SHARED/conformance/asyncapi-examples
[ -d "$ex" ] || { skip asyncapi_examples "no $ex (../shared is absent)"; exit 0; }

# Refused by validate and generate: document|what every diagnostic line says.
refused='
v3.0.0/adeo-kafka-request-reply-asyncapi.yml|is remote; msggen does not fetch
'
# Valid AsyncAPI whose upstream examples do not match their payload schemas:
# `msggen validate` reports the examples (checking them is its job), `msggen
# generate` accepts the document (docs/catalogue.md, "Examples").
bad_examples='
v3.0.0/kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml
v3.0.0/kraken-websocket-request-reply-multiple-channels-asyncapi.yml
'
# Not documents: files the social-media services $ref (no `asyncapi:` key).
fragments='
v3.0.0/social-media/common/messages.yaml
v3.0.0/social-media/common/parameters.yaml
v3.0.0/social-media/common/schemas.yaml
v3.0.0/social-media/common/servers.yaml
'
listed() { printf '%s\n' "$2" | grep -q "^$1\(|\|$\)"; }

docs=$(cd "$ex" && find . -name '*.yml' -o -name '*.yaml' | sed 's|^\./||' | LC_ALL=C sort)
[ -n "$docs" ] || { fail asyncapi_examples "no documents under $ex"; exit 0; }
accepted=0 nrefused=0 generated=()
for doc in $docs; do
    name=$(echo "$doc" | sed 's|\.ya\?ml$||; s|[^A-Za-z0-9]|-|g')
    has_key=$(grep -c '^asyncapi:' "$ex/$doc")
    if listed "$doc" "$fragments"; then
        [ "$has_key" -eq 0 ] && ok "asyncapi_example_fragment_has_no_asyncapi_key/$name" ||
            fail "asyncapi_example_fragment_has_no_asyncapi_key/$name" "listed as a fragment but has 'asyncapi:'"
        continue
    fi
    [ "$has_key" -eq 0 ] && { fail "asyncapi_example_is_a_document/$name" "no 'asyncapi:' key and not listed as a fragment"; continue; }
    want=$(printf '%s\n' "$refused" | sed -n "s@^$doc|@@p")
    mg validate -i "$ex/$doc" >/dev/null 2>"$TMP/v.err"; vrc=$?
    mg generate -i "$ex/$doc" -o "$TMP/gen/$name" >/dev/null 2>"$TMP/g.err"; grc=$?
    # Every diagnostic is one gcc-style line at a position in the document set.
    bad_lines=$(cat "$TMP/v.err" "$TMP/g.err" | grep -vc '^[^:]*:[0-9]*:[0-9]*: \(error\|warning\): ')
    if [ "$bad_lines" -ne 0 ]; then
        fail "asyncapi_example_diagnostics_are_one_line/$name" "$bad_lines line(s) not 'file:line:col: error|warning: ...'"
        cat "$TMP/v.err" "$TMP/g.err" | detail
    fi
    # Likely-typo warnings (docs/catalogue.md): none on valid upstream documents.
    if grep -q ': warning: unknown keyword' "$TMP/v.err" "$TMP/g.err"; then
        fail "asyncapi_example_should_give_no_typo_warning/$name" "a valid keyword taken for a typo"
        grep -h ': warning: unknown keyword' "$TMP/v.err" "$TMP/g.err" | detail
    else
        ok "asyncapi_example_should_give_no_typo_warning/$name"
    fi
    if [ -n "$want" ]; then
        nrefused=$((nrefused + 1))
        if [ "$vrc" -eq 1 ] && [ "$grc" -eq 1 ] && [ -s "$TMP/g.err" ] &&
           ! grep -v -F -- "$want" "$TMP/v.err" "$TMP/g.err" | grep -q . &&
           ! grep -v -F -- "\$ref: " "$TMP/v.err" "$TMP/g.err" | grep -q .; then
            ok "asyncapi_example_should_be_refused_naming_the_ref/$name"
        else
            fail "asyncapi_example_should_be_refused_naming_the_ref/$name" "validate exit $vrc, generate exit $grc; want 1 and only '$want' lines naming the \$ref"
            cat "$TMP/v.err" "$TMP/g.err" | detail
        fi
        continue
    fi
    if listed "$doc" "$bad_examples"; then
        if [ "$vrc" -eq 1 ] && ! grep -v "does not match the payload of message" "$TMP/v.err" | grep -q .; then
            ok "asyncapi_example_validate_should_report_its_bad_examples/$name"
        else
            fail "asyncapi_example_validate_should_report_its_bad_examples/$name" "validate exit $vrc"; detail "$TMP/v.err"
        fi
    elif [ "$vrc" -eq 0 ]; then
        ok "asyncapi_example_validate_should_accept/$name"
    else
        fail "asyncapi_example_validate_should_accept/$name" "exit $vrc"; detail "$TMP/v.err"
    fi
    if [ "$grc" -eq 0 ] && ! grep -q ': error: ' "$TMP/g.err"; then
        ok "asyncapi_example_generate_should_accept/$name"
        accepted=$((accepted + 1))
        generated+=("$name")
    else
        fail "asyncapi_example_generate_should_accept/$name" "exit $grc"; detail "$TMP/g.err"
    fi
done
# A listed document that is gone is a stale list.
for doc in $(printf '%s\n' "$refused" "$bad_examples" "$fragments" | sed 's/|.*//' | grep .); do
    [ -f "$ex/$doc" ] || fail "asyncapi_example_list_is_current/$doc" "listed here but not in $ex"
done
echo "# asyncapi-examples: $accepted documents accepted, $nrefused refused, $(printf '%s\n' "$fragments" | grep -c .) fragments"

# C: every generated .c of a document in one gcc run, strict. A document
# whose C passed before, byte for byte with this gcc, these flags and these
# library headers, is not compiled again (result_key, lib.sh).
c_cmd="${CC:-gcc} $C_WARN -D_POSIX_C_SOURCE=200809L $(c_cflags) -fsyntax-only"
c_id="$c_cmd; $(${CC:-gcc} --version 2>/dev/null | head -n 1); $(pkg-config --modversion libcjson libpcre2-8 libcurl 2>/dev/null | tr '\n' ' ')"
c_cached=0
for name in "${generated[@]}"; do
    d=$TMP/gen/$name/c
    key=$(result_key "$c_id" "$d")
    if result_passed_before "$key"; then
        ok "asyncapi_example_c_should_compile_strictly/$name"; c_cached=$((c_cached + 1))
    elif (cd "$d" && $c_cmd ./*.c) >"$TMP/cc.log" 2>&1; then
        ok "asyncapi_example_c_should_compile_strictly/$name"; result_passed "$key"
    else fail "asyncapi_example_c_should_compile_strictly/$name" "gcc reports problems"; detail "$TMP/cc.log"; fi
done
echo "# C: ${#generated[@]} documents, $c_cached passed before with the same bytes"

# Python: each package copied under its own name (its imports are relative),
# all type-checked by one mypy --strict run; errors are attributed per package.
mypy_py=
for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null && "$p" -m mypy --version >/dev/null 2>&1; then mypy_py=$p; break; fi
done
if [ -z "$mypy_py" ]; then
    skip asyncapi_example_python_should_pass_mypy_strict "no python3 with mypy (apt-get install python3-mypy)"
else
    mkdir -p "$TMP/py"
    py_id="$("$mypy_py" --version) $("$mypy_py" -m mypy --version): mypy --strict --no-incremental"
    pkgs=() py_cached=()
    for name in "${generated[@]}"; do
        src=$(find "$TMP/gen/$name/python" -mindepth 2 -maxdepth 2 -name __init__.py | head -n 1)
        [ -n "$src" ] || { fail "asyncapi_example_python_package/$name" "no package generated"; continue; }
        pkg=ex_$(echo "$name" | tr - _)
        cp -R "$(dirname "$src")" "$TMP/py/$pkg"
        # A package that passed before with these bytes and this mypy is not
        # checked again; the others are checked together.
        key=$(result_key "$py_id" "$TMP/py/$pkg")
        if result_passed_before "$key"; then py_cached+=("$pkg"); else pkgs+=("$pkg"); fi
        echo "$key" >"$TMP/py/$pkg.key"
    done
    # mypy checked every package when it says Success or reports errors
    # without a blocking one ("prevented further checking"): only then does a
    # package without errors pass for the cache.
    verdict=1
    if [ ${#pkgs[@]} -gt 0 ]; then
        (cd "$TMP/py" && "$mypy_py" -m mypy --strict --no-incremental --cache-dir=/dev/null "${pkgs[@]}") >"$TMP/mypy.log" 2>&1
        if ! grep -q "^Success\|: error:" "$TMP/mypy.log"; then
            fail asyncapi_example_python_mypy_should_run "mypy gave no verdict"; detail "$TMP/mypy.log"; verdict=0
        fi
        grep -q "prevented further checking" "$TMP/mypy.log" && verdict=0
    else
        : >"$TMP/mypy.log"
    fi
    for name in "${generated[@]}"; do
        pkg=ex_$(echo "$name" | tr - _)
        [ -d "$TMP/py/$pkg" ] || continue
        if [[ " ${py_cached[*]} " == *" $pkg "* ]]; then
            ok "asyncapi_example_python_should_pass_mypy_strict/$name"
        elif grep -q "^$pkg/.*: error:" "$TMP/mypy.log"; then
            fail "asyncapi_example_python_should_pass_mypy_strict/$name" "mypy --strict reports errors"; grep "^$pkg/" "$TMP/mypy.log" | detail
        else
            ok "asyncapi_example_python_should_pass_mypy_strict/$name"
            [ "$verdict" -eq 1 ] && result_passed "$(cat "$TMP/py/$pkg.key")"
        fi
    done
    echo "# mypy: ${#pkgs[@]} packages checked, ${#py_cached[@]} passed before with the same bytes"
fi

# TypeScript: one tsc --strict --noEmit over every document's src/, with the
# generated tsconfig's options. tsc is the tsclient family's, pinned by its
# package-lock.json (ts_tsc, lib.sh: installed by whichever family needs it first).
tsc=$(ts_tsc)
if [ -z "$tsc" ]; then
    skip asyncapi_example_typescript_should_pass_tsc_strict "no tsc (node/npm missing or npm ci failed)"
else
    mkdir -p "$TMP/ts"
    first=$TMP/gen/${generated[0]}/typescript/tsconfig.json
    # The package's "type" decides how NodeNext reads the sources.
    cp "$TMP/gen/${generated[0]}/typescript/package.json" "$TMP/ts/"
    python3 - "$first" "$TMP/ts/tsconfig.json" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
opts = cfg["compilerOptions"]
for k in ("outDir", "rootDir", "declaration"):
    opts.pop(k, None)
opts["noEmit"] = True
json.dump({"compilerOptions": opts, "include": ["*/**/*.ts"]}, open(sys.argv[2], "w"), indent=2)
EOF
    # A document whose src/ passed before, byte for byte with this tsc, node
    # and program options, is not checked again; the others are checked in
    # one program.
    ts_id="$(ts_version) node $(node --version) $(cat "$TMP/ts/tsconfig.json" "$TMP/ts/package.json" | sha256sum)"
    todo=() ts_cached=()
    for name in "${generated[@]}"; do
        key=$(result_key "$ts_id" "$TMP/gen/$name/typescript/src")
        echo "$key" >"$TMP/ts-$name.key"
        if result_passed_before "$key"; then ts_cached+=("$name")
        else todo+=("$name"); cp -R "$TMP/gen/$name/typescript/src" "$TMP/ts/$name"; fi
    done
    : >"$TMP/tsc.log"; trc=0
    [ ${#todo[@]} -eq 0 ] || { (cd "$TMP/ts" && "$tsc" -p . --pretty false) >"$TMP/tsc.log" 2>&1; trc=$?; }
    outside=0
    if grep -v "^[A-Za-z0-9-]*/.*error TS" "$TMP/tsc.log" | grep -q "error"; then
        fail asyncapi_example_tsc_should_run "tsc reports errors outside the generated files"; detail "$TMP/tsc.log"; outside=1
    fi
    # A failing tsc that names no file says nothing for the cache.
    [ "$trc" -ne 0 ] && ! grep -q "error TS" "$TMP/tsc.log" && outside=1
    for name in "${generated[@]}"; do
        if grep -q "^$name/.*error TS" "$TMP/tsc.log"
        then fail "asyncapi_example_typescript_should_pass_tsc_strict/$name" "tsc --strict reports errors"; grep "^$name/" "$TMP/tsc.log" | detail
        else
            ok "asyncapi_example_typescript_should_pass_tsc_strict/$name"
            [[ " ${todo[*]} " == *" $name "* ]] && [ "$outside" -eq 0 ] && result_passed "$(cat "$TMP/ts-$name.key")"
        fi
    done
    echo "# tsc: ${#todo[@]} documents checked, ${#ts_cached[@]} passed before with the same bytes"
fi
