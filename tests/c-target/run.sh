#!/usr/bin/env bash
# The C target: generated code compiles warning-free with gcc and clang, and
# the generated validators and (de)serialisers behave: for every message
# example of every test catalogue and of schemas/ (out/c), plus invalid
# variants of each, the generated validator reports exactly the errors of
# `msggen validate` (as sets of "POINTER: MESSAGE"), and from_json -> to_json
# gives back an equal value. Under `make asan` the generated code is built
# with ASan+UBSan; under `make valgrind` the harness runs under valgrind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-c.sh"
. "$(dirname "$0")/serialize.sh"
here=$(cd "$(dirname "$0")" && pwd)

catalogues=()
for f in "$TOP"/tests/catalogues/*.yaml "$TOP"/tests/catalogues/*.json "$TOP"/tests/catalogues/split/asyncapi.yaml \
         "$TOP"/tests/c-target/catalogues/*.yaml \
         "$TOP"/tests/golden/*/input/catalogue.yaml "$TOP"/tests/golden/*/input/catalogue.json; do
    [ -f "$f" ] && catalogues+=("$f")
done
[ -f "$TOP/schemas/worker-backend/asyncapi.yaml" ] && catalogues+=("$TOP/schemas/worker-backend/asyncapi.yaml")

# Two passes over the catalogues: generate, build and clang-check each, then
# make the payload cases of all of them in one cases.py run; build and run
# the harnesses of each, then compare all with msggen validate in one
# cases.py run (a Python start is 0.1 s of CPU here, two per catalogue were).
behave=()     # NAME of each catalogue whose examples are checked
declare -A cat_of=() dir_of=() name_of=()
# Each catalogue's NAME, from its path relative to TOP (one sed for all).
i=0
while IFS= read -r name; do name_of[${catalogues[$i]}]=$name; i=$((i + 1)); done < <(
    for cat in "${catalogues[@]}"; do echo "${cat#"$TOP"/}"; done |
    sed 's|^tests/catalogues/||; s|^tests/c-target/catalogues/||; s|^tests/golden/\([^/]*\)/input/.*|golden-\1|; s|^schemas/||; s|/asyncapi.yaml$||; s|\.[a-z]*$||; s|[^A-Za-z0-9]|-|g')
# cat_setup CATALOGUE: its rel, name, gen (output folder), opts and cdir.
cat_setup() {
    cat=$1 rel=${1#"$TOP"/}
    name=${name_of[$cat]}
    gen=$TMP/gen/$name
    # A golden case's options (tests/golden/lib-golden.sh) apply from its folder.
    opts=(); cdir=$TOP
    case $rel in tests/golden/*) cdir=${cat%/input/*}; [ -f "$cdir/options" ] && read -r -a opts <"$cdir/options";; esac
    if [ "$rel" = schemas/worker-backend/asyncapi.yaml ] && [ -d "$TOP/out/c" ]; then
        gen=$TOP/out/c   # the committed output (the drift family checks it is current)
    fi
}
# Generate all first, so that clang checks them all in one process
# (c_clang_check_many: remembers the clean files, which c_clang_check below
# then finds clean; 0.1 s of CPU per clang-check start).
generated=() gen_dirs=()
for cat in "${catalogues[@]}"; do
    cat_setup "$cat"
    if [ "$gen" != "$TOP/out/c" ] &&
       ! (cd "$cdir" && mg generate -i "$cat" "${opts[@]}" -t c -o "$gen") >"$TMP/gen.out" 2>&1; then
        fail "c_generate_should_succeed/$name" "msggen generate -t c failed"; detail "$TMP/gen.out"; continue
    fi
    generated+=("$cat"); gen_dirs+=("$gen")
done
command -v clang >/dev/null && c_clang_check_many "${gen_dirs[@]}"
for cat in "${generated[@]}"; do
    cat_setup "$cat"
    # gcc: the library build itself (the generated Makefile, -Werror).
    if dir=$(c_lib "$gen" "$name"); then
        ok "c_output_should_compile_with_gcc/$name"
        [ "$name" = worker-backend ] && wb_dir=$dir
        [ "$name" = primitive-aliases ] && alias_dir=$dir
    else
        fail "c_output_should_compile_with_gcc/$name" "build failed"; detail "$TMP/c_lib.log"; continue
    fi
    # clang: every generated source, same warnings (syntax and semantics only;
    # c_clang_check in lib-c.sh: a file checked clean before is not again).
    if command -v clang >/dev/null; then
        cs=("$gen"/*.c); [ -f "${cs[0]}" ] || cs=()
        if c_clang_check "$gen" "${cs[@]##*/}"; then
            ok "c_output_should_compile_with_clang/$name"
        else
            fail "c_output_should_compile_with_clang/$name" "clang reports problems"; detail "$TMP/clang.log"
        fi
    else
        skip "c_output_should_compile_with_clang/$name" "no clang"
    fi
    # Behaviour on the catalogue's examples and invalid variants of them.
    (cd "$cdir" && mg view -i "$cat" "${opts[@]}") >"$TMP/view-$name.json" 2>/dev/null || { fail "c_view/$name" "msggen view failed"; continue; }
    behave+=("$name"); cat_of[$name]=$cat; dir_of[$name]=$dir
