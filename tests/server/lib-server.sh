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

# The hostile server (tests/server/hostile.py), twice: HOSTILE_OTHER_URL is a
# second origin that the redirect scenarios of HOSTILE_URL point to.
#   hostile_start       sets HOSTILE_URL and HOSTILE_OTHER_URL; returns 1 if they did not start
#   hostile_stop
_hostile_one() { # port-file [args]
    local pf=$1; shift
    rm -f "$pf"
    python3 "$TOP/tests/server/hostile.py" --port-file "$pf" --max-seconds "${SERVER_MAX_SECONDS:-300}" "$@" &
    HOSTILE_PIDS="${HOSTILE_PIDS:-} $!"
    local i
    for i in $(seq 1 100); do [ -s "$pf" ] && break; sleep 0.1; done
    [ -s "$pf" ]
}
hostile_start() {
    _hostile_one "$TMP/hostile-other.port" || return 1
    HOSTILE_OTHER_URL="http://127.0.0.1:$(cat "$TMP/hostile-other.port")"
    _hostile_one "$TMP/hostile.port" --redirect-to "$HOSTILE_OTHER_URL" || return 1
    HOSTILE_URL="http://127.0.0.1:$(cat "$TMP/hostile.port")"
    export HOSTILE_URL HOSTILE_OTHER_URL
}
hostile_stop() {
    local p
    for p in ${HOSTILE_PIDS:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    HOSTILE_PIDS=
}
