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

# Brokers for the protocol clients (MQTT, Kafka, WebSocket), each on a free
# loopback port, each exiting by itself after SERVER_MAX_SECONDS (300) so a
# failed test never leaves one behind. Each start function returns 1 (and
# says why on stderr) when its broker is missing or did not come up in 10 s.
#   py_with MOD...      prints the first python3 (PATH's, then /usr/bin/python3)
#                       that imports every MOD; returns 1 if none does
#   mqtt_start/stop     mosquitto (MQTT 3.1.1 and 5); MQTT_HOST, MQTT_PORT, MQTT_URL
#   kafka_start/stop    librdkafka's mock cluster (tests/server/kafkamock.c, built
#                       here with pkg-config rdkafka); KAFKA_BOOTSTRAP; topics
#                       are created on first use
#   ws_start/stop       tests/server/wsrelay.py; WS_URL (ws://127.0.0.1:PORT); a
#                       frame sent on path P reaches every other connection on P
py_with() {
    local py m ok
    for py in "$(command -v python3)" /usr/bin/python3; do
        [ -x "$py" ] || continue
        ok=1
        for m in "$@"; do "$py" -c "import $m" 2>/dev/null || { ok=; break; }; done
        [ -n "$ok" ] && { echo "$py"; return 0; }
    done
    return 1
}
_wait_file() { local i; for i in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# (bash's own connect: a loopback port accepts or refuses at once, and a
# python3 start per poll costs 80 ms here.)
_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mqtt_start() {
    local mosq
    mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)
    [ -x "$mosq" ] || { echo "mqtt_start: mosquitto is not installed (Debian mosquitto)" >&2; return 1; }
    local try
    for try in 1 2 3; do # the free port may be taken between choosing and binding it
        MQTT_PORT=$(_free_port)
        printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$MQTT_PORT" >"$TMP/mosquitto.conf"
        timeout "${SERVER_MAX_SECONDS:-300}" "$mosq" -c "$TMP/mosquitto.conf" >"$TMP/mosquitto.log" 2>&1 &
        MQTT_PID=$!
        local i
        for i in $(seq 1 100); do
            _port_open "$MQTT_PORT" && break
            kill -0 "$MQTT_PID" 2>/dev/null || break
            sleep 0.1
        done
        if _port_open "$MQTT_PORT"; then
            MQTT_HOST=127.0.0.1
            MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
            export MQTT_HOST MQTT_PORT MQTT_URL
            return 0
        fi
        mqtt_stop
    done
    echo "mqtt_start: mosquitto did not start: $(tail -n 3 "$TMP/mosquitto.log" | tr '\n' ' ')" >&2
    return 1
}
mqtt_stop() { [ -n "${MQTT_PID:-}" ] && kill "$MQTT_PID" 2>/dev/null; wait "$MQTT_PID" 2>/dev/null; MQTT_PID=; }

# kafkamock_build: builds tests/server/kafkamock.c into KAFKAMOCK_BIN (default
# $TMP/kafkamock) unless it is there already (a family that starts the mock
# cluster twice, or from subshells with a $TMP of their own, builds it once).
kafkamock_build() {
    local bin=${KAFKAMOCK_BIN:-$TMP/kafkamock}
    [ -x "$bin" ] && return 0
    pkg-config --exists rdkafka 2>/dev/null || { echo "kafka_start: librdkafka is not installed (Debian librdkafka-dev)" >&2; return 1; }
    if ! cc -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -o "$bin.$BASHPID" "$TOP/tests/server/kafkamock.c" \
        $(pkg-config --cflags --libs rdkafka) 2>"$TMP/kafkamock.cc"; then
        echo "kafka_start: could not build kafkamock: $(head -n 3 "$TMP/kafkamock.cc" | tr '\n' ' ')" >&2
        rm -f "$bin.$BASHPID"; return 1
    fi
    mv -f "$bin.$BASHPID" "$bin"
}

kafka_start() {
    kafkamock_build || return 1
    rm -f "$TMP/kafka.port"
    "${KAFKAMOCK_BIN:-$TMP/kafkamock}" --port-file "$TMP/kafka.port" --max-seconds "${SERVER_MAX_SECONDS:-300}" &
    KAFKA_PID=$!
    _wait_file "$TMP/kafka.port" || { echo "kafka_start: the mock cluster did not start" >&2; kafka_stop; return 1; }
    KAFKA_BOOTSTRAP=$(cat "$TMP/kafka.port")
    export KAFKA_BOOTSTRAP
}
kafka_stop() { [ -n "${KAFKA_PID:-}" ] && kill "$KAFKA_PID" 2>/dev/null; wait "$KAFKA_PID" 2>/dev/null; KAFKA_PID=; }

ws_start() {
    local py
    py=$(py_with websockets) || { echo "ws_start: no python3 with websockets (Debian python3-websockets)" >&2; return 1; }
    rm -f "$TMP/ws.port"
    "$py" "$TOP/tests/server/wsrelay.py" --port-file "$TMP/ws.port" --max-seconds "${SERVER_MAX_SECONDS:-300}" &
    WS_PID=$!
    _wait_file "$TMP/ws.port" || { echo "ws_start: the relay did not start" >&2; ws_stop; return 1; }
    WS_URL="ws://127.0.0.1:$(cat "$TMP/ws.port")"
    export WS_URL
}
ws_stop() { [ -n "${WS_PID:-}" ] && kill "$WS_PID" 2>/dev/null; wait "$WS_PID" 2>/dev/null; WS_PID=; }
