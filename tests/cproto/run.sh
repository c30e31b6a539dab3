#!/usr/bin/env bash
# The C target's typed operations over transports (issue 16): the client
# generated from roundtrip.yaml talks to itself over an in-memory transport
# written against the generated interface, over mosquitto (the generated
# MQTT adapter) and over librdkafka's mock cluster (the Kafka adapter), and
# the client of rpc-ws-3.0.yaml over tests/server/wsrelay.py (the
# WebSocket adapter, libwebsockets; ws_test.c): every
# message type round trip with parameters and headers, invalid and
# undecodable messages reported and not delivered, local refusals, a broker
# that goes away. The bus compiles warning-free (-Werror, gcc and clang) for every catalogue
# in tests/catalogues and the shared AsyncAPI examples, and the generated
# README's example compiles. Under make asan (MG_SANITIZED=1) everything runs
# with ASan+UBSan.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/c-target/lib-c.sh"
. "$TOP/tests/server/lib-server.sh"
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
bus_pids=
trap 'mqtt_stop; kafka_stop; ws_stop; bus_report; rm -rf "$TMP"' EXIT

have_mqtt=0; pkg-config --exists libmosquitto && have_mqtt=1
have_kafka=0; pkg-config --exists rdkafka && have_kafka=1
have_ws=0; pkg-config --exists libwebsockets && have_ws=1
adapter_pkgs="$([ $have_mqtt = 1 ] && echo libmosquitto) $([ $have_kafka = 1 ] && echo rdkafka)"
defs="$([ $have_mqtt = 1 ] && echo -DWITH_MQTT) $([ $have_kafka = 1 ] && echo -DWITH_KAFKA)"

