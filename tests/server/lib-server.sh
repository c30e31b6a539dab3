# tests/server/lib-server.sh - start and stop the loopback job server (sourced).
#
#   server_start        starts it; sets SERVER_PORT and SERVER_URL (http://127.0.0.1:PORT)
#   server_stop         stops it (also done on exit by the caller's trap if it calls it)
# Needs python3. Returns 1 when the server did not come up within 10 s.
server_start() {
    local pf="$TMP/jobserver.port"
    rm -f "$pf"
    python3 "$TOP/tests/server/jobserver.py" --port-file "$pf" --max-seconds "${SERVER_MAX_SECONDS:-300}" &
    SERVER_PID=$!
    local i
    for i in $(seq 1 100); do
        [ -s "$pf" ] && break
        sleep 0.1
    done
    [ -s "$pf" ] || return 1
    SERVER_PORT=$(cat "$pf")
    SERVER_URL="http://127.0.0.1:$SERVER_PORT"
    export SERVER_PORT SERVER_URL
}
server_stop() { [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; }
