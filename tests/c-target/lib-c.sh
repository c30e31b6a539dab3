# tests/c-target/lib-c.sh - build generated C libraries for the C-target test
# families (sourced after tests/lib.sh).
#
#   c_flags                 prints the CFLAGS for generated code: -O0 normally,
#                           ASan+UBSan when MG_SANITIZED=1 (make asan)
#   c_lib SRC NAME          copies the generated sources of SRC into a cache
#                           folder under build/ (only files whose bytes changed,
#                           so make rebuilds only those) and builds its static
#                           library with the generated Makefile. Prints the
#                           folder; returns 1 (build log in $TMP/c_lib.log).
C_WARN="-std=c11 -Wall -Wextra -Wpedantic -Werror"
c_flags() {
    if [ "${MG_SANITIZED:-}" = 1 ]; then
        echo "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
    else
        echo "-O0 -g"
    fi
}
c_cache_dir() { echo "$TOP/${O:-build}/c-target$([ "${MG_SANITIZED:-}" = 1 ] && echo -asan)/$1"; }
c_lib() {
    local src=$1 name=$2 dir f
    dir=$(c_cache_dir "$name")
    mkdir -p "$dir"
    for f in "$src"/*.c "$src"/*.h "$src"/Makefile; do
        cmp -s "$f" "$dir/$(basename "$f")" || cp "$f" "$dir/"
    done
    if make -s -C "$dir" CC="${CC:-gcc}" CFLAGS="$(c_flags) -Werror" "lib$(sed -n 's/^NAME *= *//p' "$dir/Makefile").a" >"$TMP/c_lib.log" 2>&1; then
        echo "$dir"
    else
        return 1
    fi
}
# Link flags for a program using a generated library.
c_libs() { echo "$(pkg-config --libs libcjson libpcre2-8 libcurl) -lpthread -lm"; }
c_cflags() { echo "$(pkg-config --cflags libcjson libpcre2-8 libcurl)"; }
