#!/usr/bin/env bash
# cppcheck on the generated C: out/c and the C output of every test and golden
# catalogue, with warning, style, performance and portability checks: no
# findings allowed. A clean result is remembered (by content hash) under
# build/, so unchanged output is not checked again.
. "$(dirname "$0")/../lib.sh"
if ! command -v cppcheck >/dev/null; then skip c_cppcheck "cppcheck not installed"; exit 0; fi
cache=$TOP/${O:-build}/c-cppcheck
mkdir -p "$cache"
check_dir() { # NAME DIR
    local name=$1 dir=$2 sum
    sum=$(cat "$dir"/*.c "$dir"/*.h | sha1sum | cut -c1-16)
    if [ -f "$cache/$name.$sum" ]; then ok "c_output_should_pass_cppcheck/$name (unchanged since a clean run)"; return; fi
    if (cd "$dir" && cppcheck -q -j2 --max-configs=1 --error-exitcode=3 --std=c11 -I. \
            --enable=warning,style,performance,portability \
            --suppress=missingIncludeSystem --suppress=toomanyconfigs --inline-suppr ./*.c) >"$TMP/cc.log" 2>&1; then
        rm -f "$cache/$name".*
        : >"$cache/$name.$sum"
        ok "c_output_should_pass_cppcheck/$name"
    else
        fail "c_output_should_pass_cppcheck/$name" "cppcheck findings"; detail "$TMP/cc.log"
    fi
}
[ -d "$TOP/out/c" ] && check_dir worker-backend "$TOP/out/c"
for f in "$TOP"/tests/catalogues/*.yaml "$TOP"/tests/catalogues/*.json "$TOP"/tests/catalogues/split/asyncapi.yaml "$TOP"/tests/c-target/catalogues/*.yaml \
         "$TOP"/tests/golden/*/input/catalogue.yaml "$TOP"/tests/golden/*/input/catalogue.json; do
    [ -f "$f" ] || continue
    name=$(echo "${f#"$TOP"/}" | sed 's|^tests/catalogues/||; s|^tests/c-target/catalogues/||; s|^tests/golden/\([^/]*\)/input/.*|golden-\1|; s|\.[a-z]*$||; s|[^A-Za-z0-9]|-|g')
    # A golden case's options (tests/golden/lib-golden.sh) apply from its folder.
    opts=(); cdir=$TOP
    case $f in "$TOP"/tests/golden/*) cdir=${f%/input/*}; [ -f "$cdir/options" ] && read -r -a opts <"$cdir/options";; esac
    if (cd "$cdir" && mg generate -i "$f" "${opts[@]}" -t c -o "$TMP/$name") >"$TMP/gen.log" 2>&1; then
        check_dir "$name" "$TMP/$name"
    else
        fail "c_output_should_pass_cppcheck/$name" "generate failed"; detail "$TMP/gen.log"
    fi
done
