#!/usr/bin/env bash
# The generated packages as consumer projects use them, one project per case:
#   python-mypy     pip install (offline, into a target folder) of the worker-backend
#                   package, which leaves nothing in the output tree; a consumer in the
#                   reference style (`from worker_client import WorkerClient`,
#                   `job.job_id`, `status.state`) passes mypy --strict and runs against
#                   the job server; two generated clients install side by side
#   python-collide  a catalogue with its own JobResponse/JobStatus and no x-http-api:
#                   the package (a per-operation client, CollideClient) and a consumer
#                   pass mypy --strict and run (in-memory transport)
#   ts-esm, ts-cjs  the built package (npm run build: ESM and CommonJS) in node_modules
#                   of an ES-module and of a CommonJS project: tsc --strict (wrong
#                   payloads are `@ts-expect-error`), then node runs them
#   c-pkgconfig, c-cmake
#                   make install of out/c (SONAME, symlinks, mode 755), then a consumer
#                   built with plain -std=c11 and pkg-config, and one built with CMake
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/server/lib-server.sh"
. "$TOP/tests/c-target/lib-c.sh"
here="$TOP/tests/consumers"
cat="$TOP/schemas/worker-backend/asyncapi.yaml"
command -v python3 >/dev/null || { skip consumers "python3 not installed"; exit 0; }
# The server exits by itself after SERVER_MAX_SECONDS: this family takes minutes.
export SERVER_MAX_SECONDS=${SERVER_MAX_SECONDS:-1200}
server_start || { fail consumers_server "job server did not start"; exit 0; }
trap 'server_stop; rm -rf "$TMP"' EXIT
export PYTHONDONTWRITEBYTECODE=1

mypy_py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -m mypy --version >/dev/null 2>&1; then mypy_py=$p; break; fi
done
mypy_strict() { "$mypy_py" -m mypy --strict --cache-dir="$MYPY_CACHE" "$@"; }   # (MYPY_CACHE: lib.sh)

# ---- python-mypy ------------------------------------------------------------
if ! python3 -m pip --version >/dev/null 2>&1; then
    skip consumer_python "python3 has no pip (apt-get install python3-pip)"
elif mg generate -i "$cat" -t python -o "$TMP/py" >/dev/null 2>"$TMP/gen.err"; then
    before=$(cd "$TMP/py" && find . | sort)
    if (cd "$TMP/py" && timeout 120 python3 -m pip install -q --no-index --disable-pip-version-check \
            --root-user-action=ignore --target "$TMP/site" .) >"$TMP/pip" 2>&1; then
        ok consumer_python_pip_install_should_work_offline
    else
        fail consumer_python_pip_install_should_work_offline "pip install failed"; detail "$TMP/pip"
    fi
    after=$(cd "$TMP/py" && find . | sort)
    if [ "$before" = "$after" ]; then ok consumer_python_pip_install_should_leave_the_output_tree_as_it_was
    else fail consumer_python_pip_install_should_leave_the_output_tree_as_it_was "new files"
         diff <(echo "$before") <(echo "$after") | detail; fi
    if [ -z "$mypy_py" ]; then
        skip consumer_python_should_pass_mypy_strict "no python3 with mypy"
    elif (cd "$here/python-mypy" && MYPYPATH="$TMP/site" mypy_strict app.py) >"$TMP/mypy" 2>&1; then
        ok consumer_python_should_pass_mypy_strict
    else fail consumer_python_should_pass_mypy_strict "mypy --strict reports errors"; detail "$TMP/mypy"; fi
    [ -n "$mypy_py" ] && { if (cd "$TMP/py" && mypy_strict build_backend.py) >"$TMP/mypy" 2>&1
        then ok consumer_python_build_backend_should_pass_mypy_strict
        else fail consumer_python_build_backend_should_pass_mypy_strict "mypy --strict reports errors"; detail "$TMP/mypy"; fi; }
    if PYTHONPATH="$TMP/site" SERVER_URL="$SERVER_URL" timeout 60 python3 "$here/python-mypy/app.py" >"$TMP/run" 2>&1 &&
       grep -q "^Job created: job-analytics-collection-request-1" "$TMP/run" && grep -q "^refused: ConfigError" "$TMP/run"
    then ok consumer_python_should_run_in_the_reference_style
    else fail consumer_python_should_run_in_the_reference_style "unexpected output"; detail "$TMP/run"; fi
    # A second generated client installs beside the first.
    if mg generate -i "$here/python-collide/catalogue.yaml" -t python -o "$TMP/py2" >/dev/null 2>"$TMP/gen.err" &&
       (cd "$TMP/py2" && timeout 120 python3 -m pip install -q --no-index --disable-pip-version-check \
            --root-user-action=ignore --target "$TMP/site" .) >"$TMP/pip" 2>&1 &&
       PYTHONPATH="$TMP/site" python3 -c 'import worker_client, collide_client; print(worker_client.WorkerClient, collide_client.CollideClient)' >"$TMP/run" 2>&1
    then ok consumer_python_two_clients_should_install_side_by_side
    else fail consumer_python_two_clients_should_install_side_by_side "install or import failed"; detail "$TMP/pip"; detail "$TMP/run"; fi
