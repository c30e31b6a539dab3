# tests/c-target/lib-c.sh - build generated C libraries for the C-target test
# families (sourced after tests/lib.sh).
#
#   c_flags                 prints the CFLAGS for generated code: -O0 normally,
#                           ASan+UBSan when MG_SANITIZED=1 (make asan)
#   c_lib SRC NAME          builds the static library of the generated sources
#                           in SRC with the generated Makefile, once per distinct
#                           source set: the build lives under build/c-target/
#                           (build/c-target-asan/ for make asan) in a folder named
#                           by the hash of the sources, compiler and flags, and
#                           any family (c-target, c-client, c-suite), run in
#                           parallel or later, reuses it. Prints the folder
#                           (read-only for callers: build harnesses elsewhere);
#                           returns 1 (build log in $TMP/c_lib.log). NAME is a
#                           label: NAME -> HASH symlinks show what is what.
#   c_lib SRC NAME ARG...   the same with make arguments (MQTT=1, WS=auto, more
#                           targets such as NAME.pc), part of the key: cproto
#                           and crosslang build the same catalogues with the
#                           same adapters, and share one build.
C_WARN="-std=c11 -Wall -Wextra -Wpedantic -Werror"
c_flags() {
    if [ "${MG_SANITIZED:-}" = 1 ]; then
        echo "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
    elif [ -n "${VALGRIND:-}" ]; then
        echo "-O0 -g"   # (valgrind's reports name the lines)
    else
        echo "-O0"      # (-g was 13% of the library builds' CPU, and no test reads it)
    fi
}
# (c_lib runs in $(...): the compiler's version is asked here, once per family.)
C_CC_VERSION=$("${CC:-gcc}" --version 2>/dev/null | head -n 1); C_CC_VERSION_OF=${CC:-gcc}
# The archiver for c_lib's make: CC-ar (gcc-ar) when there is one. Plain
# `ar rcs` loads every plugin in /usr/lib/bfd-plugins to build the symbol
# index, and LLVM's LLVMgold.so there (Debian's llvm) costs 90 ms of CPU
# per archive; gcc-ar names GCC's own LTO plugin, and ar then loads only
# that (8 ms). The archive is the same.
c_ar() { command -v "${CC:-gcc}-ar" 2>/dev/null || echo ar; }
c_cache_root() { echo "$TOP/${O:-build}/c-target$([ "${MG_SANITIZED:-}" = 1 ] && echo -asan)"; }
# c_make_name MAKEFILE: sets c_name to the generated Makefile's NAME (what
# `sed -n 's/^NAME *= *//p'` prints for it; read by bash, not a process).
c_make_name() {
    local l
    c_name=
    while IFS= read -r l || [ -n "$l" ]; do
        [[ $l =~ ^NAME\ *=\ *(.*)$ ]] && { c_name=${BASH_REMATCH[1]}; return 0; }
    done <"$1"
    return 1
}
c_lib() {
    local src=$1 name=$2 root key dir tmp f files lock c_name
    shift 2
    root=$(c_cache_root)
    [ -d "$root" ] || mkdir -p "$root"
    # (The sources are hashed by one sha1sum: a process per file was 3% of
    # c-target's CPU.)
    [ "${C_CC_VERSION_OF:-}" = "${CC:-gcc}" ] ||
        { C_CC_VERSION=$("${CC:-gcc}" --version 2>/dev/null | head -n 1); C_CC_VERSION_OF=${CC:-gcc}; }
    key=$( { echo "${CC:-gcc} $(c_flags)"; echo "$C_CC_VERSION"
             [ $# -eq 0 ] || echo "make arguments: $*"
             cd "$src" && shopt -s nullglob && sha1sum -- *.c *.h *.pc.in Makefil[e]; } | sha1sum)
    key=${key:0:20}
    dir=$root/$key
    # One builder per source set: a family that needs the same sources while
    # another builds them waits for it (flock), then reuses its build. The
    # build is made aside and renamed into place, so a killed run leaves none.
    exec {lock}>"$root/.lock-$key"
    flock "$lock"
    if [ ! -f "$dir/.built" ]; then
        tmp=$(mktemp -d "$root/.build.XXXXXX")
        files=()
        for f in "$src"/*.c "$src"/*.h "$src"/*.pc.in "$src"/Makefile; do [ -f "$f" ] && files+=("$f"); done
        cp -- "${files[@]}" "$tmp/"
        # (The Makefile's MY_CFLAGS is a recursive variable whose value runs
        # pkg-config: once per compile. $TMP/c_lib.mk, read after it, makes
        # it simple: the same value, pkg-config run once per build.)
        # shellcheck disable=SC2016
        printf 'MY_CFLAGS := $(MY_CFLAGS)\n' >"$TMP/c_lib.mk"
        c_make_name "$tmp/Makefile"
        if ! make -s -C "$tmp" -f Makefile -f "$TMP/c_lib.mk" CC="${CC:-gcc}" AR="$(c_ar)" CFLAGS="$(c_flags) -Werror" "lib$c_name.a" "$@" >"$TMP/c_lib.log" 2>&1; then
            rm -rf "$tmp"; exec {lock}>&-; return 1
        fi
        : >"$tmp/.built"
        [ ! -e "$dir" ] || rm -rf "$dir"
        mv -T "$tmp" "$dir"
    fi
    exec {lock}>&-
    touch "$dir/.built"   # last use, for pruning
    ln -sfn "$key" "$root/$name" 2>/dev/null
    # Builds unused for two weeks go (old sources of a catalogue pile up
    # otherwise): looked for at a family's first c_lib of ROOT, not at every
    # one (two processes per build; c_lib runs in $(...), so $TMP remembers).
    if [ ! -e "$TMP/.c_lib_pruned-${root//\//_}" ]; then
        find "$root" -mindepth 2 -maxdepth 2 -name .built -mtime +14 -printf '%h\n' 2>/dev/null | xargs -r rm -rf
        : >"$TMP/.c_lib_pruned-${root//\//_}"
    fi
    echo "$dir"
}
# Link flags for a program using a generated library.
# (pkg-config is asked once per family and PKG_CONFIG_PATH: the callers run
# these in $(...), four times per catalogue in c-target.)
_c_pkg() {
    if [ "${_C_PKG_OF-unset}" != "${PKG_CONFIG_PATH:-}" ]; then
        _C_PKG_LIBS=$(pkg-config --libs libcjson libpcre2-8 libcurl)
        _C_PKG_CFLAGS=$(pkg-config --cflags libcjson libpcre2-8 libcurl)
        _C_PKG_OF=${PKG_CONFIG_PATH:-}
    fi
}
_c_pkg
c_libs() { _c_pkg; echo "$_C_PKG_LIBS -lpthread -lm"; }
c_cflags() { _c_pkg; echo "$_C_PKG_CFLAGS"; }

# c_clang_check DIR FILE...: clang -fsyntax-only with the C target's warnings
# (-Werror) on each FILE of the generated sources in DIR (run in DIR, -I.).
# A clean file is remembered under TEST_CACHE (default build/test-cache; empty:
# no cache) by the hash of clang's version, the flags, the file's name and
# text and every header in DIR, and not checked again: c-target and cproto
# check the same bus and adapter sources of tests/catalogues, and an
# unchanged catalogue's output is not checked again in a later run. Returns 1
# when a file has problems (clang's output in $TMP/clang.log).
#
# The files left to check go to one clang-check process (the same clang
# front end and cc1 arguments as `clang -fsyntax-only`, from the same LLVM,
# over every file) when its LLVM version is clang's: each clang start loads
# libLLVM and libclang-cpp (0.11 s of CPU here, half of a file's check), and
# several files on one clang command line are each checked in a process of
# their own. When clang-check finds a problem, or is not there, every file is
# checked by clang itself, one process each, and that output is the log.
c_clang_version() {
    [ -n "${C_CLANG_VERSION:-}" ] && return
    C_CLANG_VERSION=$(clang --version | head -n 1)
    C_CLANG_CHECK=
    if command -v clang-check >/dev/null &&
       [ "$(clang-check --version 2>/dev/null | sed -n 's/.*LLVM version \([0-9.]*\).*/\1/p')" = "$(clang -dumpversion)" ]; then
        C_CLANG_CHECK=$(command -v clang-check)
    fi
}
# _c_clang_todo DIR FILE...: sets _c_todo to the FILEs of DIR not remembered
# clean and _c_keys to their cache keys (_c_flags, _c_cache: from
# _c_clang_setup). Key: clang's version, the flags, each header's name and
# hash, then per file its name and hash (one sha1sum over the headers and the
# files).
_c_clang_setup() {
    c_clang_version
    _c_flags="$C_WARN -D_POSIX_C_SOURCE=200809L -I. $(c_cflags) -fsyntax-only"
    _c_cache=${TEST_CACHE-$TOP/${O:-build}/test-cache}
    [ -z "$_c_cache" ] || [ -d "$_c_cache" ] || mkdir -p "$_c_cache" || _c_cache=
}
_c_clang_todo() {
    local dir=$1 f h hsum key hits=()
    shift
    declare -A sum=()
    while read -r h f; do sum[$f]=$h; done < <(cd "$dir" && sha1sum -- *.h "$@" 2>/dev/null)
    # (The headers in LC_ALL=C order: the glob's, lib.sh sets LC_ALL=C. The
    # files remembered clean are touched by one touch.)
    hsum=$( { echo "$C_CLANG_VERSION"; echo "$_c_flags"
              for h in "$dir"/*.h; do h=${h##*/}; [ -n "${sum[$h]:-}" ] && echo "$h ${sum[$h]}"; done; } | sha1sum)
    hsum=${hsum:0:20}
    _c_todo=() _c_keys=()
    for f in "$@"; do
        key=clang-$hsum-${sum[$f]:-none}-${f//[^A-Za-z0-9_.-]/_}
        if [ -n "$_c_cache" ] && [ -n "${sum[$f]:-}" ] && [ -f "$_c_cache/$key" ]; then hits+=("$_c_cache/$key"); continue; fi
        _c_todo+=("$f"); _c_keys+=("$key")
    done
    [ ${#hits[@]} -eq 0 ] || touch -- "${hits[@]}"
}
c_clang_check() {
    local dir=$1 i rc=0
    shift
    _c_clang_setup
    _c_clang_todo "$dir" "$@"
    local todo=("${_c_todo[@]}") keys=("${_c_keys[@]}") cache=$_c_cache flags=$_c_flags
    : >"$TMP/clang.log"
    # shellcheck disable=SC2086
    if [ ${#todo[@]} -gt 0 ] && [ -n "$C_CLANG_CHECK" ] &&
       (cd "$dir" && "$C_CLANG_CHECK" "${todo[@]}" -- $flags) >"$TMP/clang.log" 2>&1; then
        [ -z "$cache" ] || for i in "${!todo[@]}"; do : >"$cache/${keys[$i]}"; done
    else
        : >"$TMP/clang.log"
        for i in "${!todo[@]}"; do
            # shellcheck disable=SC2086
            if (cd "$dir" && clang $flags "${todo[$i]}") >>"$TMP/clang.log" 2>&1; then
                [ -z "$cache" ] || : >"$cache/${keys[$i]}"
            else
                rc=1
            fi
        done
    fi
    # (Empty files, one per clean source; the ones unused for two weeks go.)
    [ -z "$cache" ] || [ ${#todo[@]} -eq 0 ] || find "$cache" -maxdepth 1 -name 'clang-*' -mtime +14 -delete 2>/dev/null
    return $rc
}
# c_clang_check_many DIR...: what c_clang_check does for every *.c of each
# DIR, in one clang-check process for all (a compilation database: each file
# with c_clang_check's flags, run in its own DIR), so that the c_clang_check
# of each DIR that follows finds its files clean. It only fills the cache:
# when that one process reports any problem (or there is no cache, or no
# clang-check), it remembers nothing, and each c_clang_check checks, and
# reports, as without it. (c-target: one clang-check start, 0.1 s of CPU,
# instead of one per catalogue.)
c_clang_check_many() {
    local dir d f i w sep='' files=() keys=() args='' cs
    _c_clang_setup
    [ -n "$C_CLANG_CHECK" ] && [ -n "$_c_cache" ] || return 0
    # shellcheck disable=SC2086
    for w in clang $_c_flags; do args+="${args:+,}\"$w\""; done
    mkdir -p "$TMP/clang-db"
    for dir in "$@"; do
        d=$(cd "$dir" && pwd -P) || continue
        case $d in *[\"\\]*) continue;; esac   # (not written into JSON; c_clang_check does it)
        cs=("$d"/*.c); [ -f "${cs[0]}" ] || continue
        _c_clang_todo "$d" "${cs[@]##*/}"
        for i in "${!_c_todo[@]}"; do
            f=$d/${_c_todo[$i]}
            case $f in *[\"\\]*) continue;; esac
            files+=("$f"); keys+=("${_c_keys[$i]}")
            printf '%s{"directory": "%s", "file": "%s", "arguments": [%s, "%s"]}\n' "$sep" "$d" "$f" "$args" "$f"; sep=,
        done
    done > "$TMP/clang-db/list"
    [ ${#files[@]} -gt 0 ] || return 0
    { echo '['; cat "$TMP/clang-db/list"; echo ']'; } >"$TMP/clang-db/compile_commands.json"
    if "$C_CLANG_CHECK" -p "$TMP/clang-db" "${files[@]}" >"$TMP/clang-many.log" 2>&1; then
        for i in "${!keys[@]}"; do : >"$_c_cache/${keys[$i]}"; done
    fi
    return 0
}
