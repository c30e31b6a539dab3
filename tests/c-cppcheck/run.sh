#!/usr/bin/env bash
# cppcheck on the generated C: out/c and the C output of every test and golden
# catalogue, with warning, style, performance and portability checks: no
# findings allowed.
#
# Each function shape is checked once (shapes.py): each catalogue's output,
# in order, then out/c, each with only the functions whose shape no earlier
# output had, beside all the rest of its text (declarations, tables) and its headers
# unchanged; a .c whose frame (role and text outside functions) and functions
# all have shapes checked before is left out (shapes.py says why that is
# enough). The struct typedefs of the catalogue's types are written out as
# cppcheck's own simplification would (shapes.py untypedef: cppcheck 2.10
# scans the whole file once per typedef, and worker-backend's header has 243
# of them). A clean result is remembered by the content hash of what was
# checked (per file) under build/, so unchanged output is not checked again.
. "$(dirname "$0")/../lib.sh"
if ! command -v cppcheck >/dev/null; then skip c_cppcheck "cppcheck not installed"; exit 0; fi
here=$(cd "$(dirname "$0")" && pwd)
cache=$TOP/${O:-build}/c-cppcheck
mkdir -p "$cache"
# check_dir NAME DIR KEPT TOTAL SKIPPED FILE:KEY...: the reduced copy of DIR
# is in $TMP/shapes/NAME (shapes.py many, which also gives each file's key).
check_dir() {
    local name=$1 dir=$2 kept=$3 total=$4 skipped=$5 red=$TMP/shapes/$1
    shift 5
    echo "# $name: $kept of $total functions to check (the others have a shape checked before); $skipped files not checked (every function and the frame have a shape checked before)"
    # Each file checked is remembered clean by the hash of its text, its
    # headers, its suppressions and the cppcheck version (shapes.py
    # file_keys): only changed files are checked again.
    local f todo=() cached=0
    for f in "$@"; do
        if [ -f "$cache/${f#*:}" ]; then cached=$((cached + 1)); else todo+=("$f"); fi
    done
    if [ ${#todo[@]} -eq 0 ]; then ok "c_output_should_pass_cppcheck/$name (unchanged since a clean run)"; return; fi
    [ "$cached" -gt 0 ] && echo "# $name: $cached files unchanged since a clean run, ${#todo[@]} to check"
    if (cd "$red" && cppcheck -q -j2 --max-configs=1 --error-exitcode=3 --std=c11 -I. \
            --enable=warning,style,performance,portability \
            --suppress=missingIncludeSystem --suppress=toomanyconfigs --suppressions-list=.suppress --inline-suppr "${todo[@]%%:*}") >"$TMP/cc.log" 2>&1; then
        for f in "${todo[@]}"; do : >"$cache/${f#*:}"; done
        ok "c_output_should_pass_cppcheck/$name"
    else
        for f in "${todo[@]}"; do grep -q "^${f%%:*}:" "$TMP/cc.log" || : >"$cache/${f#*:}"; done   # the clean ones
        fail "c_output_should_pass_cppcheck/$name" "cppcheck findings (line numbers are those of $dir)"; detail "$TMP/cc.log"
    fi
}
# Every catalogue's C first (each catalogue in order, then out/c), then one
# shapes.py for all of them (one Python start, not one per catalogue: 0.2 s
# each here), then cppcheck catalogue by catalogue. (out/c last: its
# functions all have shapes of the catalogues' (none of its 286 is left to
# check), and the files that are the same in every output but for the
# names (the runtime, the parser, the adapters, the bus engine) are checked
# with a small catalogue's headers, not with its 244 KB header: cppcheck
# 15 s -> 11 s CPU over all of them.)
: >"$TMP/dirs"
declare -A src_of=([worker-backend]=$TOP/out/c)
for f in "$TOP"/tests/catalogues/*.yaml "$TOP"/tests/catalogues/*.json "$TOP"/tests/catalogues/split/asyncapi.yaml "$TOP"/tests/c-target/catalogues/*.yaml \
         "$TOP"/tests/golden/*/input/catalogue.yaml "$TOP"/tests/golden/*/input/catalogue.json; do
    [ -f "$f" ] || continue
    name=$(echo "${f#"$TOP"/}" | sed 's|^tests/catalogues/||; s|^tests/c-target/catalogues/||; s|^tests/golden/\([^/]*\)/input/.*|golden-\1|; s|\.[a-z]*$||; s|[^A-Za-z0-9]|-|g')
    # A golden case's options (tests/golden/lib-golden.sh) apply from its folder.
    opts=(); cdir=$TOP
    case $f in "$TOP"/tests/golden/*) cdir=${f%/input/*}; [ -f "$cdir/options" ] && read -r -a opts <"$cdir/options";; esac
    if (cd "$cdir" && mg generate -i "$f" "${opts[@]}" -t c -o "$TMP/$name") >"$TMP/gen.log" 2>&1; then
        echo "$name $TMP/$name $TMP/shapes/$name" >>"$TMP/dirs"; src_of[$name]=$TMP/$name
    else
        fail "c_output_should_pass_cppcheck/$name" "generate failed"; detail "$TMP/gen.log"
    fi
done
[ -d "$TOP/out/c" ] && echo "worker-backend $TOP/out/c $TMP/shapes/worker-backend" >>"$TMP/dirs"
while read -r name status rest; do
    if [ "$status" = ok ]; then
        # shellcheck disable=SC2086 # (KEPT TOTAL SKIPPED FILE:KEY...: no spaces)
        check_dir "$name" "${src_of[$name]}" $rest
    else
        fail "c_output_should_pass_cppcheck/$name" "shapes.py failed: $rest"
    fi
done < <(python3 "$here/shapes.py" many "$(cppcheck --version)" <"$TMP/dirs" 2>"$TMP/shapes.log" ||
         echo "all error shapes.py: $(tail -n 1 "$TMP/shapes.log")")
