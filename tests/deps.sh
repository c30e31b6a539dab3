#!/usr/bin/env bash
# tests/deps.sh - the one list of what building and testing msggen needs on
# Debian, and the one command that installs it (`make test-deps` runs it;
# .ci/run too, so the list cannot drift).
#
#   tests/deps.sh           install the missing packages (as root, or through sudo)
#   tests/deps.sh --list    print the package names, one per line
#   tests/deps.sh --check   print the missing ones; exit 1 if any
#
# What each is for (README.md, "Tests", says the same):
#   build-essential pkg-config libyaml-dev libcjson-dev libpcre2-dev   build msggen
#   libcurl4-openssl-dev   the generated C client (c-target, c-client)
#   clang libclang-rt-dev clang-tools  clang warnings on generated C (c-target: one
#                          clang-check process per catalogue), make fuzz
#   valgrind               make valgrind
#   cppcheck               c-cppcheck
#   python3 python3-mypy   python target (pyclient), test helpers (*.py)
#   nodejs npm             typescript target (tsclient); TypeScript itself comes
#                          from the npm registry (tests/tsclient/package-lock.json)
#   json-schema-test-suite conformance data for json-schema-suite and c-suite
#   mosquitto libmosquitto-dev librdkafka-dev libwebsockets-dev   broker transports
#                          (MQTT, Kafka, WebSocket): the broker and the mock cluster
#                          of tests/server, the C adapters
#   python3-paho-mqtt python3-confluent-kafka python3-websockets   the Python
#                          adapters (MQTT, Kafka, WebSocket) and the WebSocket relay
#   pre-commit git         the pre-commit hooks' test (a scratch repository)
#   inotify-tools          the watch mode's test
#   cmake binutils python3-pip   consumer projects (CMake build, readelf for the
#                          SONAME, pip install of the generated package)
set -u
PKGS="build-essential pkg-config libyaml-dev libcjson-dev libpcre2-dev libcurl4-openssl-dev
clang libclang-rt-dev clang-tools valgrind cppcheck python3 python3-mypy json-schema-test-suite
mosquitto libmosquitto-dev librdkafka-dev libwebsockets-dev python3-paho-mqtt python3-confluent-kafka
python3-websockets pre-commit git inotify-tools cmake binutils python3-pip"

missing() {
    local p
    for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done
    # Some images ship a nodejs that bundles npm and conflicts with Debian's npm
    # package: ask for them only when the commands are absent.
    command -v node >/dev/null 2>&1 || echo nodejs
    command -v npm >/dev/null 2>&1 || echo npm
}

case ${1:-} in
--list) printf '%s\n' $PKGS nodejs npm; exit 0 ;;
--check) m=$(missing); [ -z "$m" ] && exit 0; echo "$m"; exit 1 ;;
"") ;;
*) echo "usage: tests/deps.sh [--list|--check]" >&2; exit 2 ;;
esac

m=$(missing | tr '\n' ' ')
if [ -z "${m// /}" ]; then echo "tests/deps.sh: every build and test dependency is installed"; exit 0; fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "tests/deps.sh: not root and no sudo; run as root: apt-get install -y $m" >&2; exit 1; }
    SUDO=sudo
fi
echo "tests/deps.sh: installing: apt-get install -y $m"
export DEBIAN_FRONTEND=noninteractive
# Wait up to 2 minutes for a dpkg lock held by another apt (unattended upgrades).
apt() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@"; }
if ! { apt update -qq && apt install -y -qq $m; }; then
    echo "tests/deps.sh: apt-get failed (see above; a dpkg lock still held after 2 minutes shows as 'Could not get lock'); run: apt-get install -y $m" >&2
    exit 1
fi
