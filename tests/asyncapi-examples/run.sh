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
# check that passed before on the same bytes with the same tool and options
# is not run again (the keys of result_key in tests/lib.sh, worked out by
# keys.pl for every document at once; TEST_CACHE= turns that off): a run
# after a change of msggen or of a template checks the documents whose output
# changed. Process starts are dear here (a fork+exec several ms, gcc or
# python3 tens of ms): per document the loops below run msggen and little
# else.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/c-target/lib-c.sh"
here=$TOP/tests/asyncapi-examples
# The result cache (result_passed_before/result_passed of lib.sh, each of
# which starts a mkdir, and a find to prune, per call): its folder worked
# out once, hits touched together, old entries pruned once at the end.
rcache=$(_result_dir)
rtouch=()
passed_before() { [ -n "$rcache" ] && [ -f "$rcache/ok-$1" ] && rtouch+=("$rcache/ok-$1"); }
passed() { [ -z "$rcache" ] || : >"$rcache/ok-$1"; }
cache_done() {
    [ -z "$rcache" ] && return
    [ ${#rtouch[@]} -eq 0 ] || touch "${rtouch[@]}"; rtouch=()
    find "$rcache" -maxdepth 1 -name 'ok-*' -mtime +3 -delete 2>/dev/null
}
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
# listed DOC LIST: DOC is a line of LIST (before its '|' if any).
listed() { local l; while IFS= read -r l; do [ "${l%%|*}" = "$1" ] && return 0; done <<<"$2"; return 1; }

docs=$(cd "$ex" && find . -name '*.yml' -o -name '*.yaml' | sed 's|^\./||' | LC_ALL=C sort)
[ -n "$docs" ] || { fail asyncapi_examples "no documents under $ex"; exit 0; }
accepted=0 nrefused=0 generated=()
# How many 'asyncapi:' lines each file has (one grep for all: "DOC:N").
declare -A has_key_of=()
# shellcheck disable=SC2086
while IFS= read -r l; do has_key_of[${l%:*}]=${l##*:}; done < <(cd "$ex" && grep -cH '^asyncapi:' -- $docs)
one_line='^[^:]*:[0-9]*:[0-9]*: (error|warning): '
for doc in $docs; do
    name=${doc%.yml}; name=${name%.yaml}; name=${name//[^A-Za-z0-9]/-}
    has_key=${has_key_of[$doc]:-0}
    if listed "$doc" "$fragments"; then
        [ "$has_key" -eq 0 ] && ok "asyncapi_example_fragment_has_no_asyncapi_key/$name" ||
            fail "asyncapi_example_fragment_has_no_asyncapi_key/$name" "listed as a fragment but has 'asyncapi:'"
        continue
    fi
    [ "$has_key" -eq 0 ] && { fail "asyncapi_example_is_a_document/$name" "no 'asyncapi:' key and not listed as a fragment"; continue; }
    want=
    while IFS= read -r l; do [[ $l == "$doc|"* ]] && want=${l#*|}; done <<<"$refused"
    mg validate -i "$ex/$doc" >/dev/null 2>"$TMP/v.err"; vrc=$?
    mg generate -i "$ex/$doc" -o "$TMP/gen/$name" >/dev/null 2>"$TMP/g.err"; grc=$?
    # The diagnostics, read here instead of by a grep per question.
    mapfile -t vlines <"$TMP/v.err"; mapfile -t glines <"$TMP/g.err"
    bad_lines=0 typo=0 gerror=0
    for l in "${vlines[@]}" "${glines[@]}"; do
        [[ $l =~ $one_line ]] || bad_lines=$((bad_lines + 1))
        [[ $l == *': warning: unknown keyword'* ]] && typo=1
    done
    for l in "${glines[@]}"; do [[ $l == *': error: '* ]] && gerror=1; done
    # Every diagnostic is one gcc-style line at a position in the document set.
    if [ "$bad_lines" -ne 0 ]; then
        fail "asyncapi_example_diagnostics_are_one_line/$name" "$bad_lines line(s) not 'file:line:col: error|warning: ...'"
        cat "$TMP/v.err" "$TMP/g.err" | detail
    fi
    # Likely-typo warnings (docs/catalogue.md): none on valid upstream documents.
    if [ "$typo" -eq 1 ]; then
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
    if [ "$grc" -eq 0 ] && [ "$gerror" -eq 0 ]; then
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

# C: every generated .c of every document through gcc -fsyntax-only, strict
# (each file as in its folder: its "..." headers are its folder's). A file
# is compiled once per key (keys.pl c: the compiler, its flags, the text of
# every system header the files include, preprocessed, and the file with its
# headers, the catalogue prefix set aside where that cannot change gcc's
# verdict): the runtime, parsers and adapters of two documents whose types
# agree are one text but for the prefix (363 files, 296 keys). A key that
# passed before (TEST_CACHE) is not compiled again. The files left go to one
# gcc (one driver, a cc1 per file); when it fails, each is compiled alone,
# which tells the files apart and is the log. A document passes when all its
# files' keys passed, and fails with the log of each that did not.
c_cmd="${CC:-gcc} $C_WARN -D_POSIX_C_SOURCE=200809L $(c_cflags) -fsyntax-only"
c_files=()
for name in "${generated[@]}"; do c_files+=("$TMP/gen/$name/c/"*.[ch]); done
# The system headers: the C11 ones (what gcc knows as built-in functions is
# declared there) and every one a generated file includes, preprocessed as
# the check does (-dD keeps the macros). gcc -E goes on after an #error (a
# header that wants a macro set first), so the text has every header.
c_std="assert complex ctype errno fenv float inttypes iso646 limits locale math setjmp signal stdalign
       stdarg stdatomic stdbool stddef stdint stdio stdlib stdnoreturn string strings tgmath time uchar wchar wctype"
# shellcheck disable=SC2086
{ printf '#include <%s.h>\n' $c_std; grep -sh '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' -- "${c_files[@]}" | LC_ALL=C sort -u; } |
    ${c_cmd/-fsyntax-only/-E -dD} -x c - >"$TMP/c-syms" 2>/dev/null
c_id="$c_cmd; $(${CC:-gcc} --version 2>/dev/null | head -n 1); $(pkg-config --modversion libcjson libpcre2-8 libcurl 2>/dev/null | tr '\n' ' '); system headers $(sha256sum <"$TMP/c-syms")"
c_dirs=()
for name in "${generated[@]}"; do c_dirs+=("$TMP/gen/$name/c"); done
c_keys=$(perl "$here/keys.pl" c "$c_id" "$TMP/c-syms" "${c_dirs[@]}"); c_krc=$?
declare -A c_keys_of=() c_rep=() c_new=() c_bad=()
c_todo=() c_nfiles=0
while read -r f key; do
    [ -n "$key" ] || continue
    rel=${f#"$TMP/gen/"}; name=${rel%%/*}
    c_keys_of[$name]+=" $key"; c_nfiles=$((c_nfiles + 1))
    [ -n "${c_rep[$key]+x}" ] && continue
    c_rep[$key]=$rel
    passed_before "$key" || { c_todo+=("$key"); c_new[$key]=1; }
done <<<"$c_keys"
c_checked=()
if [ ${#c_todo[@]} -gt 0 ]; then
    for key in "${c_todo[@]}"; do c_checked+=("${c_rep[$key]}"); done
    # shellcheck disable=SC2086
    if ! (cd "$TMP/gen" && $c_cmd "${c_checked[@]}") >"$TMP/cc.log" 2>&1; then
        for key in "${c_todo[@]}"; do
            rel=${c_rep[$key]}
            # shellcheck disable=SC2086
            (cd "$TMP/gen/${rel%/*}" && $c_cmd "./${rel##*/}") >"$TMP/cc-$key.log" 2>&1 || c_bad[$key]=1
        done
    fi
    for key in "${c_todo[@]}"; do [ -n "${c_bad[$key]+x}" ] || passed "$key"; done
fi
c_cached=0
for name in "${generated[@]}"; do
    ks=${c_keys_of[$name]:-}
    if [ "$c_krc" -ne 0 ] || [ -z "$ks" ]; then
        fail "asyncapi_example_c_should_compile_strictly/$name" "no key for its files (keys.pl c exit $c_krc)"; continue
    fi
    bad='' cached=1
    for key in $ks; do
        [ -n "${c_bad[$key]+x}" ] && bad="$bad $key"
        [ -n "${c_new[$key]+x}" ] && cached=0
    done
    if [ -z "$bad" ]; then
        ok "asyncapi_example_c_should_compile_strictly/$name"; c_cached=$((c_cached + cached))
    else
        fail "asyncapi_example_c_should_compile_strictly/$name" "gcc reports problems"
        for key in $bad; do echo "gcc on ${c_rep[$key]}:"; cat "$TMP/cc-$key.log"; done | detail
    fi
done
cache_done
echo "# C: ${#generated[@]} documents, $c_nfiles files, ${#c_rep[@]} keys, ${#c_checked[@]} compiled; $c_cached documents passed before with the same bytes"

# Python: each package moved under its own name (its imports are relative),
# all type-checked by one mypy --strict run; errors are attributed per package.
mypy_py='' mypy_v=''
for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null && mypy_v=$("$p" -m mypy --version 2>/dev/null); then mypy_py=$p; break; fi
done
if [ -z "$mypy_py" ]; then
    skip asyncapi_example_python_should_pass_mypy_strict "no python3 with mypy (apt-get install python3-mypy)"
else
    mkdir -p "$TMP/py"
    py_id="$("$mypy_py" --version) $mypy_v: mypy --strict --no-incremental"
    pkgs=() py_cached=() py_names=() py_mv=() py_dirs=()
    for name in "${generated[@]}"; do
        srcs=("$TMP/gen/$name/python"/*/__init__.py)
        [ -f "${srcs[0]}" ] || { fail "asyncapi_example_python_package/$name" "no package generated"; continue; }
        pkg=ex_${name//-/_}
        py_names+=("$name"); py_mv+=("${srcs[0]%/__init__.py}" "$TMP/py/$pkg"); py_dirs+=("$TMP/py/$pkg")
    done
    # (one perl for the moves and one for the keys, not a cp and a
    # result_key pipeline per package)
    declare -A py_key_of=()
    if [ ${#py_names[@]} -gt 0 ]; then
        perl "$here/keys.pl" mv "${py_mv[@]}" || fail asyncapi_example_python_packages_move "keys.pl mv failed"
        mapfile -t py_keys < <(perl "$here/keys.pl" dirs "$py_id" "${py_dirs[@]}")
        [ ${#py_keys[@]} -eq ${#py_names[@]} ] || { fail asyncapi_example_python_keys "keys.pl dirs gave ${#py_keys[@]} keys for ${#py_names[@]} packages"; py_keys=(); }
    fi
    # A package whose bytes are another's of this run (the v2 and v3 forms
    # of two examples: the names differ, the files, with relative imports
    # only, do not) has that package's verdict: mypy is given one of them.
    declare -A py_first=() py_same=()
    for i in "${!py_names[@]}"; do
        name=${py_names[$i]}; pkg=ex_${name//-/_}; key=${py_keys[$i]:-}
        # A package that passed before with these bytes and this mypy is not
        # checked again; the others are checked together.
        if [ -n "$key" ] && passed_before "$key"; then py_cached+=("$pkg")
        elif [ -n "$key" ] && [ -n "${py_first[$key]+x}" ]; then py_same[$pkg]=${py_first[$key]}
        else pkgs+=("$pkg"); [ -z "$key" ] || py_first[$key]=$pkg; fi
        py_key_of[$pkg]=$key
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
    # The packages mypy reports errors in (error lines start with PKG/).
    declare -A py_err=()
    while IFS= read -r l; do
        [[ $l == */*': error:'* ]] && py_err[${l%%/*}]=1
    done <"$TMP/mypy.log"
    for name in "${py_names[@]}"; do
        pkg=ex_${name//-/_} as=
        if [ -n "${py_same[$pkg]+x}" ]; then as=" (the bytes of ${py_same[$pkg]}, checked)"; pkg=${py_same[$pkg]}; fi
        if [[ " ${py_cached[*]} " == *" $pkg "* ]]; then
            ok "asyncapi_example_python_should_pass_mypy_strict/$name"
        elif [ ! -d "$TMP/py/$pkg" ]; then
            fail "asyncapi_example_python_should_pass_mypy_strict/$name" "its package was not moved for mypy"
        elif [ -n "${py_err[$pkg]+x}" ]; then
            fail "asyncapi_example_python_should_pass_mypy_strict/$name" "mypy --strict reports errors$as"; grep "^$pkg/" "$TMP/mypy.log" | detail
        else
            ok "asyncapi_example_python_should_pass_mypy_strict/$name"
            [ "$verdict" -eq 1 ] && [ -n "${py_key_of[$pkg]}" ] && passed "${py_key_of[$pkg]}"
        fi
    done
    cache_done
    echo "# mypy: ${#pkgs[@]} packages checked, ${#py_same[@]} the same bytes as one of them, ${#py_cached[@]} passed before with the same bytes"
fi

# TypeScript: one tsc --strict --noEmit program over every document's src/,
# with the generated tsconfig's options, compiled by tscheck.cjs (as tsc -p
# would, but each file's type check reported even beside a syntax error
# elsewhere, and a file checked once per key: the file and what it imports,
# the document's prefix set aside; see its header). TypeScript is the
# tsclient family's, pinned by its package-lock.json (ts_tsc, lib.sh:
# installed by whichever family needs it first).
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
    ts_id="$(ts_version) node $(node --version) $(cat "$TMP/ts/tsconfig.json" "$TMP/ts/package.json" "$here/tscheck.cjs" | sha256sum)"
    todo=() ts_cached=() ts_mv=() ts_dirs=()
    for name in "${generated[@]}"; do ts_dirs+=("$TMP/gen/$name/typescript/src"); done
    mapfile -t ts_keys < <(perl "$here/keys.pl" dirs "$ts_id" "${ts_dirs[@]}")
    [ ${#ts_keys[@]} -eq ${#generated[@]} ] || { fail asyncapi_example_typescript_keys "keys.pl dirs gave ${#ts_keys[@]} keys for ${#generated[@]} documents"; ts_keys=(); }
    declare -A ts_new=()
    for i in "${!generated[@]}"; do
        name=${generated[$i]}; key=${ts_keys[$i]:-}
        if [ -n "$key" ] && passed_before "$key"; then ts_cached+=("$name")
        else todo+=("$name"); ts_new[$name]=1; ts_mv+=("$TMP/gen/$name/typescript/src" "$TMP/ts/$name"); fi
    done
    : >"$TMP/tsc.log"; trc=0
    if [ ${#todo[@]} -gt 0 ]; then
        perl "$here/keys.pl" mv "${ts_mv[@]}" || fail asyncapi_example_typescript_sources_move "keys.pl mv failed"
        (cd "$TMP/ts" && node "$here/tscheck.cjs" "$TOP/tests/tsclient/node_modules/typescript") >"$TMP/tsc.log" 2>&1; trc=$?
    fi
    outside=0
    # (tscheck.cjs ends with this line: without it, it stopped early)
    if [ ${#todo[@]} -gt 0 ] && ! grep '^# tscheck: ' "$TMP/tsc.log"; then
        fail asyncapi_example_tsc_should_run "tscheck.cjs stopped early (exit $trc)"; detail "$TMP/tsc.log"; outside=1
    fi
    if grep -v "^[A-Za-z0-9-]*/.*error TS" "$TMP/tsc.log" | grep -v '^# tscheck: ' | grep -q "error"; then
        fail asyncapi_example_tsc_should_run "tsc reports errors outside the generated files"; detail "$TMP/tsc.log"; outside=1
    fi
    # A failing tsc that names no file says nothing for the cache.
    [ "$trc" -ne 0 ] && ! grep -q "error TS" "$TMP/tsc.log" && outside=1
    # The documents tsc reports errors in (error lines start with NAME/).
    declare -A ts_err=()
    while IFS= read -r l; do
        [[ $l == */*'error TS'* ]] && ts_err[${l%%/*}]=1
    done <"$TMP/tsc.log"
    for i in "${!generated[@]}"; do
        name=${generated[$i]}
        if [ -n "${ts_new[$name]+x}" ] && [ ! -d "$TMP/ts/$name" ]; then
            fail "asyncapi_example_typescript_should_pass_tsc_strict/$name" "its src/ was not moved for tsc"
        elif [ -n "${ts_err[$name]+x}" ]
        then fail "asyncapi_example_typescript_should_pass_tsc_strict/$name" "tsc --strict reports errors"; grep "^$name/" "$TMP/tsc.log" | detail
        else
            ok "asyncapi_example_typescript_should_pass_tsc_strict/$name"
            [ -n "${ts_new[$name]+x}" ] && [ "$outside" -eq 0 ] && [ -n "${ts_keys[$i]:-}" ] && passed "${ts_keys[$i]}"
        fi
    done
    cache_done
    echo "# tsc: ${#todo[@]} documents checked, ${#ts_cached[@]} passed before with the same bytes"
fi