else
    fail consumer_python_generate "generate failed"; detail "$TMP/gen.err"
fi

# ---- python-collide ---------------------------------------------------------
if [ -z "$mypy_py" ]; then
    skip consumer_python_collide "no python3 with mypy"
elif mg generate -i "$here/python-collide/catalogue.yaml" -t python -o "$TMP/coll" >/dev/null 2>"$TMP/gen.err"; then
    if (cd "$TMP/coll" && mypy_strict collide_client) >"$TMP/mypy" 2>&1
    then ok consumer_python_answer_types_should_not_collide_with_catalogue_types
    else fail consumer_python_answer_types_should_not_collide_with_catalogue_types "mypy --strict"; detail "$TMP/mypy"; fi
    if (cd "$here/python-collide" && MYPYPATH="$TMP/coll" mypy_strict app.py) >"$TMP/mypy" 2>&1 &&
       PYTHONPATH="$TMP/coll" python3 "$here/python-collide/app.py" >"$TMP/run" 2>&1
    then ok consumer_python_should_use_catalogue_and_answer_types_side_by_side
    else fail consumer_python_should_use_catalogue_and_answer_types_side_by_side "mypy or run failed"; detail "$TMP/mypy"; detail "$TMP/run"; fi
else
    fail consumer_python_collide_generate "generate failed"; detail "$TMP/gen.err"
fi

# ---- ts-esm, ts-cjs ---------------------------------------------------------
if ! tsc=$(ts_tsc); then
    skip consumer_typescript "no tsc: $(tail -n 1 "$TMP/npm")"
