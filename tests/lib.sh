# tests/lib.sh - shared setup for every test script (sourced, not run).
#
# A test script prints one line per test case:
#   ok NAME
#   not ok NAME: REASON      (detail lines may follow, each starting with "# ")
#   skip NAME: REASON
# tests/run.sh counts them. Scripts exit 0 unless they could not run at all.
#
# Environment: MSGGEN (the binary under test), VALGRIND (a valgrind command line
# to wrap every run in, or empty), UNIT_DIR (compiled unit tests), SHARED (the
# shared/ folder with conformance data; may not exist).

export LC_ALL=C
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${MSGGEN:=$TOP/msggen}"
: "${VALGRIND:=}"
: "${SHARED:=$TOP/../shared}"
export MSGGEN VALGRIND SHARED TOP

TMP=$(mktemp -d "${TMPDIR:-/tmp}/msggen-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok()   { echo "ok $1"; }
fail() { echo "not ok $1: $2"; }
skip() { echo "skip $1: $2"; }
# Prints a file (or stdin) as "# " detail lines, at most 40 of them.
detail() { head -n 40 "${1:--}" | sed 's/^/# /'; }

# Runs msggen (under valgrind when VALGRIND is set). Valgrind reports go to
# stderr; its exit code 99 means memory errors or leaks.
mg() { $VALGRIND "$MSGGEN" "$@"; }

# Runs a compiled test program the same way.
run_prog() { $VALGRIND "$@"; }

# Draft-07 JSON-Schema-Test-Suite copies, one "LABEL DIR" line each, in this
# order (README.md, "Tests", says which claims need which):
#   shared  $SHARED/conformance/json-schema-draft7: the pinned copy (its
#           README.md names the upstream commit); known-failures.txt is kept
#           exact against it (a listed case it lacks fails)
#   debian  Debian's json-schema-test-suite package (JSON_SCHEMA_SUITE_DEBIAN,
#           default /usr/share/json-schema-test-suite), an older snapshot:
#           laid out in $TMP like the pinned copy (remotes/, the draft-07
#           meta-schema committed in tests/json-schema-suite/metaschema/), with
#           the same optional/format files; listed known failures it lacks are
#           only noted
# Prints nothing when neither is there.
JSON_SCHEMA_FORMATS="date-time date email hostname ipv4 ipv6 time uri"
json_schema_suites() {
    local deb=${JSON_SCHEMA_SUITE_DEBIAN:-/usr/share/json-schema-test-suite} v f
    [ -d "$SHARED/conformance/json-schema-draft7" ] && echo "shared $SHARED/conformance/json-schema-draft7"
    if [ -d "$deb/tests/draft7" ]; then
        v=$TMP/json-schema-suite-debian
        if [ ! -d "$v" ]; then
            mkdir -p "$v/optional/format"
            for f in "$deb"/tests/draft7/*.json; do ln -s "$f" "$v/"; done
            for f in $JSON_SCHEMA_FORMATS; do
                [ -f "$deb/tests/draft7/optional/format/$f.json" ] && ln -s "$deb/tests/draft7/optional/format/$f.json" "$v/optional/format/"
            done
            ln -s "$deb/remotes" "$v/remotes"
            ln -s "$TOP/tests/json-schema-suite/metaschema" "$v/metaschema"
        fi
        echo "debian $v"
    fi
}

# npm_pack SPEC: prints the path of the npm registry tarball of SPEC (a pinned
# "name@version": a published version never changes), fetched with `npm pack`
# once and then kept in build/npm-pack/. Returns 1 (log in $TMP/npm-pack.log)
# when it cannot be fetched.
npm_pack() {
    local dir=$TOP/${O:-build}/npm-pack tgz w
    tgz=$dir/$(echo "$1" | tr '@/' '__').tgz
    if [ ! -s "$tgz" ]; then
        mkdir -p "$dir" && w=$(mktemp -d "$dir/.pack.XXXXXX") || return 1
        if (cd "$w" && timeout 60 npm pack --silent --prefer-offline "$1") >"$TMP/npm-pack.log" 2>&1 &&
           mv "$w"/*.tgz "$tgz.$$" && mv "$tgz.$$" "$tgz"; then :; fi
        rm -rf "$w" "$tgz.$$"
    fi
    [ -s "$tgz" ] && echo "$tgz"
}

# ts_tsc: prints the path of tsc, pinned by tests/tsclient/package-lock.json
# and installed with `npm ci` into tests/tsclient/node_modules (git ignores
# it) when the lock file changed since the last install. Every family that
# needs TypeScript calls this: the first one installs, under a lock, so that
# two families starting together never run `npm ci` (which first deletes
# node_modules) into one folder at once, and none depends on another having
# run first. Returns 1 (npm's output in $TMP/npm) without node/npm or when
# the install fails.
ts_tsc() {
    local dir=$TOP/tests/tsclient want lock rc=0
    command -v node >/dev/null && command -v npm >/dev/null || { echo "node or npm not installed" >"$TMP/npm"; return 1; }
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    exec {lock}>"$dir/.npm-install.lock"
    flock "$lock"
    if [ "$(cat "$dir/node_modules/.msggen-lock" 2>/dev/null)" != "$want" ] || [ ! -x "$dir/node_modules/.bin/tsc" ]; then
        # --prefer-offline: what npm's cache (~/.npm) holds is not fetched again.
        if (cd "$dir" && timeout 120 npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$TMP/npm" 2>&1; then
            echo "$want" >"$dir/node_modules/.msggen-lock"
        else
            rc=1
        fi
    fi
    exec {lock}>&-
    [ "$rc" -eq 0 ] && [ -x "$dir/node_modules/.bin/tsc" ] && echo "$dir/node_modules/.bin/tsc"
}