done
make_args=()
for name in "${behave[@]}"; do make_args+=("$TMP/view-$name.json" "$TMP/cases/$name"); done
[ ${#make_args[@]} -eq 0 ] || python3 "$here/cases.py" make-many "${make_args[@]}" >/dev/null
compare_args=()
for name in "${behave[@]}"; do
    cat=${cat_of[$name]} dir=${dir_of[$name]}
    [ -s "$TMP/cases/$name/manifest" ] && grep -q . "$TMP/cases/$name/manifest" || { skip "c_behaviour/$name" "no examples"; continue; }
    c_make_name "$dir/Makefile"
    # shellcheck disable=SC2154 # (c_name: set by c_make_name, lib-c.sh)
    prefix=$c_name
    # roundtrip.c and serialize.c, one program (harness.c): one build.
    exe=$TMP/harness-$name
    if ! ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$dir" $(c_cflags) -DPFX="${prefix}_" \
          -DCATALOGUE_HEADER="\"$prefix.h\"" -DINTERNAL_HEADER="\"${prefix}_internal.h\"" \
          -o "$exe" "$here/harness.c" "$dir/lib$prefix.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
        fail "c_roundtrip_harness_should_build/$name" "see log"; detail "$TMP/cc.log"
        fail "c_serialize_harness_should_build/$name" "see log"; continue
    fi
    run_prog "$exe" roundtrip "$TMP/cases/$name/manifest" >"$TMP/got-$name.txt" 2>"$TMP/run.err"; rc=$?
    if [ "$rc" -ne 0 ] || grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/run.err"; then
        fail "c_harness_should_run_clean/$name" "exit $rc"; detail "$TMP/run.err"
    fi
    compare_args+=("$name" "$TMP/cases/$name/manifest" "$TMP/got-$name.txt" "$MSGGEN" "$cat")
    c_serialize_payloads "$exe" "$name" "$TMP/cases/$name/manifest"
done
[ ${#compare_args[@]} -eq 0 ] || python3 "$here/cases.py" compare-many "${compare_args[@]}"
c_serialize_numbers

# $refs to plain-value schemas are typed members (tests/c-target/aliases.c uses
# them as char *, int64_t, double, bool: it does not compile when they are cJSON *).
if [ -n "${alias_dir:-}" ]; then
    if ${CC:-gcc} $C_WARN $(c_flags) -I"$alias_dir" $(c_cflags) -o "$TMP/aliases" "$here/aliases.c" \
          "$alias_dir/libaliases.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
        run_prog "$TMP/aliases" 2>"$TMP/aliases.err"; rc=$?
        if [ "$rc" -ne 0 ] || grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/aliases.err"; then
            fail c_primitive_alias_harness_should_run_clean "exit $rc"; detail "$TMP/aliases.err"
        fi
    else
        fail c_primitive_alias_members_should_have_their_c_types "aliases.c does not compile"; detail "$TMP/cc.log"
    fi
else
    fail c_primitive_alias_members_should_have_their_c_types "primitive-aliases did not build"
fi

# The runtime's format checkers (all ten) against msggen's own on tricky
# strings: every byte in every part of a URI, UUIDs of every length and with a
# wrong character in every place, mutants of valid dates, times, emails, host
# names, IP addresses and patterns (tests/c-target/formats.py). Both are
# generator/format.c, one compiled into msggen, one pasted into the runtime:
# the runtime must hold that file's text verbatim.
if grep -qxF '#define MG_FORMAT_API static' "$TOP/out/c/worker_backend_runtime.c" &&
   python3 -c 'import sys; sys.exit(open(sys.argv[1]).read() not in open(sys.argv[2]).read())' \
       "$TOP/generator/format.c" "$TOP/out/c/worker_backend_runtime.c"; then
    ok c_runtime_should_hold_generator_format_c_verbatim
else
    fail c_runtime_should_hold_generator_format_c_verbatim "out/c/worker_backend_runtime.c lacks generator/format.c's text"
fi
if [ -n "${wb_dir:-}" ]; then
    python3 "$here/formats.py" make "$TMP/formats"
    if ${CC:-gcc} $C_WARN $(c_flags) -D_POSIX_C_SOURCE=200809L -I"$wb_dir" $(c_cflags) -DPFX=worker_backend_ \
          -DINTERNAL_HEADER='"worker_backend_internal.h"' -o "$TMP/formats-harness" "$here/formats.c" \
          "$wb_dir/libworker_backend.a" $(c_libs) >"$TMP/cc.log" 2>&1; then
        run_prog "$TMP/formats-harness" "$TMP/formats/manifest" >"$TMP/formats.txt" 2>"$TMP/formats.err"; rc=$?
        if [ "$rc" -ne 0 ] || grep -q "ERROR: \|runtime error\|==[0-9]*==" "$TMP/formats.err"; then
            fail c_format_harness_should_run_clean "exit $rc"; detail "$TMP/formats.err"
        else
            python3 "$here/formats.py" compare "$TMP/formats" "$TMP/formats.txt" "$MSGGEN"
        fi
    else
        fail c_format_harness_should_build "see log"; detail "$TMP/cc.log"
    fi
fi

# The generated Makefile: shared library, pkg-config file, install; a program
# built with `pkg-config --cflags --libs` against the installed copy runs.
# (In a copy of the shared build: its objects are reused, the cache stays as it is.)
if [ -n "${wb_dir:-}" ]; then
    inst=$TMP/inst
    cp -a "$wb_dir" "$TMP/wb-make"
    if make -s -C "$TMP/wb-make" CC="${CC:-gcc}" CFLAGS="$(c_flags) -Werror" LDFLAGS="$(c_flags)" all >"$TMP/mk.log" 2>&1 &&
       make -s -C "$TMP/wb-make" CC="${CC:-gcc}" CFLAGS="$(c_flags) -Werror" LDFLAGS="$(c_flags)" install PREFIX="$inst/usr" >>"$TMP/mk.log" 2>&1; then
        cat >"$TMP/app.c" <<'APP'
#include <stdio.h>
#include <worker_backend_client.h>
int main(void)
{
    worker_backend_message_type t;
    cJSON *j = cJSON_Parse("{\"modelId\": 1}");
    worker_backend_error err = {0};
    int ok = worker_backend_message_type_from_string("file-download-request", &t) &&
             !worker_backend_message_validate(t, j, &err) && err.count == 1;
    char line[256];
    printf("%s\n", worker_backend_error_format(&err, 0, line, sizeof line));
    worker_backend_error_clear(&err);
    cJSON_Delete(j);
    return ok ? 0 : 1;
}
APP
        pc() { PKG_CONFIG_PATH=$inst/usr/lib/pkgconfig pkg-config "$@" worker_backend; }
        if ${CC:-gcc} $C_WARN $(c_flags) $(pc --cflags) -o "$TMP/app" "$TMP/app.c" $(pc --libs) >"$TMP/app.log" 2>&1 &&
           LD_LIBRARY_PATH=$inst/usr/lib run_prog "$TMP/app" >"$TMP/app.out" 2>>"$TMP/app.log" &&
           grep -qx "/modelId: expected string, got integer" "$TMP/app.out"; then
            ok c_makefile_should_build_and_install_a_shared_library_with_a_pc_file
        else
            fail c_makefile_should_build_and_install_a_shared_library_with_a_pc_file "app against the installed library"
            detail "$TMP/app.log"; detail "$TMP/app.out"
        fi
    else
        fail c_makefile_should_build_and_install_a_shared_library_with_a_pc_file "make all/install failed"; detail "$TMP/mk.log"
    fi
fi
