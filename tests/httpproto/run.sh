#!/usr/bin/env bash
# Plain HTTP bindings in the per-operation clients (issue 16): the Python,
# TypeScript and C clients generated from tests/catalogues/http-bindings-3.0.yaml
# (and the 2.6 one) talk to tests/server/httpecho.py on 127.0.0.1: method from
# the operation's http binding, the channel address appended to the server
# URL with its parameters percent-encoded, typed headers as HTTP headers, the
# JSON body; the reply of a request/reply operation is the answer's body,
# decoded and validated; a non-2xx answer, an invalid reply and a server that
# is not there are typed errors. Each language's README example is checked
# (mypy --strict, tsc --strict, cc -Werror). Under make asan (MG_SANITIZED=1)
# the C part runs with ASan+UBSan.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/server/lib-server.sh"
. "$TOP/tests/c-target/lib-c.sh"
here="$TOP/tests/httpproto"
export PYTHONDONTWRITEBYTECODE=1
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
command -v python3 >/dev/null || { skip httpproto "python3 not installed"; exit 0; }

HTTP_PID=
http_start() {
    rm -f "$TMP/http.port"
    : >"$TMP/http.log"
    python3 "$TOP/tests/server/httpecho.py" --port-file "$TMP/http.port" --log "$TMP/http.log" \
        --max-seconds "${SERVER_MAX_SECONDS:-300}" &
    HTTP_PID=$!
    _wait_file "$TMP/http.port" || { echo "http_start: the echo server did not start" >&2; http_stop; return 1; }
    HTTP_PORT=$(cat "$TMP/http.port")
}
http_stop() { [ -n "$HTTP_PID" ] && kill "$HTTP_PID" 2>/dev/null; wait "$HTTP_PID" 2>/dev/null; HTTP_PID=; }
trap 'http_stop; rm -rf "$TMP"' EXIT

gen() { # language label catalogue
    if mg generate -i "$3" -t "$1" -o "$TMP/$1-$2" >/dev/null 2>"$TMP/$1-$2.err"; then
        ok "httpproto_$1_$2_should_generate"; return 0
    fi
    fail "httpproto_$1_$2_should_generate" "generate failed"; detail "$TMP/$1-$2.err"; return 1
}
http_start || { fail httpproto_echo_server_should_start "see stderr"; exit 0; }
closed_port=$(_free_port)