elif mg generate -i "$cat" -t typescript -o "$TMP/ts" >/dev/null 2>"$TMP/gen.err"; then
    # The build and the projects' programs in one node process (ts_programs, lib.sh).
    ts_server_start
    trap 'ts_server_stop; server_stop; rm -rf "$TMP"' EXIT
    # Built where no node_modules is visible (as tsclient builds it: the
    # same cache entry; ts_build's tsc, with --skipLibCheck, is the one used).
    # npm run build (ts_build, lib.sh: shared with the tsclient family, which
    # builds the same package, and kept between runs by content).
    if ts_build "$TMP/ts" consumer_typescript >"$TMP/build" 2>&1; then
        grep '^# ' "$TMP/build"
        ok consumer_typescript_package_should_build_esm_and_cjs
        for kind in esm cjs; do
            proj="$TMP/consumer-$kind"
            mkdir -p "$proj/node_modules/@mesh-sync/worker-backend-client"
            cp "$here/ts-$kind"/* "$proj/"
            cp -r "$TMP/ts/package.json" "$TMP/ts/dist" "$proj/node_modules/@mesh-sync/worker-backend-client/"
        done
        # Both projects compiled as `tsc -p .` in each would (ts_programs,
        # lib.sh; tsc_programs.cjs, tests/tsclient: each project its own
        # program with its own tsconfig.json and package.json "type", the
        # library files parsed once); its report ends each project's
        # diagnostics with "== consumer-KIND/tsconfig.json exit N".
        ts_programs "$TMP" --per-config consumer-esm/tsconfig.json consumer-cjs/tsconfig.json >"$TMP/tsc-all" 2>&1
        ts_server_stop
        awk -v dir="$TMP" '{ buf = buf $0 "\n" }
            /^== consumer-[a-z]*\/tsconfig.json exit [0-9]$/ { split($2, p, "/"); printf "%s", buf > (dir "/tsc-" p[1]); buf = "" }
            END { printf "%s", buf > (dir "/tsc-rest") }' "$TMP/tsc-all"
        for kind in esm cjs; do
            proj="$TMP/consumer-$kind"
            if grep -qx "== consumer-$kind/tsconfig.json exit 0" "$TMP/tsc-consumer-$kind" 2>/dev/null && ! [ -s "$TMP/tsc-rest" ]
            then ok "consumer_typescript_${kind}_project_should_compile"
            else fail "consumer_typescript_${kind}_project_should_compile" "tsc reports errors"
                 cat "$TMP/tsc-consumer-$kind" "$TMP/tsc-rest" 2>/dev/null | detail; continue; fi
            if (cd "$proj" && SERVER_URL="$SERVER_URL" timeout 60 node dist/index.js) >"$TMP/run" 2>&1 &&
               grep -q "^$kind job-analytics-collection-request-1 completed" "$TMP/run" && grep -q "^$kind refused true" "$TMP/run"
            then ok "consumer_typescript_${kind}_project_should_run"
            else fail "consumer_typescript_${kind}_project_should_run" "unexpected output"; detail "$TMP/run"; fi
        done
    else
        fail consumer_typescript_package_should_build_esm_and_cjs "npm run build failed"; detail "$TMP/build"
    fi
else
    fail consumer_typescript_generate "generate failed"; detail "$TMP/gen.err"
fi

# ---- c-pkgconfig, c-cmake ---------------------------------------------------
if ! pkg-config --exists libcjson libpcre2-8 libcurl; then
    skip consumer_c "libcjson, libpcre2-8 or libcurl development files missing"
else
    # The objects are the shared build of out/c (c_lib, tests/c-target/lib-c.sh:
    # the generated Makefile with -std=c11 and the same -fPIC objects, built
    # once for c-target, c-client and this family) rather than a second
    # compile of its 4 MB of C at -O2, which cost most of this family's CPU
    # and checked nothing more: the Makefile has no -Werror. make then links
    # the shared library and installs, as a consumer's `make && make install`.
    # (Under `make asan` the shared build is sanitized, which a plain consumer
    # cannot link: there the library is built with the Makefile's defaults.)
    prefix=$TMP/prefix
    if [ "${MG_SANITIZED:-}" = 1 ]; then
        cp -r "$TOP/out/c" "$TMP/c" && mflags=(-j2)
    elif dir=$(c_lib "$TOP/out/c" worker-backend) && cp -a "$dir" "$TMP/c"; then
        mflags=(CC="${CC:-gcc}" CFLAGS="$(c_flags) -Werror")
    fi
    if [ -d "$TMP/c" ] && make -s -C "$TMP/c" "${mflags[@]}" >"$TMP/make" 2>&1 &&
       make -s -C "$TMP/c" "${mflags[@]}" install PREFIX="$prefix" >>"$TMP/make" 2>&1; then
        ok consumer_c_library_should_build_with_plain_c11_and_install
    else
        fail consumer_c_library_should_build_with_plain_c11_and_install "make failed"; cat "$TMP/c_lib.log" "$TMP/make" 2>/dev/null | detail
    fi
    lib=$prefix/lib
    real=$(ls "$lib"/libworker_backend.so.*.*.* 2>/dev/null | head -n 1)
    if [ -n "$real" ] && [ "$(stat -c %a "$real")" = 755 ] && [ -L "$lib/libworker_backend.so" ] &&
       soname=$(readelf -d "$real" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p') && [ -n "$soname" ] &&
       [ -L "$lib/$soname" ] && [ "$(readlink -f "$lib/libworker_backend.so")" = "$(readlink -f "$real")" ]
    then ok consumer_c_shared_library_should_have_a_soname_and_versioned_symlinks
    else fail consumer_c_shared_library_should_have_a_soname_and_versioned_symlinks "see listing"; ls -l "$lib" | detail; fi
    export PKG_CONFIG_PATH="$lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    if ${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$TMP/app" "$here/c-pkgconfig/main.c" \
            $(pkg-config --cflags --libs worker_backend) >"$TMP/cc" 2>&1 &&
       LD_LIBRARY_PATH="$lib" timeout 30 "$TMP/app" "$SERVER_URL/s/ok" >"$TMP/run" 2>&1 &&
       grep -q "^job job-analytics-collection-request-1 completed" "$TMP/run" &&
       grep -q "^typed job-analytics-collection-request-1" "$TMP/run"
    then ok consumer_c_pkgconfig_project_should_build_and_run
    else fail consumer_c_pkgconfig_project_should_build_and_run "build or run failed"; detail "$TMP/cc"; detail "$TMP/run"; fi
    if ! command -v cmake >/dev/null; then
        skip consumer_c_cmake_project_should_build_and_run "cmake not installed"
    elif cmake -S "$here/c-cmake" -B "$TMP/cmake" >"$TMP/cmake.log" 2>&1 &&
         cmake --build "$TMP/cmake" >>"$TMP/cmake.log" 2>&1 &&
         LD_LIBRARY_PATH="$lib" timeout 30 "$TMP/cmake/consumer" "$SERVER_URL/s/ok" >"$TMP/run" 2>&1 &&
         grep -q "^job job-analytics-collection-request-1 completed" "$TMP/run" &&
         grep -q "^typed job-analytics-collection-request-1" "$TMP/run"
    then ok consumer_c_cmake_project_should_build_and_run
    else fail consumer_c_cmake_project_should_build_and_run "cmake build or run failed"; detail "$TMP/cmake.log"; detail "$TMP/run"; fi
fi
exit 0
