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

# A `python3` on PATH that is a script (pyenv's shim works out the version on
# every call: 0.33 s a start here, against 0.08 s for the interpreter it runs,
# and a run starts Python many hundred times) is resolved once: the family
# runs the same interpreter through a link in $TMP/bin.
if py=$(command -v python3) && [ "$(head -c 2 "$py" 2>/dev/null)" = "#!" ] &&
   real=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$real" ] && [ "$real" != "$py" ]; then
    mkdir -p "$TMP/bin" && ln -sf "$real" "$TMP/bin/python3" && PATH=$TMP/bin:$PATH && export PATH
fi
unset py real

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

# ts_version: what `tsc --version` prints ("Version 5.9.3"), read from the
# installed typescript's package.json instead of starting node and tsc (0.6 s
# CPU a call here); call after ts_tsc.
ts_version() {
    sed -n 's/^ *"version": *"\([^"]*\)".*/Version \1/p' "$TOP/tests/tsclient/node_modules/typescript/package.json" | head -n 1
}

# ts_programs DIR [--skipLibCheck] [--per-config] CONFIG...: compiles each
# CONFIG as `tsc -p CONFIG` run in DIR would (tests/tsclient/tsc_programs.cjs:
# each a whole program with its own options, diagnostics as `tsc --pretty
# false` prints them, status 0, 1 on errors, 2 on a bad config). In a family
# that called ts_server_start, the compile runs in the family's one
# TypeScript process (the FIFOs in $TMP/tsc-server), so that all its
# programs share one start of node and TypeScript and one parse of the
# library files; otherwise in a node process of its own. Library files that
# a program found clean are not checked again by a later program that writes
# no declarations, with the same libraries and options, in any family
# (ok-tslib-KEY in the result cache, _result_dir; tsc_programs.cjs).
ts_programs() {
    local dir=$1 srv=$TMP/tsc-server pid lk fd st res
    shift
    [[ $dir == /* ]] || dir=$PWD/$dir
    if pid=$(cat "$srv/pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; then
        # One request at a time: the status lines come back in order.
        exec {lk}>"$srv/lock"
        flock "$lk"
        res=$srv/res.$BASHPID
        exec {fd}<"$srv/out"
        (IFS=$'\t'; printf '%s\n' "$res	$dir	$*") >"$srv/in"
        read -r st <&"$fd" || st=
        exec {fd}<&- {lk}>&-
        if [ -z "$st" ]; then
            echo "tsc_programs.cjs (the family's TypeScript process) stopped:"; tail -n 20 "$srv/log"; return 2
        fi
        cat "$res"; rm -f "$res"
        return "$st"
    fi
    (cd "$dir" && TSC_PROGRAMS_CACHE=$(_result_dir) timeout 600 node "$TOP/tests/tsclient/tsc_programs.cjs" "$TOP/tests/tsclient/node_modules/typescript" "$@")
}
# ts_server_start: starts the family's TypeScript process for ts_programs
# (call after ts_tsc, in the family's own shell, not in a subshell).
# ts_server_stop: ends it and waits for it, so that its CPU time is counted
# in the family's (tests/run.sh); call it in the family's EXIT trap too.
# Without ts_server_stop it ends by itself once the family's shell is gone.
ts_server_start() {
    local srv=$TMP/tsc-server
    [ -z "${TS_SERVER_PID:-}" ] || return 0
    rm -rf "$srv" && mkdir -p "$srv" && mkfifo "$srv/in" "$srv/out" || return 1
    TSC_PROGRAMS_CACHE=$(_result_dir) node "$TOP/tests/tsclient/tsc_programs.cjs" "$TOP/tests/tsclient/node_modules/typescript" --serve "$srv" "$$" \
        </dev/null >"$srv/log" 2>&1 &
    TS_SERVER_PID=$!
    echo "$TS_SERVER_PID" >"$srv/pid"
}
ts_server_stop() {
    [ -n "${TS_SERVER_PID:-}" ] || return 0
    rm -f "$TMP/tsc-server/pid"
    kill "$TS_SERVER_PID" 2>/dev/null; wait "$TS_SERVER_PID" 2>/dev/null
    TS_SERVER_PID=
}

# ts_build DIR [NAME]: builds the generated TypeScript package in DIR as its own
# build script does (`npm run build`: tsc -p tsconfig.json, ESM into dist/, then
# tsc -p tsconfig.cjs.json, CommonJS into dist/cjs/), with the pinned tsc
# (ts_tsc) first on PATH; its tsconfig.json must say "strict": true, so that
# the build is a tsc --strict type check. tsc's output goes to stdout.
#
# A build is done once per content and shared: its key is the sha256 of every
# file under DIR (names and bytes; node_modules excluded), of the lock file of
# the node_modules folder DIR sees (DIR/node_modules or ../node_modules, a link
# to tests/tsclient or tests/tsproto), of the tsc and node versions and of this
# command. A successful build's tree is kept in TEST_CACHE (default
# build/test-cache; empty: no cache) under ts-KEY, and a later call with the
# same key (another family of the same run, or a later run) copies it into DIR
# instead of running tsc again, printing "# NAME: built before (ts-KEY)"
# (entries unused for 3 days are removed when a new one is stored). Two
# families asking for one key at once build it once (flock). A failed build is
# not kept: it runs again each time, with its errors. Returns 1 when the build
# fails, 2 when tsc is missing.
#
# The build runs with --skipLibCheck added to each tsc command (a `tsc` on
# PATH that adds it): it only leaves out the errors located in .d.ts files
# the package reads, which here are TypeScript's own lib files (ES2022, DOM:
# the same for every package; the families build where no @types are
# visible) and never the package's own sources or emitted declarations.
# Checking lib.dom.d.ts again cost 3 s CPU of each tsc run (4 s of a small
# package's 8); the families' ts_check_many programs check the same lib files
# with the packages' own "skipLibCheck": false.
#
# The build script msggen generates (TS_BUILD_SCRIPT: tsc -p tsconfig.json,
# tsc -p tsconfig.cjs.json, then dist/cjs/package.json saying CommonJS) runs
# in one node process (tests/tsclient/tsc_programs.cjs: both programs, each
# checked and emitted whole with its own options, the library files parsed
# once): the same dist/ byte for byte, without npm's and the second tsc's
# start and the second parse of the libraries (2 s CPU of a build's 8 to 10).
# A package whose build script is any other runs it with npm run build.
TS_BUILD_SCRIPT='    "build": "tsc -p tsconfig.json && tsc -p tsconfig.cjs.json && node -e \"require('"'fs'"').writeFileSync('"'dist/cjs/package.json'"', '"'"'{\\\"type\\\": \\\"commonjs\\\"}\\n'"'"')\"",'
_ts_build_run() {
    local shim=$TMP/ts-build-shim
    if grep -qxF -- "$TS_BUILD_SCRIPT" "$1/package.json" && [ "$(grep -c '"build":' "$1/package.json")" -eq 1 ]; then
        ts_programs "$1" --skipLibCheck tsconfig.json tsconfig.cjs.json 2>&1 &&
            printf '{"type": "commonjs"}\n' >"$1/dist/cjs/package.json"
        return
    fi
    if [ ! -x "$shim/tsc" ]; then
        mkdir -p "$shim" && printf '#!/bin/sh\nexec "%s" "$@" --skipLibCheck\n' "$2" >"$shim/tsc.$$" &&
            chmod +x "$shim/tsc.$$" && mv "$shim/tsc.$$" "$shim/tsc" || return 1
    fi
    (cd "$1" && PATH="$shim:$(dirname "$2"):$PATH" timeout 600 npm run --silent build 2>&1)
}
ts_build() {
    local dir=$1 name=${2:-$(basename "$1")} tsc key nm lockf cache ent lock rc=0
    tsc=$(ts_tsc) || return 2
    grep -q '"strict": *true' "$dir/tsconfig.json" || { echo "$dir/tsconfig.json does not say \"strict\": true"; return 1; }
    nm=none
    for lockf in "$dir/node_modules" "$dir/../node_modules"; do
        [ -e "$lockf" ] && { nm=$(readlink -f "$lockf"); break; }
    done
    key=$( {
        echo "ts_build 3 (--skipLibCheck) $(node --version) $(ts_version)"; sha256sum <"$TOP/tests/tsclient/tsc_programs.cjs"
        echo "node_modules: $nm"; cat "$nm/../package-lock.json" 2>/dev/null
        (cd "$dir" && find . -path ./node_modules -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum --)
    } | sha256sum | cut -c1-32)
    cache=${TEST_CACHE-$TOP/${O:-build}/test-cache}
    [ -n "$cache" ] || { _ts_build_run "$dir" "$tsc"; return $?; }
    mkdir -p "$cache" || { _ts_build_run "$dir" "$tsc"; return $?; }
    ent=$cache/ts-$key
    exec {lock}>"$ent.lock"
    flock "$lock"
    if [ -f "$ent/.ok" ]; then
        if cp -a "$ent/." "$dir/" && rm -f "$dir/.ok"; then touch "$ent"; echo "# $name: built before (ts-$key)"
        else echo "could not copy $ent into $dir"; rc=1; fi
    elif _ts_build_run "$dir" "$tsc"; then
        rm -rf "$ent.tmp" && mkdir -p "$ent.tmp" &&
            (cd "$dir" && tar cf - --exclude=./node_modules .) | (cd "$ent.tmp" && tar xf -) &&
            : >"$ent.tmp/.ok" && rm -rf "$ent" && mv "$ent.tmp" "$ent"
        # Each change of msggen or of a template makes new entries (4 MB for
        # the worker-backend package): the ones unused for 3 days go.
        find "$cache" -maxdepth 1 -name 'ts-*' -mtime +3 -exec rm -rf {} + 2>/dev/null
    else
        rc=1
    fi
    exec {lock}>&-
    return $rc
}

# ts_check_many WORK NAME=PKGDIR...: tsc --strict type check of several
# generated TypeScript packages' src/ in one tsc program (one process: the libraries it
# loads, lib.dom.d.ts and the rest, are parsed and checked once instead of once
# per package, which is most of a small package's tsc time). Each package's
# src/ is copied to WORK/NAME; the program has the options of the packages'
# tsconfig.json (less rootDir; declarations only, so that declaration errors
# count as in the package's build, no JavaScript) and their package.json
# "type", which decides how NodeNext reads the sources. Packages whose
# tsconfig.json or "type" differ from the first one's are checked in their own
# program, so every package is checked with its own options, as `tsc -p` in
# its folder would. Generated sources are modules (imports, exports): packages
# do not see each other's names. Writes WORK/NAME.tsc per package: the errors
# in its files, plus any error outside every package's files (as a package's
# own tsc run would report them too); empty when clean. Returns 2 without tsc.
ts_check_many() {
    local work=$1 tsc arg name pkg first= type ftype group=() alone=() rc
    shift
    tsc=$(ts_tsc) || return 2
    mkdir -p "$work/all"
    # Every package's "type", read by one node (not one per package).
    local types=() i=0
    [ $# -gt 0 ] && mapfile -t types < <(node -e '
        for (const a of process.argv.slice(1)) {
            let t = "";
            try { t = require(a.slice(a.indexOf("=") + 1) + "/package.json").type || "commonjs"; } catch (e) {}
            console.log(t);
        }' -- "$@" 2>/dev/null)
    for arg in "$@"; do
        name=${arg%%=*} pkg=${arg#*=}
        type=${types[$i]:-}; i=$((i + 1))
        if [ -z "$first" ]; then first=$pkg ftype=$type; fi
        if cmp -s "$pkg/tsconfig.json" "$first/tsconfig.json" && [ "$type" = "$ftype" ]; then
            group+=("$name"); cp -R "$pkg/src" "$work/all/$name"
        else
            alone+=("$name=$pkg")
        fi
    done
    [ -n "$first" ] || return 0
    cp "$first/package.json" "$work/all/"
    python3 - "$first/tsconfig.json" "$work/all/tsconfig.json" <<'PY'
import json, sys
opts = json.load(open(sys.argv[1]))["compilerOptions"]
# Declarations are emitted (to WORK/all-d.ts, then dropped) so that their
# errors count too, as in the package's own build.
opts.pop("rootDir", None)
opts["outDir"] = "../all-d.ts"
opts["declaration"] = True
opts["emitDeclarationOnly"] = True
opts["strict"] = True
json.dump({"compilerOptions": opts, "include": ["*/**/*.ts"]}, open(sys.argv[2], "w"), indent=2)
PY
    ts_programs "$work/all" tsconfig.json >"$work/all.log" 2>&1; rc=$?
    # Error lines start with the file's path (NAME/...); the lines after an
    # error line that start with a space belong to it.
    awk -v work="$work" -v list="${group[*]}" '
        BEGIN { n = split(list, a, " "); for (i = 1; i <= n; i++) names[a[i]] = 1 }
        /^[^ ]/ { split($0, p, "/"); cur = (p[1] in names) ? p[1] : "" }
        cur == "" { if ($0 != "") outside = outside $0 "\n"; next }
        { print > (work "/" cur ".tsc") }
        END { printf "%s", outside > (work "/outside.tsc") }
    ' "$work/all.log"
    # A failing tsc that printed nothing about any file still fails them all.
    if [ "$rc" -ne 0 ] && ! [ -s "$work/outside.tsc" ] && ! grep -q 'error TS' "$work/all.log"; then
        echo "tsc exited $rc" >>"$work/outside.tsc"
    fi
    for name in "${group[@]}"; do
        touch "$work/$name.tsc"
        [ -s "$work/outside.tsc" ] && cat "$work/outside.tsc" >>"$work/$name.tsc"
    done
    for arg in "${alone[@]}"; do
        (cd "${arg#*=}" && "$tsc" --strict -p . --declaration --emitDeclarationOnly --outDir "$work/${arg%%=*}-d.ts" --pretty false) >"$work/${arg%%=*}.tsc" 2>&1
    done
    return 0
}

# MYPY_CACHE: the --cache-dir for a family's mypy runs: a folder of its own
# $TMP, so nothing of another family or an earlier run is reused, but the
# family's second and later mypy runs reuse the first one's analysis of the
# standard library stubs (typeshed) and of unchanged modules (mypy checks each
# cached module against its source's hash), instead of redoing it: about
# 1.7 s of a small package's 2.5 s of mypy CPU. Nothing is written beside
# the sources.
MYPY_CACHE=$TMP/mypy-cache

# Cached verdicts of checks that only read files (a compiler's or a type
# checker's pass over generated code), for checks run over many documents
# whose output rarely changes between runs (asyncapi-examples: 33 documents
# through gcc, mypy and tsc).
#
#   key=$(result_key TOOL-ID DIR...)   the check's inputs: TOOL-ID (the tool's
#                                      version and the exact command line)
#                                      and every file under each DIR (names
#                                      relative to it, bytes; not Python's
#                                      __pycache__, which holds timestamps
#                                      and which no checker reads)
#   result_passed_before KEY           true when a check with KEY passed before
#   result_passed KEY                  records that it passed
#
# Only passes are kept (TEST_CACHE, default build/test-cache, as ok-KEY; an
# empty TEST_CACHE keeps nothing): a failing check runs again every time and
# reports its errors. The same bytes through the same tool and options give
# the same verdict, so a kept pass is that check's result, not a skipped one;
# a change of msggen or of a template changes the generated bytes, hence the
# key. Entries unused for 3 days are removed.
result_key() {
    local id=$1 d i=0; shift
    { printf '%s\n' "$id"
      for d in "$@"; do
          i=$((i + 1)); echo "== $i"
          # One sha256sum over the folder's files ("HASH  ./NAME" lines,
          # names sorted), not one process per file.
          (cd "$d" && find . -name __pycache__ -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum --)
      done; } | sha256sum | cut -c1-32
}
_result_dir() { local c=${TEST_CACHE-$TOP/${O:-build}/test-cache}; [ -n "$c" ] && mkdir -p "$c" && echo "$c"; }
result_passed_before() {
    local c; c=$(_result_dir) || return 1
    [ -f "$c/ok-$1" ] && touch "$c/ok-$1"
}
result_passed() {
    local c; c=$(_result_dir) || return 0
    : >"$c/ok-$1"
    find "$c" -maxdepth 1 -name 'ok-*' -mtime +3 -delete 2>/dev/null
    return 0
}

# ts_compile DIR: `tsc --strict -p . --outDir DIR/dist` in DIR (a generated
# TypeScript package whose JavaScript a test then runs), with the pinned tsc
# (ts_tsc). The dist/ of a successful compile is kept under TEST_CACHE as
# tsc-KEY (KEY: result_key of tsc's and node's versions, this command and
# every file under DIR before the compile) and copied back when the same
# sources are compiled again, printing "# DIR: compiled before (tsc-KEY)".
# A failed compile is not kept. tsc's output goes to stdout; returns its
# status, 2 without tsc.
ts_compile() {
    local dir=$1 tsc key cache ent lock rc=0
    tsc=$(ts_tsc) || return 2
    key=$(result_key "ts_compile 1 $(ts_version) node $(node --version): tsc --strict -p . --outDir dist" "$dir")
    cache=$(_result_dir) || { (cd "$dir" && "$tsc" --strict -p . --outDir "$dir/dist"); return $?; }
    ent=$cache/tsc-$key
    exec {lock}>"$ent.lock"
    flock "$lock"
    if [ -f "$ent/.ok" ]; then
        mkdir -p "$dir/dist" && cp -a "$ent/." "$dir/dist/" && rm -f "$dir/dist/.ok" && touch "$ent" &&
            echo "# $dir: compiled before (tsc-$key)" || rc=1
    elif (cd "$dir" && "$tsc" --strict -p . --outDir "$dir/dist"); then
        rm -rf "$ent.tmp" && cp -a "$dir/dist" "$ent.tmp" && : >"$ent.tmp/.ok" && rm -rf "$ent" && mv "$ent.tmp" "$ent"
        find "$cache" -maxdepth 1 -name 'tsc-*' -mtime +3 -exec rm -rf {} + 2>/dev/null
    else
        rc=1
    fi
    exec {lock}>&-
    return $rc
}
