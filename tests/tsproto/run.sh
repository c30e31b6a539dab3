#!/usr/bin/env bash
# The typescript target's protocol clients (issue 16): the per-operation
# client (src/operations.ts) over the Transport interface, with an in-memory
# transport, and over MQTT (mosquitto), Kafka (librdkafka's mock cluster) and
# WebSocket (tests/server/wsrelay.py) through the adapters, which load the npm
# packages mqtt, kafkajs and ws lazily. Those are pinned by package-lock.json
# here and installed with `npm ci` into tests/tsproto/node_modules (git
# ignores it); TypeScript comes from tests/tsclient (ts_tsc). Without node/npm,
# the registry or a broker, the steps that need them print `skip`.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/server/lib-server.sh"
here="$TOP/tests/tsproto"
command -v node >/dev/null && command -v npm >/dev/null || { skip tsproto "node or npm not installed"; exit 0; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' || { skip tsproto "node is older than 18"; exit 0; }
trap 'mqtt_stop; kafka_stop; ws_stop; rm -rf "$TMP"' EXIT

ts_tsc >/dev/null || { skip tsproto "npm ci for TypeScript failed (registry unreachable?)"; detail "$TMP/npm"; exit 0; }
# The builds and checks below: every tsc program in one node process (ts_programs, lib.sh).
ts_server_start
trap 'ts_server_stop; mqtt_stop; kafka_stop; ws_stop; rm -rf "$TMP"' EXIT

# The adapters' npm packages, reinstalled only when the lock file changed.
proto_modules() {
    local want lock rc=0
    want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
    exec {lock}>"$here/.npm-install.lock"
    flock "$lock"
    if [ "$(cat "$here/node_modules/.msggen-lock" 2>/dev/null)" != "$want" ]; then
        if (cd "$here" && timeout 180 npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$TMP/npm" 2>&1
        then echo "$want" >"$here/node_modules/.msggen-lock"; else rc=1; fi
    fi
    exec {lock}>&-
    return $rc
}
have_modules=1
proto_modules || { have_modules=; skip tsproto_adapters "npm ci of mqtt/kafkajs/ws failed (registry unreachable?)"; detail "$TMP/npm"; }

# Generated packages live under $TMP/lib, which sees the adapters' packages
# (node_modules link); $TMP/bare sees none.
mkdir -p "$TMP/lib" "$TMP/bare"
[ -n "$have_modules" ] && ln -s "$here/node_modules" "$TMP/lib/node_modules"

# build LABEL CATALOGUE: generate, tsc --strict, ESM and CommonJS builds as the
# package's own build script makes them (npm run build, with "strict": true).
# The build runs in $TMP/pkgs/LABEL, which sees no node_modules, as in the
# package's own folder after `npm install` (the adapters' packages are
# optional peers: not installed); then the package moves to $TMP/lib/LABEL
# for the runtime tests. Built beside tests/tsproto/node_modules, tsc would
# also load and check its @types (node, ws, readable-stream: 140 more files,
# twice per package, half of this family's CPU time): the packages' sources
# are checked beside those @types once, in the one tsc program below
# (ts_check_many), and the case passes only when both are clean.
declare -A built=()
build() {
    local d=$TMP/pkgs/$1
    mkdir -p "$TMP/pkgs"
    if ! mg generate -i "$2" -t typescript -o "$d" >/dev/null 2>"$d.err"; then
        fail "tsproto_${1}_should_generate" "generate failed"; detail "$d.err"; return 1
    fi
    # The package's build script (ts_build, lib.sh: shared with any family
    # building the same package, and kept between runs by content).
    if ts_build "$d" "tsproto_$1" >"$d.tsc" 2>&1; then
        grep '^# ' "$d.tsc"
        mv "$d" "$TMP/lib/$1" && built[$1]=1
    else
        fail "tsproto_${1}_should_pass_tsc_strict_esm_and_cjs" "tsc reports errors"; detail "$d.tsc"; return 1
    fi
}

# run_tests FILE [VAR=VALUE...]: the file's node:test cases, TAP turned into
# our lines. The file runs as the node process itself (`node
# --test-reporter=tap FILE`: its cases one after the other, the same TAP as
# `node --test FILE` prints), not in a child of a `node --test` runner
# process: one node start instead of two (0.1 s CPU a file). A file that
# fails to load prints no case: "ran no test" below.
run_tests() {
    local file=$1; shift
    [ -f "$here/$file" ] || return 0
    env "$@" timeout 120 node --test-reporter=tap "$here/$file" >"$TMP/tap" 2>&1
    awk '
        /^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, ""); print "ok " $0; next }
        /^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "not ok " $0 ": see the TAP report below"; inblock = 1; next }
        inblock && /^  [a-z]/ { print "# " $0; next }
    ' "$TMP/tap"
    grep -q '^ok \|^not ok ' "$TMP/tap" || { fail "tsproto_${file%%.*}_tests" "node --test ran no test"; detail "$TMP/tap"; }
}

