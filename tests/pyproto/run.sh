#!/usr/bin/env bash
# The python target's per-operation clients (issue 16): generated from the
# MQTT, Kafka and WebSocket catalogues, type-checked (mypy --strict, with
# their README's usage example), and run against real brokers on 127.0.0.1
# (tests/server/lib-server.sh: mosquitto, librdkafka's mock cluster, the
# WebSocket relay) and against the in-memory transport: round trips of every
# message, invalid messages reported, parameters refused, request/reply and
# its timeout, a typed error without a broker and when the broker goes away
# (roundtrip.py says what each test checks).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/server/lib-server.sh"
here="$TOP/tests/pyproto"
export PYTHONDONTWRITEBYTECODE=1
command -v python3 >/dev/null || { skip pyproto "python3 not installed"; exit 0; }
trap 'mqtt_stop; kafka_stop; ws_stop; rm -rf "$TMP"' EXIT

gen() { # label catalogue
    if mg generate -i "$2" -t python -o "$TMP/$1" >/dev/null 2>"$TMP/$1.err"; then
        ok "pyproto_$1_should_generate"; return 0
    fi
    fail "pyproto_$1_should_generate" "generate failed"; detail "$TMP/$1.err"; return 1
}
# (Globbed by bash: ls, head, dirname and basename were four process starts a call.)
pkg_of() { local f=("$1"/*/__init__.py) p; p=${f[0]%/__init__.py}; echo "${p##*/}"; }
shared=$SHARED/conformance/asyncapi-examples/v3.0.0

labels=()
gen mqtt "$TOP/tests/catalogues/streetlights-3.0.yaml" && labels+=(mqtt)
gen kafka "$TOP/tests/catalogues/streetlights-kafka-3.0.yaml" && labels+=(kafka)
gen ws "$TOP/tests/catalogues/rpc-ws-3.0.yaml" && labels+=(ws)
if [ -d "$shared" ]; then
    for c in streetlights-kafka streetlights-mqtt rpc-client rpc-server; do
        l=shared_${c//-/_}
        gen "$l" "$shared/$c-asyncapi.yml" && labels+=("$l")
    done
else
    skip pyproto_shared_examples "no ../shared/conformance/asyncapi-examples"
fi

# Types named like the client class and its error base: the target's
# reserved_catalogue renames them (ClashClient_, ClashClientError_), the
# package exports the client and the error, mypy stays clean.
mkdir -p "$TMP/clash-in"
cat >"$TMP/clash-in/catalogue.yaml" <<'YAML'
asyncapi: 3.0.0
info: {title: Clash, version: 1.0.0}
channels:
  c: {address: c, messages: {m: {$ref: '#/components/messages/m'}}}
operations:
  sendM: {action: send, channel: {$ref: '#/channels/c'}}
components:
  messages:
    m: {payload: {$ref: '#/components/schemas/ClashClient'}}
  schemas:
    ClashClient: {type: object, properties: {a: {type: string}, e: {$ref: '#/components/schemas/ClashClientError'}}}
    ClashClientError: {type: object, properties: {code: {type: integer}}}
YAML
gen clash "$TMP/clash-in/catalogue.yaml" && labels+=(clash)
# Types named like the package's exports (ConnectionError, Received...): the
# target's reserved list renames them (ConnectionError_), mypy stays clean.
cat >"$TMP/clash-in/exports.yaml" <<'YAML'
asyncapi: 3.0.0
info: {title: Exports, version: 1.0.0}
channels:
  c: {address: 'c/{id}', parameters: {id: {}}, messages: {m: {$ref: '#/components/messages/m'}}}
operations:
  sendM: {action: send, channel: {$ref: '#/channels/c'}}
  receiveM: {action: receive, channel: {$ref: '#/channels/c'}}
components:
  messages:
    m: {payload: {$ref: '#/components/schemas/ConnectionError'}}
  schemas:
    ConnectionError: {type: object, properties: {r: {$ref: '#/components/schemas/Received'}}}
    Received: {type: object, properties: {t: {$ref: '#/components/schemas/Transport'}}}
    Transport: {type: object, properties: {e: {$ref: '#/components/schemas/ReceiveError'}}}
    ReceiveError: {type: string}
YAML
gen exports "$TMP/clash-in/exports.yaml" && labels+=(exports)

# The round trips below (in-memory, then each broker's) wait mostly for the
# brokers (a Kafka consumer group's join alone is 3 to 9 s in the mock
# cluster) and share nothing: each runs in a subshell of its own, with its
# own broker on its own port and a $TMP of its own for the broker's files
# (lib-server.sh), all at once; their lines are printed in this order when
# all have ended.
pkgs=$TMP bg_pids=() n=0
# bg LABEL COMMAND...: runs COMMAND in the background into $TMP/job-N.out.
bg() { n=$((n + 1)); ( TMP=$pkgs/job-$n; mkdir -p "$TMP"; "${@:2}" ) >"$pkgs/job-$n.out" 2>&1 & bg_pids+=($!); }

# The in-memory transport (a user-plugged Transport), every catalogue: no broker.
memory_run() { # label
    timeout 120 python3 "$here/roundtrip.py" "memory_$1" "$pkgs/$1" "$(pkg_of "$pkgs/$1")" memory 2>"$TMP/mem.err" ||
        { fail "pyproto_memory_$1_should_run" "roundtrip.py failed"; detail "$TMP/mem.err"; }
}
for l in mqtt kafka ws; do
    [ -d "$TMP/$l" ] || continue
    bg "memory_$l" memory_run "$l"
done

closed_port=$(_free_port)
run_broker() { # label catalogue-label python url kill-pid closed-url [restart-command]
    local more=(); [ -n "${7:-}" ] && more=(--restart "$7")
    timeout "${PYPROTO_RUN_LIMIT:-180}" "$3" "$here/roundtrip.py" "$1" "$pkgs/$2" "$(pkg_of "$pkgs/$2")" "$4" --kill "$5" --closed "$6" "${more[@]}" 2>"$TMP/$1.run.err" ||
        { fail "pyproto_$1_should_run" "roundtrip.py failed"; detail "$TMP/$1.run.err"; }
}
# MQTT: mosquitto, paho-mqtt.
mqtt_run() { # label py
    trap mqtt_stop EXIT
    if mqtt_start 2>"$TMP/mqtt-start.err"; then
        run_broker "mqtt_$1" "$1" "$2" "$MQTT_URL" "$MQTT_PID" "mqtt://127.0.0.1:$closed_port" \
            "timeout 60 $(command -v mosquitto || echo /usr/sbin/mosquitto) -c $TMP/mosquitto.conf"
        mqtt_stop
    else skip "pyproto_mqtt_$1" "$(cat "$TMP/mqtt-start.err")"; fi
}
if ! py=$(py_with paho.mqtt.client); then skip pyproto_mqtt "no python3 with paho-mqtt (Debian python3-paho-mqtt)"
else
    for l in mqtt shared_streetlights_mqtt; do
        [ -d "$TMP/$l" ] || continue
        bg "mqtt_$l" mqtt_run "$l" "$py"
    done
fi
# Kafka: the mock cluster (built once for both), confluent-kafka. Its waits
# cover one consumer-group rejoin: under load librdkafka 2.0 (confluent-kafka
# runs on it) rejoins at once after its first JoinGroup, and the mock cluster
# answers a member that rejoins while the group is syncing only after
# session.timeout.ms - 1 s (44 s), where a broker answers once every member
# has rejoined (tests/cproto: REPLY_WAIT_MS). A 30 s wait failed once, in a
# .ci/run of stop 30: dim_light on its parameterised topic, not received.
kafka_run() { # label py
    trap kafka_stop EXIT
    if kafka_start 2>"$TMP/kafka-start.err"; then
        PYPROTO_TIMEOUT=60 PYPROTO_RUN_LIMIT=300 run_broker "kafka_$1" "$1" "$2" "kafka://$KAFKA_BOOTSTRAP" "$KAFKA_PID" "kafka://127.0.0.1:$closed_port"
        kafka_stop
    else skip "pyproto_kafka_$1" "$(cat "$TMP/kafka-start.err")"; fi
}
if ! py=$(py_with confluent_kafka); then skip pyproto_kafka "no python3 with confluent-kafka (Debian python3-confluent-kafka)"
else
    export KAFKAMOCK_BIN=$TMP/kafkamock
    kafkamock_build 2>"$TMP/kafka-build.err"  # (when it fails, each kafka_start says why)
    for l in kafka shared_streetlights_kafka; do
        [ -d "$TMP/$l" ] || continue
        bg "kafka_$l" kafka_run "$l" "$py"
    done
fi
# WebSocket: the relay, websockets.
ws_run() { # label py
    trap ws_stop EXIT
    if ws_start 2>"$TMP/ws-start.err"; then
        run_broker "ws_$1" "$1" "$2" "$WS_URL/ws" "$WS_PID" "ws://127.0.0.1:$closed_port/ws"
        ws_stop
    else skip "pyproto_ws_$1" "$(cat "$TMP/ws-start.err")"; fi
}
if ! py=$(py_with websockets); then skip pyproto_ws "no python3 with websockets (Debian python3-websockets)"
else
    for l in ws; do
        [ -d "$TMP/$l" ] || continue
        bg "ws_$l" ws_run "$l" "$py"
    done
fi
# mypy --strict: every package, and each README's usage example.
mypy_py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -m mypy --version >/dev/null 2>&1; then mypy_py=$p; break; fi
done
mypy_cached=0 mypy_version=$([ -n "$mypy_py" ] && "$mypy_py" -m mypy --version)
for l in "${labels[@]}"; do
    d=$TMP/$l m=$(pkg_of "$TMP/$l")
    if [ -z "$mypy_py" ]; then skip "pyproto_${l}_should_pass_mypy_strict" "no python3 with mypy"; continue; fi
    # The README's first ```python block after "## Usage".
    awk '/^## Usage/ { u = 1 } u && /^```python/ { p = 1; next } p && /^```/ { exit } p' "$d/README.md" >"$d/readme_example.py"
    if [ -s "$d/readme_example.py" ]; then
        # Not checked again when these bytes passed this mypy before (result_key, lib.sh).
        key=$(result_key "$("$mypy_py" --version) $mypy_version: mypy --strict $m readme_example.py" "$d")
        if result_passed_before "$key"; then
            ok "pyproto_${l}_package_and_readme_example_should_pass_mypy_strict"; mypy_cached=$((mypy_cached + 1))
        elif (cd "$d" && "$mypy_py" -m mypy --strict --cache-dir="$MYPY_CACHE" "$m" readme_example.py) >"$d.mypy" 2>&1
        then ok "pyproto_${l}_package_and_readme_example_should_pass_mypy_strict"; result_passed "$key"
        else fail "pyproto_${l}_package_and_readme_example_should_pass_mypy_strict" "mypy --strict"; detail "$d.mypy"; fi
    else
        fail "pyproto_${l}_readme_should_have_a_usage_example" "no python block after ## Usage in README.md"
    fi
done
echo "# mypy: ${#labels[@]} packages, $mypy_cached passed before with the same bytes"
if [ -d "$TMP/clash" ]; then
    if PYTHONPATH="$TMP/clash" python3 -c 'import clash_client as c, sys; sys.exit(not hasattr(c.ClashClient, "connect") or not issubclass(c.ClashClientError, Exception) or not hasattr(c.types, "ClashClient_") or not hasattr(c.types, "ClashClientError_") or hasattr(c.types, "ClashClient"))' 2>"$TMP/clash.py.err"
    then ok pyproto_clash_types_named_like_the_client_and_its_error_should_be_renamed
    else fail pyproto_clash_types_named_like_the_client_and_its_error_should_be_renamed "clash_client.ClashClient is not the client, or the types were not renamed"; detail "$TMP/clash.py.err"; fi
fi

[ ${#bg_pids[@]} -eq 0 ] || wait "${bg_pids[@]}"
for ((i = 1; i <= n; i++)); do cat "$pkgs/job-$i.out"; done