# ---- Python --------------------------------------------------------------
mypy_py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -m mypy --version >/dev/null 2>&1; then mypy_py=$p; break; fi
done
for v in 3.0 2.6; do
    l=v${v/./_}
    gen python "$l" "$TOP/tests/catalogues/http-bindings-$v.yaml" || continue
    d=$TMP/python-$l
    m=$(basename "$(dirname "$(ls "$d"/*/__init__.py | head -n 1)")")
    awk '/^## Usage/ { u = 1 } u && /^```python/ { p = 1; next } p && /^```/ { exit } p' "$d/README.md" >"$d/readme_example.py"
    if [ ! -s "$d/readme_example.py" ]; then
        fail "httpproto_python_${l}_readme_should_have_a_usage_example" "no python block after ## Usage"
    elif [ -z "$mypy_py" ]; then
        skip "httpproto_python_${l}_should_pass_mypy_strict" "no python3 with mypy"
    elif key=$(result_key "$("$mypy_py" --version) $("$mypy_py" -m mypy --version): mypy --strict $m readme_example.py" "$d") &&
         result_passed_before "$key"; then
        # These bytes passed this mypy before (result_key, lib.sh).
        ok "httpproto_python_${l}_package_and_readme_example_should_pass_mypy_strict"
    elif (cd "$d" && "$mypy_py" -m mypy --strict --cache-dir="$MYPY_CACHE" "$m" readme_example.py) >"$d.mypy" 2>&1; then
        # (The two versions' runs share this run's cache folder: typeshed analysed once.)
        ok "httpproto_python_${l}_package_and_readme_example_should_pass_mypy_strict"; result_passed "$key"
    else
        fail "httpproto_python_${l}_package_and_readme_example_should_pass_mypy_strict" "mypy --strict"; detail "$d.mypy"
    fi
    # The README example runs against the echo server (the URL from the environment).
    if [ -s "$d/readme_example.py" ]; then
        n0=$(wc -l <"$TMP/http.log")
        if (cd "$d" && LAMPS_HTTP_API_SERVER_URL="http://127.0.0.1:$HTTP_PORT/report/api/v1" \
              LAMPS_HTTP_LEGACY_API_SERVER_URL="http://127.0.0.1:$HTTP_PORT/report/legacy" \
              timeout 60 python3 readme_example.py) >"$d.readme.out" 2>&1 &&
           [ "$(wc -l <"$TMP/http.log")" -gt "$n0" ]; then
            ok "httpproto_python_${l}_readme_example_should_run_against_the_server"
        else
            fail "httpproto_python_${l}_readme_example_should_run_against_the_server" "it failed or sent nothing"; detail "$d.readme.out"
        fi
    fi
    timeout 120 python3 "$here/py_test.py" "$l" "$d" "$m" "$HTTP_PORT" "$TMP/http.log" "$closed_port" "$v" 2>"$d.run.err" ||
        { fail "httpproto_python_${l}_should_run" "py_test.py failed"; detail "$d.run.err"; }
done

# ---- TypeScript ----------------------------------------------------------
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
    skip httpproto_typescript "node 18+ not installed"
elif ! tsc=$(ts_tsc); then
    skip httpproto_typescript "npm ci for TypeScript failed (registry unreachable?)"; detail "$TMP/npm"
elif gen typescript v3_0 "$TOP/tests/catalogues/http-bindings-3.0.yaml"; then
    d=$TMP/typescript-v3_0
    # The README's HTTP example: type-checked (strict) as a consumer
    # imports the package, compiled, and run against the echo server.
    r=$TMP/ts-readme
    mkdir -p "$r/node_modules"
    ln -s "$d" "$r/node_modules/lamps-http-api-client"
    printf '{"type": "module"}\n' >"$r/package.json"
    awk '/^Example over plain HTTP/ { on = 1 } on && /^```typescript$/ { code = 1; next } code && /^```$/ { exit } code { print }' \
        "$d/README.md" >"$r/example.ts"
    # The package (tsc --strict -p tsconfig.json) and the example (tsc
    # --strict --target ES2022 --module NodeNext --moduleResolution NodeNext
    # --lib ES2022,DOM example.ts, as a tsconfig.json of those options) are
    # two programs of one node process (tests/tsclient/tsc_programs.cjs: the
    # package's is compiled first, as before, so that the example sees its
    # dist/; TypeScript's start and its library files' parse once, not
    # twice); each keeps its own diagnostics and exit status. A package
    # whose tsconfig.json does not say "strict": true is compiled by tsc
    # --strict on its own.
    printf '{"compilerOptions": {"strict": true, "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["ES2022", "DOM"]}, "files": ["example.ts"]}\n' \
        >"$r/tsconfig.json"
    # The package's program runs with "skipLibCheck": true (a tsconfig of
    # its own that extends the package's), as ts_build's do (lib.sh says
    # why): that leaves out only errors located in TypeScript's own lib files
    # (ES2022, DOM), which the example's program, with skipLibCheck false,
    # checks in this same process anyway (3 s CPU a program); the package's
    # sources are checked whole, and the example still checks the package's
    # emitted declarations as a consumer reads them.
    printf '{"extends": "./tsconfig.json", "compilerOptions": {"skipLibCheck": true}}\n' >"$d/tsconfig.skiplib.json"
    cfgs=("$d/tsconfig.skiplib.json"); [ -s "$r/example.ts" ] && cfgs+=("$r/tsconfig.json")
    rm -f "$TMP"/tscfg.*
    if grep -q '"strict": *true' "$d/tsconfig.json"; then
        (cd "$d" && node "$TOP/tests/tsclient/tsc_programs.cjs" "$(dirname "$tsc")/../typescript" --per-config "${cfgs[@]}") >"$TMP/tsc.all" 2>&1
    else
        { (cd "$d" && "$tsc" --strict -p tsconfig.json); echo "== $d/tsconfig.json exit $(($? != 0))"; } >"$TMP/tsc.all" 2>&1
        [ ${#cfgs[@]} -lt 2 ] || { (cd "$r" && "$tsc" -p tsconfig.json); echo "== $r/tsconfig.json exit $(($? != 0))"; } >>"$TMP/tsc.all" 2>&1
    fi
    # tscfg.N.log: the Nth program's diagnostics; tscfg.N.rc: its status
    # (none: node stopped before it ended, a failure with all of the output).
    awk -v out="$TMP/tscfg" '/^== .* exit [0-9]+$/ { n++; print $NF > (out "." n ".rc"); next } { print > (out "." (n + 1) ".log") }' "$TMP/tsc.all"
    tsc_ok() { [ "$(cat "$TMP/tscfg.$1.rc" 2>/dev/null)" = 0 ]; }
    tsc_log() { if [ -f "$TMP/tscfg.$1.rc" ]; then cat "$TMP/tscfg.$1.log" 2>/dev/null; else cat "$TMP/tsc.all"; fi; }
    if tsc_ok 1; then
        ok httpproto_typescript_v3_0_should_pass_tsc_strict
        timeout 120 node "$here/ts_test.mjs" v3_0 "$d" "$HTTP_PORT" "$TMP/http.log" "$closed_port" 2>"$d.run.err" ||
            { fail httpproto_typescript_v3_0_should_run "ts_test.mjs failed"; detail "$d.run.err"; }
        n0=$(wc -l <"$TMP/http.log")
        if [ ! -s "$r/example.ts" ]; then
            fail httpproto_typescript_v3_0_readme_should_have_an_http_example "no typescript block after 'Example over plain HTTP'"
        elif ! tsc_ok 2; then
            fail httpproto_typescript_v3_0_readme_example_should_type_check "tsc reports errors"; tsc_log 2 | detail
        elif (cd "$r" && LAMPS_HTTP_API_SERVER_URL="http://127.0.0.1:$HTTP_PORT/report/api/v1" timeout 60 node example.js) >"$r.out" 2>&1 &&
             [ "$(wc -l <"$TMP/http.log")" -ge $((n0 + 3)) ]; then
            ok httpproto_typescript_v3_0_readme_example_should_type_check_and_run_against_the_server
        else
            fail httpproto_typescript_v3_0_readme_example_should_type_check_and_run_against_the_server "it failed or sent too little"; detail "$r.out"
        fi
    else
        fail httpproto_typescript_v3_0_should_pass_tsc_strict "tsc reports errors"; tsc_log 1 | detail
    fi
fi

# ---- C -------------------------------------------------------------------
if ! command -v cc >/dev/null || ! pkg-config --exists libcjson libpcre2-8 libcurl 2>/dev/null; then
    skip httpproto_c "no cc or no libcjson/libpcre2-8/libcurl (pkg-config)"
elif gen c v3_0 "$TOP/tests/catalogues/http-bindings-3.0.yaml"; then
    d=$TMP/c-v3_0
    libs=$(pkg-config --libs libcjson libpcre2-8 libcurl)
    cflags="$(c_flags) -O1" # -O1: what CI's gcc warns about (format truncation) at -O1 too
    if (cd "$d" && make -j2 HTTP=1 CFLAGS="$cflags -Werror") >"$d.make" 2>&1; then
        ok httpproto_c_v3_0_library_with_the_http_adapter_should_build_with_werror
        if ${CC:-cc} $C_WARN $cflags -D_POSIX_C_SOURCE=200809L -I"$d" $(pkg-config --cflags libcjson) \
              -o "$d/http_test" "$here/http_test.c" "$d/liblamps_http_api.a" $libs -lpthread -lm >"$d.cc" 2>&1; then
            timeout 120 "$d/http_test" "$HTTP_PORT" "$TMP/http.log" "$closed_port" 2>"$d.run.err" ||
                { fail httpproto_c_v3_0_should_run "http_test failed"; detail "$d.run.err"; }
        else
            fail httpproto_c_v3_0_test_should_compile "cc -Werror"; detail "$d.cc"
        fi
        # The README's example: compiled with -Werror, linked, run against the server.
        awk '/^Example \(the first send/ { on = 1 } on && /^```c$/ { code = 1; next } code && /^```$/ { exit } code { print }' \
            "$d/README.md" >"$d/readme_example.c"
        n0=$(wc -l <"$TMP/http.log")
        if [ ! -s "$d/readme_example.c" ]; then
            fail httpproto_c_v3_0_readme_should_have_an_example "no c block after 'Example (the first send'"
        elif ! ${CC:-cc} $C_WARN $cflags -I"$d" $(pkg-config --cflags libcjson) -o "$d/readme_example" \
                 "$d/readme_example.c" "$d/liblamps_http_api.a" $libs -lpthread -lm >"$d.readme.cc" 2>&1; then
            fail httpproto_c_v3_0_readme_example_should_compile "cc -Werror"; detail "$d.readme.cc"
        elif LAMPS_HTTP_API_SERVER_URL="http://127.0.0.1:$HTTP_PORT/echo/api/v1" timeout 60 "$d/readme_example" >"$d.readme.out" 2>&1; then
            ok httpproto_c_v3_0_readme_example_should_compile_and_run_against_the_server
        else
            fail httpproto_c_v3_0_readme_example_should_compile_and_run_against_the_server "it failed"; detail "$d.readme.out"
        fi
    else
        fail httpproto_c_v3_0_library_with_the_http_adapter_should_build_with_werror "make HTTP=1"; detail "$d.make"
    fi
fi

# The adapter compiles (gcc -O1 -Werror, clang -Wpedantic -Werror) for other
# catalogues too: the flagship (x-clients names) and the 2.6 HTTP catalogue.
# Each catalogue's two files go to one gcc (-c, objects in a folder of their
# own) and one clang (-fsyntax-only), not one of each per file.
if command -v cc >/dev/null && pkg-config --exists libcjson libcurl 2>/dev/null; then
    adapter_cflags=$(pkg-config --cflags libcjson libcurl)
    for c in "$TOP/schemas/worker-backend/asyncapi.yaml" "$TOP/tests/catalogues/http-bindings-2.6.yaml"; do
        n=$(basename "$(dirname "$c")")-$(basename "$c" .yaml)
        out=$TMP/cc-$n
        mg generate -t c -i "$c" -o "$out" >/dev/null 2>"$out.err" || { fail "httpproto_c_adapter_should_compile_for_$n" "generate failed"; continue; }
        bad=
        files=("$out"/*_http.c "$out"/*_bus.c)
        mkdir -p "$out.o"
        # shellcheck disable=SC2086
        (cd "$out.o" && ${CC:-cc} $C_WARN -O1 -I"$out" $adapter_cflags -c "${files[@]}") >>"$out.log" 2>&1 || bad=1
        if command -v clang >/dev/null; then
            # shellcheck disable=SC2086
            clang $C_WARN -I"$out" $adapter_cflags -fsyntax-only "${files[@]}" >>"$out.log" 2>&1 || bad=1
        fi
        if [ -z "$bad" ]; then ok "httpproto_c_adapter_should_compile_for_${n//[^A-Za-z0-9]/_}"
        else fail "httpproto_c_adapter_should_compile_for_${n//[^A-Za-z0-9]/_}" "cc/clang -Werror"; detail "$out.log"; fi
    done
fi
