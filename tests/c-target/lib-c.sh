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
    else
        echo "-O0 -g"
    fi
}
c_cache_root() { echo "$TOP/${O:-build}/c-target$([ "${MG_SANITIZED:-}" = 1 ] && echo -asan)"; }
c_lib() {
    local src=$1 name=$2 root key dir tmp f lock
    shift 2
    root=$(c_cache_root)
    mkdir -p "$root"
    key=$( { echo "${CC:-gcc} $(c_flags)"; "${CC:-gcc}" --version 2>/dev/null | head -n 1
             [ $# -eq 0 ] || echo "make arguments: $*"
             cd "$src" && for f in *.c *.h *.pc.in Makefile; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done; } |
           sha1sum | cut -c1-20)
    dir=$root/$key
    # One builder per source set: a family that needs the same sources while
    # another builds them waits for it (flock), then reuses its build. The
    # build is made aside and renamed into place, so a killed run leaves none.
    exec {lock}>"$root/.lock-$key"
    flock "$lock"
    if [ ! -f "$dir/.built" ]; then
        tmp=$(mktemp -d "$root/.build.XXXXXX")
        for f in "$src"/*.c "$src"/*.h "$src"/*.pc.in "$src"/Makefile; do [ -f "$f" ] && cp "$f" "$tmp/"; done
        if ! make -s -C "$tmp" CC="${CC:-gcc}" CFLAGS="$(c_flags) -Werror" "lib$(sed -n 's/^NAME *= *//p' "$tmp/Makefile").a" "$@" >"$TMP/c_lib.log" 2>&1; then
            rm -rf "$tmp"; exec {lock}>&-; return 1
        fi
        : >"$tmp/.built"
        rm -rf "$dir"; mv -T "$tmp" "$dir"
    fi
    exec {lock}>&-
    touch "$dir/.built"   # last use, for pruning
    ln -sfn "$key" "$root/$name" 2>/dev/null
    # Builds unused for two weeks go (old sources of a catalogue pile up otherwise).
    find "$root" -mindepth 2 -maxdepth 2 -name .built -mtime +14 -printf '%h\n' 2>/dev/null | xargs -r rm -rf
    echo "$dir"
}
# Link flags for a program using a generated library.
c_libs() { echo "$(pkg-config --libs libcjson libpcre2-8 libcurl) -lpthread -lm"; }
c_cflags() { echo "$(pkg-config --cflags libcjson libpcre2-8 libcurl)"; }

# c_clang_check DIR FILE...: clang -fsyntax-only with the C target's warnings
# (-Werror) on each FILE of the generated sources in DIR (run in DIR, -I.).
# A clean file is remembered under TEST_CACHE (default build/test-cache; empty:
# no cache) by the hash of clang's version, the flags, the file and every
# header in DIR, and not checked again: c-target and cproto check the same
# bus and adapter sources of tests/catalogues, and an unchanged catalogue's
# output is not checked again in a later run. Returns 1 when a file has
# problems (clang's output in $TMP/clang.log).
c_clang_check() {
    local dir=$1 f flags hsum key cache todo=() keys=() i rc=0
    shift
    flags="$C_WARN -D_POSIX_C_SOURCE=200809L -I. $(c_cflags) -fsyntax-only"
    cache=${TEST_CACHE-$TOP/${O:-build}/test-cache}
    [ -z "$cache" ] || mkdir -p "$cache" || cache=
    hsum=$( { clang --version | head -n 1; echo "$flags"; cd "$dir" && for f in *.h; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done; } | sha1sum | cut -c1-20)
    : >"$TMP/clang.log"
    for f in "$@"; do
        key=clang-$( { echo "$hsum $f"; cat "$dir/$f"; } | sha1sum | cut -c1-24)
        if [ -n "$cache" ] && [ -f "$cache/$key" ]; then touch "$cache/$key"; continue; fi
        todo+=("$f"); keys+=("$key")
    done
    for i in "${!todo[@]}"; do
        # shellcheck disable=SC2086
        if (cd "$dir" && clang $flags "${todo[$i]}") >>"$TMP/clang.log" 2>&1; then
            [ -z "$cache" ] || : >"$cache/${keys[$i]}"
        else
            rc=1
        fi
    done
    # (Empty files, one per clean source; the ones unused for two weeks go.)
    [ -z "$cache" ] || [ ${#todo[@]} -eq 0 ] || find "$cache" -maxdepth 1 -name 'clang-*' -mtime +14 -delete 2>/dev/null
    return $rc
}