# ---- the bus (and adapters) compile for every catalogue -------------------
# The transport adapters (_mqtt.c, _kafka.c, _ws.c) are the same text in
# every catalogue's output but for the prefix (NAME_, NAMEU_, and NAME in a
# default client id) and the opening comment (the catalogue's name): gcc -O1
# compiles each such text once per prefix length (a string's length can
# change gcc's truncation warnings), remembered clean under TEST_CACHE
# (cc-KEY; the compiler, its flags and that text). What else in a catalogue
# could break an adapter is in its headers, which the same loop compiles in
# _bus.c, and name clashes, which clang (below, on the real text of every
# file) and asyncapi-examples (gcc -fsyntax-only) catch.
# This loop is compiler work only (no broker, no shared state but the
# content-keyed caches), and the longest part of the family: it runs in the
# background (bus_start), split over two workers (catalogue i goes to
# worker i % 2, each with its own scratch folder), beside the last checks of
# the family (at a lower priority than those); its results are printed at
# the end, in catalogue order. (The compiler's version and the flags are worked out
# once, not per file: process starts are dear here.)
bus_cflags="$C_WARN -O1 -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags libcjson)"
bus_ccver=$($CC --version | head -n 1)
bus_cache=${TEST_CACHE-$TOP/${O:-build}/test-cache}
# bus_keys reads "A<TAB>PREFIX<TAB>FILE" and "C<TAB>DIR<TAB>FILE..." lines
# and prints "A<TAB>PATH<TAB>KEY" or "C<TAB>PATH<TAB>KEY" for each: an adapter's cache key (cc-KEY: the
# compiler, its flags and command, the prefix length and the text with the
# opening comment dropped and the prefix set aside), and the key under which
# c_clang_check (tests/c-target/lib-c.sh) remembers a file of DIR clean
# (clang-HSUM-SHA1-NAME: clang's version, the flags, the name and hash of
# each header of DIR, the file's hash and name; computed as c_clang_check
# does, so that c-target's checks of the same files and cproto's share their
# results). One perl run for all of a worker's catalogues.
bus_keys() {
    perl -MDigest::SHA=sha1_hex -e '
        my ($ver, $flags, $cver, $cflags) = @ARGV;
        sub slurp { open(my $h, "<", $_[0]) or do { warn "$_[0]: $!\n"; return undef }; local $/; my $t = <$h>; close $h; $t }
        while (my $line = <STDIN>) {
            chomp $line; my ($kind, $a, $b) = split /\t/, $line, 3;
            if ($kind eq "A") {
                my ($p, $f) = ($a, $b); my $P = uc $p;
                my $text = slurp($f); next if !defined $text;
                my @l = split /^/, $text;
                my ($c, $t) = (0, "");
                for my $i (0 .. $#l) {
                    local $_ = $l[$i];
                    $c = 1 if $i == 0 && m{^/\*};
                    if ($c) { if (m{\*/}) { $c = 0; $t .= $_ if !m{^ *\*/ *$} } next }
                    $t .= $_;
                }
                $t =~ s/\b\Q$p\E_/PFX_/g; $t =~ s/\b\Q$P\E_/PFXU_/g; $t =~ s/\b\Q$p\E\b/PFX/g;
                print "A\t$f\t", "cc-", substr(sha1_hex("$ver\n$flags " . length($p) . "\n$t"), 0, 24), "\n";
            } else {
                my $dir = $a;
                opendir(my $dh, $dir) or do { warn "$dir: $!\n"; next };
                my @h = grep { /\.h\z/ && !/^\./ && -f "$dir/$_" } readdir $dh; closedir $dh;
                my %hs = map { $_ => slurp("$dir/$_") } @h;
                next if grep { !defined } values %hs;
                my $hs = join "", map { "$_\n" } sort map { "$_ " . sha1_hex($hs{$_}) } @h;
                my $hsum = substr(sha1_hex("$cver\n$cflags\n$hs"), 0, 20);
                for my $f (split / /, $b) {
                    (my $n = $f) =~ s/[^A-Za-z0-9_.-]/_/g;
                    my $t = slurp("$dir/$f"); next if !defined $t;
                    print "C\t$dir/$f\tclang-$hsum-", sha1_hex($t), "-$n\n";
                }
            }
        }' "$bus_ccver" "$bus_cflags -S" "${C_CLANG_VERSION:-}" "$bus_clang_flags"
}
# One worker's part of the loop: bus_worker W checks the catalogues i with
# i % 2 = W and writes each one's result lines to $TMP/bus/(i+1).out, in
# steps over all of them (process starts are dear here): generate each and
# compile its _bus.c; the keys of every adapter and clang-checked file (one
# perl run); the adapters not compiled clean before; one clang-check over
# every file not checked clean before (c_clang_check per catalogue when that
# fails, or without clang-check: it gives the verdict and the log per
# catalogue); then each catalogue's line. gcc compiles to assembler
# (-S -o /dev/null): its diagnostics are the compiler proper's, the
# assembler adds none for C.
bus_worker() {
    local w=$1 i n out name f p l spec='' todo=() todo_keys=() hits=() bs ads
    local -a ns=()
    local -A name_of=() files_of=() ads_of=() bad_of=() akey_of=() ckey_of=()
    for i in "${!bus_cats[@]}"; do
        [ $((i % 2)) = "$w" ] || continue
        n=$((i + 1)) out=$TMP/cat$((i + 1))
        name=${bus_cats[$i]##*/}; name=${name%.*}; name=${name//[^A-Za-z0-9]/_}
        : >"$TMP/bus-$n.log"
        if ! mg generate -t c -i "${bus_cats[$i]}" -o "$out" >"$TMP/g.log" 2>&1; then
            # Catalogues msggen refuses (remote $refs) are other families' business.
            IFS= read -r l <"$TMP/g.log"
            skip "cproto_bus_compiles_$name" "msggen does not generate it: $l" >"$bus/$n.out"
            continue
        fi
        ns+=("$n"); name_of[$n]=$name
        bs=("$out"/*_bus.c) ads=()
        [ $have_mqtt = 1 ] && ads+=("$out"/*_mqtt.c)
        for f in "$out"/*_kafka.c; do [ $have_kafka = 1 ] && [ -f "$f" ] && ads+=("$f"); done
        for f in "$out"/*_ws.c; do [ $have_ws = 1 ] && [ -f "$f" ] && ads+=("$f"); done
        ads_of[$n]="${ads[*]}"
        files_of[$n]="${bs[*]##*/} ${ads[*]##*/}"
        for f in "${bs[@]}"; do
            # shellcheck disable=SC2086
            $CC $bus_cflags -I"$out" -S -o /dev/null "$f" >>"$TMP/bus-$n.log" 2>&1 || bad_of[$n]=1
        done
        p=   # the Makefile's NAME
        while IFS= read -r l; do [[ $l =~ ^NAME\ *=\ *(.*)$ ]] && { p=${BASH_REMATCH[1]}; break; }; done <"$out/Makefile"
        if [ -n "$p" ] && [ -n "$bus_cache" ]; then
            for f in "${ads[@]}"; do spec+="A"$'\t'"$p"$'\t'"$f"$'\n'; done
        fi
        [ $have_clang = 0 ] || spec+="C"$'\t'"$out"$'\t'"${files_of[$n]}"$'\n'
    done
    [ ${#ns[@]} -gt 0 ] || return 0
    if [ -n "$spec" ]; then
        while IFS=$'\t' read -r p f l; do
            if [ "$p" = A ]; then akey_of[$f]=$l; else ckey_of[$f]=$l; fi
        done < <(printf '%s' "$spec" | bus_keys 2>"$TMP/keys.log")
        # (A file without a key: an adapter is compiled as it is, not
        # remembered; a clang-checked file goes to c_clang_check below.)
        [ -s "$TMP/keys.log" ] && for n in "${ns[@]}"; do cat "$TMP/keys.log" >>"$TMP/bus-$n.log"; done
    fi
    [ -z "$bus_cache" ] || mkdir -p "$bus_cache"
    # An adapter whose key the other worker has claimed (it is compiling
    # that text now) waits for a second pass, which finds it clean, or
    # compiles it (the other failed, or is not done). (Claims: files made
    # with noclobber in the shared $bus folder, by a subshell: no program
    # start.)
    local pass later=() n_of=()
    for n in "${ns[@]}"; do for f in ${ads_of[$n]}; do later+=("$f"); n_of+=("$n"); done; done
    for pass in 1 2; do
        local todo_a=("${later[@]}") todo_n=("${n_of[@]}")
        later=() n_of=()
        for i in "${!todo_a[@]}"; do
            f=${todo_a[$i]} n=${todo_n[$i]}
            l=${akey_of[$f]:-}
            if [ -n "$l" ] && [ -f "$bus_cache/$l" ]; then hits+=("$bus_cache/$l"); continue; fi
            if [ -n "$l" ] && [ $pass = 1 ] && ! (set -C; : >"$bus/claim-$l") 2>/dev/null; then
                later+=("$f"); n_of+=("$n"); continue
            fi
            # shellcheck disable=SC2086
            if $CC $bus_cflags -I"${f%/*}" -S -o /dev/null "$f" >>"$TMP/bus-$n.log" 2>&1; then
                [ -z "$l" ] || : >"$bus_cache/$l"
            else
                bad_of[$n]=1
            fi
        done
    done
    # clang -Wpedantic also refuses GNU extensions in library macros (rd_kafka_producev's).
    local -A recheck=()
    if [ $have_clang = 1 ]; then
        for n in "${ns[@]}"; do
            for f in ${files_of[$n]}; do
                l=${ckey_of[$TMP/cat$n/$f]:-}
                if [ -z "$l" ]; then recheck[$n]=1
                elif [ -n "$bus_cache" ] && [ -f "$bus_cache/$l" ]; then hits+=("$bus_cache/$l")
                else todo+=("$TMP/cat$n/$f"); todo_keys+=("$l"); recheck[$n]=${recheck[$n]:-0}; fi
            done
        done
        if [ ${#todo[@]} -gt 0 ]; then
            mkdir -p "$TMP/empty"
            # (Run where -I. adds nothing: each file's own headers are found
            # next to it, as with c_clang_check's cd into its folder.)
            # shellcheck disable=SC2086
            if [ -n "$C_CLANG_CHECK" ] && (cd "$TMP/empty" && "$C_CLANG_CHECK" "${todo[@]}" -- $bus_clang_flags) >"$TMP/clang-all.log" 2>&1; then
                if [ -n "$bus_cache" ]; then for l in "${todo_keys[@]}"; do : >"$bus_cache/$l"; done; fi
                for n in "${!recheck[@]}"; do [ "${recheck[$n]}" = 1 ] || unset "recheck[$n]"; done
            fi
            [ -z "$bus_cache" ] || find "$bus_cache" -maxdepth 1 -name 'clang-*' -mtime +14 -delete 2>/dev/null
        fi
        for n in "${!recheck[@]}"; do
            # shellcheck disable=SC2086
            c_clang_check "$TMP/cat$n" ${files_of[$n]} || { cat "$TMP/clang.log" >>"$TMP/bus-$n.log"; bad_of[$n]=1; }
        done
    fi
    # (Clean results used now are touched: their last use, for pruning.)
    [ ${#hits[@]} -eq 0 ] || touch -- "${hits[@]}"
    for n in "${ns[@]}"; do
        if [ -z "${bad_of[$n]:-}" ]; then ok "cproto_bus_should_compile_for_${name_of[$n]}"
        else fail "cproto_bus_should_compile_for_${name_of[$n]}" "${bus_cats[$((n - 1))]}"; detail "$TMP/bus-$n.log"; fi >"$bus/$n.out"
    done
}
bus_cats=()
for cat in "$TOP"/tests/catalogues/*.yaml "$here"/names.yaml \
           "$SHARED"/conformance/asyncapi-examples/v3.0.0/*.yml "$SHARED"/conformance/asyncapi-examples/v2.0.0/*.yml; do
    [ -f "$cat" ] && bus_cats+=("$cat")
done
have_clang=0; command -v clang >/dev/null && have_clang=1
bus_clang_flags="$C_WARN -D_POSIX_C_SOURCE=200809L -I. $(c_cflags) -fsyntax-only"   # c_clang_check's
[ $have_clang = 0 ] || c_clang_version   # (once, for both workers)
# Prints the loop's results (at the end of the family, also when it stops
# early: the EXIT trap); a catalogue whose worker died without a result
# fails by name.
bus_start() {
    mkdir -p "$TMP/bus"
    bus_pids=
    for w in 0 1; do
        (
            # (Niced: the README example runs against mosquitto within a
            # timeout, and must not queue behind this family's own compilers.)
            renice -n 10 "$BASHPID" >/dev/null 2>&1
            bus=$TMP/bus TMP=$TMP/w$w; mkdir -p "$TMP"
            bus_worker "$w" 2>"$TMP/worker.err"
        ) </dev/null &
        bus_pids="$bus_pids $!"
    done
}
bus_report() {
    local i lines
    [ -n "$bus_pids" ] || return 0
    # shellcheck disable=SC2086
    wait $bus_pids
    bus_pids=
    for i in "${!bus_cats[@]}"; do
        if [ -f "$TMP/bus/$((i + 1)).out" ]; then mapfile -t lines <"$TMP/bus/$((i + 1)).out"; printf '%s\n' "${lines[@]}"
        else fail "cproto_bus_should_compile_for_catalogue_$((i + 1))" "no result for ${bus_cats[$i]}"; fi
    done
}

# ---- the round-trip client, built with the generated Makefile -------------
rt=$TMP/rt
if ! mg generate -t c -i "$here/roundtrip.yaml" -o "$rt" >"$TMP/gen.log" 2>&1; then
    fail cproto_generate_should_succeed "see log"; detail "$TMP/gen.log"; exit 0
fi
# (The libraries are built with c_lib, tests/c-target/lib-c.sh: once per
# content and make arguments, shared with the other families.)
if ! rtd=$(c_lib "$rt" cproto-roundtrip MQTT=$have_mqtt KAFKA=$have_kafka); then
    fail cproto_library_should_build "make MQTT=$have_mqtt KAFKA=$have_kafka"; detail "$TMP/c_lib.log"; exit 0
fi
ok cproto_library_should_build_with_adapters
# shellcheck disable=SC2086
if ! $CC $C_WARN $(c_flags) $defs -D_POSIX_C_SOURCE=200809L -I"$rtd" $(pkg-config --cflags libcjson) -o "$TMP/roundtrip" \
      "$here/roundtrip_test.c" "$rtd/liblights_roundtrip.a" $(pkg-config --libs libcjson libpcre2-8 $adapter_pkgs) -lpthread -lm \
      >"$TMP/cc.log" 2>&1; then
    fail cproto_roundtrip_test_should_build "see log"; detail "$TMP/cc.log"; exit 0
fi

# Runs the round-trip program; its lines are the results. A crash, a
# sanitizer report or a leak fails the run as a whole. (The hang guard
# covers a Kafka run whose consumer groups each wait out one rejoin on the
# mock cluster, 44 s: roundtrip_test.c, REPLY_WAIT_MS.)
run_rt() { # NAME ARGS...
    local name=$1; shift
    timeout 300 $VALGRIND "$TMP/roundtrip" "$@" >"$TMP/rt.out" 2>"$TMP/rt.err"; local rc=$?
    cat "$TMP/rt.out"
    if grep -q "ERROR: \|runtime error\|definitely lost\|==[0-9]*== [A-Z]" "$TMP/rt.err" || { [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; }; then
        fail "cproto_${name}_should_run_clean" "exit $rc"; detail "$TMP/rt.err"
    elif [ "$rc" -eq 1 ] && ! grep -q '^not ok ' "$TMP/rt.out"; then
        fail "cproto_${name}_should_run_clean" "exit 1 without a failed case"; detail "$TMP/rt.err"
    fi
}

run_rt mem mem

if [ $have_mqtt = 0 ]; then
    skip cproto_mqtt "libmosquitto (libmosquitto-dev) not installed"
elif ! mqtt_start 2>"$TMP/mqtt.err"; then
    skip cproto_mqtt "$(cat "$TMP/mqtt.err")"
else
    run_rt mqtt mqtt "$MQTT_URL"
    # The URL from the environment, as the generated README shows it.
    LIGHTS_ROUNDTRIP_SERVER_URL=$MQTT_URL run_rt mqtt_env mqtt | grep -c '^ok ' >"$TMP/n"
    if [ "$(cat "$TMP/n")" -gt 10 ]; then ok cproto_mqtt_server_url_should_come_from_the_environment
    else fail cproto_mqtt_server_url_should_come_from_the_environment "$(cat "$TMP/n") cases passed"; fi
    # Another MQTT 5 client (paho-mqtt) reads what the C client sends: topic,
    # JSON payload, headers as user properties (strings as is, others as JSON).
    if ! py=$(py_with paho.mqtt); then
        skip cproto_mqtt_c_to_paho "no python3 with paho-mqtt (Debian python3-paho-mqtt)"
    else
        rm -f "$TMP/ready"
        "$py" "$here/pysub.py" 127.0.0.1 "$MQTT_PORT" "$TMP/ready" >"$TMP/py.out" 2>"$TMP/py.err" &
        pypid=$!
        for _ in $(seq 1 100); do [ -f "$TMP/ready" ] && break; sleep 0.1; done
        timeout 30 "$TMP/roundtrip" publish mqtt "$MQTT_URL" 2>"$TMP/pub.err"
        wait "$pypid"
        want='{"headers": {"x-count": "5", "x-trace": "from-c"}, "payload": {"id": 42, "lumens": 7, "note": "h\u00e9"}, "topic": "lights/x-1/events"}'
        if [ "$(cat "$TMP/py.out")" = "$want" ]; then ok cproto_mqtt_c_publisher_should_reach_a_paho_subscriber
        else fail cproto_mqtt_c_publisher_should_reach_a_paho_subscriber "got: $(cat "$TMP/py.out")"; detail "$TMP/py.err"; detail "$TMP/pub.err"; fi
    fi
    gone=$MQTT_URL
    mqtt_stop
    run_rt mqtt_gone gone mqtt "$gone"
fi

if [ $have_kafka = 0 ]; then
    skip cproto_kafka "librdkafka (librdkafka-dev) not installed"
elif ! kafka_start 2>"$TMP/kafka.err"; then
    skip cproto_kafka "$(cat "$TMP/kafka.err")"
else
    # Kafka topics cannot hold '/': the same catalogue with '.' levels.
    sed 's#lights/{lightId}/events#lights.{lightId}.events#' "$here/roundtrip.yaml" >"$TMP/roundtrip-kafka.yaml"
    rk=$TMP/rk
    if mg generate -t c -i "$TMP/roundtrip-kafka.yaml" -o "$rk" >"$TMP/gen.log" 2>&1 &&
       rkd=$(c_lib "$rk" cproto-roundtrip-kafka MQTT=0 KAFKA=1) &&
       $CC $C_WARN $(c_flags) -DWITH_KAFKA -D_POSIX_C_SOURCE=200809L -I"$rkd" $(pkg-config --cflags libcjson) -o "$TMP/roundtrip" \
           "$here/roundtrip_test.c" "$rkd/liblights_roundtrip.a" $(pkg-config --libs libcjson libpcre2-8 rdkafka) -lpthread -lm \
           >"$TMP/cc.log" 2>&1; then
        run_rt kafka kafka "kafka://$KAFKA_BOOTSTRAP"
        gone=$KAFKA_BOOTSTRAP
        kafka_stop
        run_rt kafka_gone gone kafka "kafka://$gone"
    else
        fail cproto_kafka_client_should_build "see log"; detail "$TMP/c_lib.log"; detail "$TMP/cc.log"
    fi
fi

# ---- WebSocket: the client of rpc-ws-3.0.yaml over libwebsockets ----------
# ws_test.c against tests/server/wsrelay.py: every message type round trip
# (a parameter percent-encoded in the path), invalid and undecodable
# messages reported, request/reply correlated in the payload, a timeout, an
# invalid reply reported to the requester, a relay that is gone or killed.
if [ $have_ws = 0 ]; then
    skip cproto_ws "libwebsockets (libwebsockets-dev) not installed"
else
    rw=$TMP/rw
    if mg generate -t c -i "$TOP/tests/catalogues/rpc-ws-3.0.yaml" -o "$rw" >"$TMP/gen.log" 2>&1 &&
       rwd=$(c_lib "$rw" cproto-ws WS=auto quotes_web_socket_api.pc) &&
       grep -q '^Requires.private:.* libwebsockets' "$rwd/quotes_web_socket_api.pc" &&
       $CC $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$rwd" $(pkg-config --cflags libcjson) -o "$TMP/ws_test" \
           -Wl,--wrap=lws_service "$here/ws_test.c" "$rwd/libquotes_web_socket_api.a" $(pkg-config --libs libcjson libpcre2-8 libwebsockets) -lpthread -lm \
           >"$TMP/cc.log" 2>&1; then
        ok cproto_ws_library_should_build_with_ws_auto_and_list_libwebsockets_in_its_pc
        if ! ws_start 2>"$TMP/ws.err"; then
            skip cproto_ws_relay "$(cat "$TMP/ws.err")"
        else
            # A base path with a trailing '/' in the URL: the addresses bring their own.
            run_ws() { # NAME ARGS...
                local name=$1; shift
                timeout 120 $VALGRIND "$TMP/ws_test" "$@" >"$TMP/ws.out" 2>"$TMP/ws.err"; local rc=$?
                cat "$TMP/ws.out"
                if grep -q "ERROR: \|runtime error\|definitely lost\|==[0-9]*== [A-Z]" "$TMP/ws.err" || { [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; }; then
                    fail "cproto_${name}_should_run_clean" "exit $rc"; detail "$TMP/ws.err"
                elif [ "$rc" -eq 1 ] && ! grep -q '^not ok ' "$TMP/ws.out"; then
                    fail "cproto_${name}_should_run_clean" "exit 1 without a failed case"; detail "$TMP/ws.err"
                fi
            }
            run_ws ws run "$WS_URL/desk/"
            rm -f "$TMP/ws.ready"
            run_ws ws_killed killed "$WS_URL/desk" "$TMP/ws.ready" &
            kpid=$!
            for _ in $(seq 1 100); do [ -f "$TMP/ws.ready" ] && break; sleep 0.1; done
            gone=$WS_URL
            ws_stop
            wait "$kpid"
            run_ws ws_gone gone "$gone/desk"
        fi
    else
        fail cproto_ws_client_should_build "see log"; detail "$TMP/gen.log"; detail "$TMP/c_lib.log"; detail "$TMP/cc.log"
    fi
fi

# ---- the bus (and adapters) compile for every catalogue: the loop ---------
# (After the broker scenarios, whose Kafka consumer-group and reply timings
# should not share the CPUs with this family's own compilers; beside the
# checks below, which wait on nothing.)
bus_start

# ---- parameter identifiers follow each target's reserved words -------------
# names.yaml's parameters int, default and class: C reserves int and default
# (not class), TypeScript default and class (not int), markdown none.
idents() { mg view -t "$1" -i "$here/names.yaml" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(" ".join(sorted({p["snake"] for o in v["operations"] for p in o["parameters"]} |
                      {p["snake"] for c in v["channels"] for p in c["parameters"]})))'; }
for want in "c:b bus class default_ err headers int_ params payload" \
            "typescript:b bus class_ default_ err headers int params payload" \
            "markdown:b bus class default err headers int params payload"; do
    t=${want%%:*}
    got=$(idents "$t" 2>&1)
    if [ "$got" = "${want#*:}" ]; then ok "cproto_parameter_idents_should_follow_${t}_reserved_words"
    else fail "cproto_parameter_idents_should_follow_${t}_reserved_words" "got '$got', want '${want#*:}'"; fi
done

# ---- the generated README's example compiles (and links with its adapter) --
for cat in "$TOP"/tests/catalogues/streetlights-3.0.yaml "$TOP"/tests/catalogues/streetlights-kafka-3.0.yaml \
           "$TOP"/tests/catalogues/rpc-ws-3.0.yaml; do
    [ -f "$cat" ] || continue
    name=$(basename "$cat" .yaml | tr -c 'A-Za-z0-9\n' _)
    out=$TMP/readme-$name
    if ! mg generate -t c -i "$cat" -o "$out" >"$TMP/g.log" 2>&1; then
        fail "cproto_readme_example_should_compile_$name" "generate"; detail "$TMP/g.log"; continue
    fi
    # The ```c block of the "Operations" section.
    awk '/^## Operations/{s=1} s && /^```c$/{c=1; next} c && /^```$/{exit} c' "$out/README.md" >"$out/example.c"
    if grep -q '_kafka_transport(' "$out/example.c"; then adapter=KAFKA pkg=rdkafka
    elif grep -q '_ws_transport(' "$out/example.c"; then adapter=WS pkg=libwebsockets
    else adapter=MQTT pkg=libmosquitto; fi
    if [ ! -s "$out/example.c" ]; then
        fail "cproto_readme_example_should_compile_$name" "no example in README.md"; continue
    fi
    if ! pkg-config --exists $pkg; then skip "cproto_readme_example_should_compile_$name" "$pkg not installed"; continue; fi
    lib=$(sed -n 's/^NAME *= *//p' "$out/Makefile")
    # (The same build as crosslang's for these catalogues and adapters.)
    if dir=$(c_lib "$out" "$name" $adapter=1) &&
       $CC $C_WARN $(c_flags) -I"$dir" $(pkg-config --cflags libcjson) -o "$out/example" "$out/example.c" "$dir/lib$lib.a" \
           $(pkg-config --libs libcjson libpcre2-8 $pkg) -lpthread -lm >"$TMP/cc.log" 2>&1; then
        ok "cproto_readme_example_should_compile_$name"
        # The MQTT example runs as the README says: the URL from the environment.
        if [ $adapter = MQTT ] && mqtt_start 2>/dev/null; then
            prefix=$(grep -o '[A-Z0-9_]*_SERVER_URL' "$out/README.md" | head -n 1)
            if env "$prefix=$MQTT_URL" timeout 60 $VALGRIND "$out/example" >"$TMP/ex.out" 2>"$TMP/ex.err" && [ ! -s "$TMP/ex.err" ]; then
                ok "cproto_readme_example_should_run_against_mosquitto_$name"
            else
                fail "cproto_readme_example_should_run_against_mosquitto_$name" "exit or stderr"; detail "$TMP/ex.err"
            fi
            mqtt_stop
        fi
    else
        fail "cproto_readme_example_should_compile_$name" "see log"; detail "$TMP/c_lib.log"; detail "$TMP/cc.log"
    fi
done
