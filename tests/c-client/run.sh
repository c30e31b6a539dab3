#!/usr/bin/env bash
# The generated C client (out/c) end to end against the loopback job server
# (tests/server/jobserver.py): success, auth, HTTP errors with JSON and other
# bodies, malformed and schema-breaking answers, timeout, connection refused,
# local refusal of invalid payloads, URL-encoded job ids, a 4 MiB answer and
# keep-alive reuse. Under make asan / make valgrind nothing may leak.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/c-target/lib-c.sh"
. "$TOP/tests/server/lib-server.sh"
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$TOP/out/c/worker_backend_client.c" ]; then skip c_client "no out/c yet"; exit 0; fi
if ! pkg-config --exists libcurl; then skip c_client "libcurl (libcurl4-openssl-dev) not installed"; exit 0; fi
dir=$(c_lib "$TOP/out/c" worker-backend) || { fail c_client_build "out/c does not build"; detail "$TMP/c_lib.log"; exit 0; }
if ! ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -o "$TMP/client_test" \
      "$here/client_test.c" "$dir/libworker_backend.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
    fail c_client_test_should_build "see log"; detail "$TMP/cc.log"; exit 0
fi
if ! ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -o "$TMP/hostile_test" \
      "$here/hostile_test.c" "$dir/libworker_backend.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
    fail c_client_hostile_test_should_build "see log"; detail "$TMP/cc.log"; exit 0
fi
mg view -i "$TOP/schemas/worker-backend/asyncapi.yaml" | python3 -c '
import json, sys
v = json.load(sys.stdin)
m = [m for m in v["messages"] if m["name"]["raw"] == "file-download-request"][0]
sys.stdout.write(m["examples"][0]["json"])' >"$TMP/example.json"
server_start || { fail c_client_server "the job server did not start"; exit 0; }
trap 'server_stop; rm -rf "$TMP"' EXIT
run_prog "$TMP/client_test" "$SERVER_URL" "$TMP/example.json" 2>"$TMP/err"; rc=$?
if grep -q "ERROR: \|runtime error\|definitely lost\|==[0-9]*== [A-Z]" "$TMP/err" || { [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; }; then
    fail c_client_should_run_clean "exit $rc"; detail "$TMP/err"
fi

# Against the hostile server (tests/server/hostile.py).
hostile_start || { fail c_client_hostile "the hostile server did not start"; exit 0; }
trap 'server_stop; hostile_stop; rm -rf "$TMP"' EXIT
timeout 300 $VALGRIND "$TMP/hostile_test" "$HOSTILE_URL" "$HOSTILE_OTHER_URL" "$TMP/example.json" 2>"$TMP/herr"; rc=$?
if grep -q "ERROR: \|runtime error\|definitely lost\|==[0-9]*== [A-Z]" "$TMP/herr" || [ "$rc" -ne 0 ]; then
    fail c_client_hostile_should_run_clean "exit $rc"; detail "$TMP/herr"
fi