cat_mqtt=$TOP/tests/catalogues/streetlights-3.0.yaml
cat_kafka=$TOP/tests/catalogues/streetlights-kafka-3.0.yaml
cat_ws=$TOP/tests/catalogues/rpc-ws-3.0.yaml
build mqtt "$cat_mqtt" && mqtt_ok=1
[ -f "$cat_kafka" ] && build kafka "$cat_kafka" && kafka_ok=1
[ -f "$cat_ws" ] && build ws "$cat_ws" && ws_ok=1

# The shared AsyncAPI examples, the collide catalogue and the built packages:
# tsc --strict, declarations only, in one tsc program (ts_check_many, lib.sh).
checks=()
ex=$TOP/../shared/conformance/asyncapi-examples/v3.0.0
if [ -d "$ex" ]; then
    for n in streetlights-kafka streetlights-mqtt rpc-client rpc-server; do
        [ -f "$ex/$n-asyncapi.yml" ] || { skip "tsproto_example_${n//-/_}" "no $n-asyncapi.yml"; continue; }
        d=$TMP/ex-$n
        if mg generate -i "$ex/$n-asyncapi.yml" -t typescript -o "$d" >/dev/null 2>"$d.err"
        then checks+=("example_${n//-/_}=$d")
        else fail "tsproto_example_${n//-/_}_should_pass_tsc_strict" "generate failed"; detail "$d.err"; fi
    done
    # adeo's payloads are remote Avro files msggen does not fetch.
    skip tsproto_example_adeo_kafka_request_reply "its payloads are remote \$refs (https://...avsc), which msggen does not fetch"
else
    skip tsproto_examples "no ../shared/conformance/asyncapi-examples"
fi
# A catalogue type named like the client class (and like a transport export)
# must not make the package ambiguous: index.ts exports the class by name.
d=$TMP/collide
if mg generate -i "$here/collide.yaml" -t typescript -o "$d" >/dev/null 2>"$d.err" && cp "$here/collide_check.ts" "$d/src/"
then checks+=("collide=$d")
else fail tsproto_type_named_like_the_client_class_should_not_collide "generate failed"; detail "$d.err"; fi
# The built packages too, beside the adapters' @types (see build above).
for label in mqtt kafka ws; do [ -n "${built[$label]:-}" ] && checks+=("built_$label=$TMP/lib/$label"); done
mkdir -p "$TMP/check"
[ -n "$have_modules" ] && ln -s "$here/node_modules" "$TMP/check/node_modules"
ts_check_many "$TMP/check" "${checks[@]}"
for c in "${checks[@]}"; do
    c=${c%%=*}
    case $c in
        collide) t=tsproto_type_named_like_the_client_class_should_not_collide ;;
        built_*) t=tsproto_${c#built_}_should_pass_tsc_strict_esm_and_cjs ;;
        *) t=tsproto_${c}_should_pass_tsc_strict ;;
    esac
    if [ -f "$TMP/check/$c.tsc" ] && ! [ -s "$TMP/check/$c.tsc" ]; then ok "$t"
    else fail "$t" "tsc reports errors"; detail "$TMP/check/$c.tsc"; fi
done

# The README's example (first operation and its other side) type-checks in
# each generated package, against the package as a consumer imports it: one
# consumer folder with every package in its node_modules and one example file
# per package, in one tsc program (the packages have distinct names, see below).
rd=$TMP/readme; labels=()
mkdir -p "$rd/node_modules"
printf '{"type": "module"}\n' >"$rd/package.json"
# The packages' names, read by one node.
declare -A pkg_of=()
while read -r label pkg; do pkg_of[$label]=$pkg; done < <(LIB=$TMP/lib node -e '
    for (const l of process.argv.slice(1)) {
        try { console.log(l, require(process.env.LIB + "/" + l + "/package.json").name); } catch (e) {}
    }' -- mqtt kafka ws 2>/dev/null)
for label in mqtt kafka ws; do
    d=$TMP/lib/$label
    [ -f "$d/README.md" ] || continue
    pkg=${pkg_of[$label]:-}
    [ -n "$pkg" ] || { fail "tsproto_${label}_readme_example_should_type_check" "no name in $d/package.json"; continue; }
    if [ -e "$rd/node_modules/$pkg" ]; then fail "tsproto_${label}_readme_example_should_type_check" "two packages named $pkg"; continue; fi
    ln -s "$d" "$rd/node_modules/$pkg"
    awk '/^## Operations over/ { on = 1 } on && /^```typescript$/ { code = 1; next } code && /^```$/ { exit } code { print }' \
        "$d/README.md" >"$rd/example-$label.ts"
    if [ -s "$rd/example-$label.ts" ]; then labels+=("$label")
    else fail "tsproto_${label}_readme_example_should_type_check" "no example in README.md"; fi
done
if [ ${#labels[@]} -gt 0 ]; then
    # tsc --strict --noEmit --target ES2022 --module NodeNext --moduleResolution
    # NodeNext --lib ES2022,DOM EXAMPLES..., as a tsconfig.json (ts_programs).
    files=; for label in "${labels[@]}"; do files+="${files:+, }\"example-$label.ts\""; done
    printf '{"compilerOptions": {"strict": true, "noEmit": true, "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["ES2022", "DOM"]},\n "files": [%s]}\n' \
        "$files" >"$rd/tsconfig.json"
    ts_programs "$rd" tsconfig.json >"$TMP/readme.tsc" 2>&1; rc=$?
    # Each error line starts with its file: an example or a package's
    # (node_modules/NAME/...); any other error counts for every example.
    grep -v '^ ' "$TMP/readme.tsc" | grep -v '^example-\|^node_modules/' >"$TMP/readme-other.tsc"
    for label in "${labels[@]}"; do
        pkg=${pkg_of[$label]}
        grep -A3 "^example-$label\.ts\|^node_modules/$pkg/" "$TMP/readme.tsc" >"$TMP/readme-$label.tsc"
        if [ "$rc" -eq 0 ] || { ! [ -s "$TMP/readme-$label.tsc" ] && ! [ -s "$TMP/readme-other.tsc" ] && grep -q 'error TS' "$TMP/readme.tsc"; }
        then ok "tsproto_${label}_readme_example_should_type_check"
        else fail "tsproto_${label}_readme_example_should_type_check" "tsc reports errors"; detail "$rd/example-$label.ts"
             cat "$TMP/readme-$label.tsc" "$TMP/readme-other.tsc" | detail; fi
    done
fi

ts_server_stop
[ -n "${mqtt_ok:-}" ] || exit 0

# The core package works without any adapter package: ESM and CommonJS.
cp -r "$TMP/lib/mqtt/dist" "$TMP/bare/dist"
if (cd "$TMP/bare" && node --input-type=module -e "
const lib = await import('$TMP/bare/dist/index.js');
const bus = new lib.MemoryBus();
const c = new lib.StreetlightsMqttApiClient({ transport: new lib.MemoryTransport(bus) });
await c.connect(); await c.close();
const m = new lib.StreetlightsMqttApiClient({ url: 'mqtt://127.0.0.1:1' });
await m.connect().then(() => process.exit(3), (e) => { if (!(e instanceof lib.ConfigError) || !/npm install mqtt/.test(e.message)) { console.error(e); process.exit(4); } });
" && node -e "
const lib = require('$TMP/bare/dist/cjs/index.js');
const c = new lib.StreetlightsMqttApiClient({ transport: new lib.MemoryTransport() });
c.connect().then(() => new lib.StreetlightsMqttApiClient({ url: 'ws://127.0.0.1:1' }).connect()).then(() => process.exit(3),
  (e) => { if (!(e instanceof lib.ConfigError) || !/npm install ws/.test(e.message)) { console.error(e); process.exit(4); } });
") >"$TMP/bare.out" 2>&1
then ok tsproto_core_should_work_without_the_adapter_packages_esm_and_cjs
else fail tsproto_core_should_work_without_the_adapter_packages_esm_and_cjs "exit $?"; detail "$TMP/bare.out"; fi

# The typed layer over MemoryTransport.
run_tests memory.test.mjs CLIENT="$TMP/lib/mqtt/dist/index.js"

[ -n "$have_modules" ] || exit 0

# MQTT 5 against mosquitto.
if mqtt_start 2>"$TMP/mqtt.err"; then
    run_tests mqtt.test.mjs CLIENT="$TMP/lib/mqtt/dist/index.js" CJS_CLIENT="$TMP/lib/mqtt/dist/cjs/index.js" \
        KAFKA_CLIENT="$TMP/lib/kafka/dist/index.js" MQTT_URL="$MQTT_URL" TMPDIR_TEST="$TMP" \
        MOSQUITTO="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
    mqtt_stop
else
    skip tsproto_mqtt "$(head -n 1 "$TMP/mqtt.err")"
fi

# WebSocket against the relay.
if [ -n "${ws_ok:-}" ]; then
    if ws_start 2>"$TMP/ws.err"; then
        run_tests ws.test.mjs CLIENT="$TMP/lib/ws/dist/index.js" WS_URL="$WS_URL" TMPDIR_TEST="$TMP" \
            PY="$(py_with websockets)" RELAY="$TOP/tests/server/wsrelay.py"
        ws_stop
    else
        skip tsproto_ws "$(head -n 1 "$TMP/ws.err")"
    fi
fi

# Kafka against librdkafka's mock cluster.
if [ -n "${kafka_ok:-}" ]; then
    if kafka_start 2>"$TMP/kafka.err"; then
        run_tests kafka.test.mjs CLIENT="$TMP/lib/kafka/dist/index.js" KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" \
            KAFKAMOCK="$TMP/kafkamock" TMPDIR_TEST="$TMP"
        kafka_stop
    else
        skip tsproto_kafka "$(head -n 1 "$TMP/kafka.err")"
    fi
fi
exit 0
