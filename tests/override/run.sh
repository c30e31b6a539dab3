#!/usr/bin/env bash
# --templates-override: the example of docs/targets.md works as documented, an
# override that replaces nothing (a file or a block) is an error, and every
# block the docs list for a shipped template is one it declares.
. "$(dirname "$0")/../lib.sh"
cat_yaml=$TOP/tests/golden/enums/input/catalogue.yaml
want_dir=$TOP/tests/golden/enums/expected

# The example: the mustache block after "<!-- override-example: NAME -->".
ovr=$TMP/ovr; mkdir -p "$ovr"
name=$(sed -n 's/.*<!-- override-example: \(.*\) -->.*/\1/p' "$TOP/docs/targets.md" | head -1)
awk '/<!-- override-example:/ { on = 1; next } on && /```mustache/ { body = 1; next }
     body && /```/ { exit } body { sub(/^  /, ""); print }' "$TOP/docs/targets.md" >"$ovr/$name"
if [ -z "$name" ] || [ ! -s "$ovr/$name" ]; then
    fail override_docs_example_runs "no override example in docs/targets.md"
elif mg generate -i "$cat_yaml" -t c -o "$TMP/out" --templates-override "$ovr" >/dev/null 2>"$TMP/err"; then
    got=$TMP/out/tickets.h want=$want_dir/c/tickets.h
    banner=$(sed -n '/{{\$banner}}/,/{{\/banner}}/p' "$ovr/$name" | sed '1d;$d')
    # The banner replaces the shipped header comment; the rest is as shipped.
    if [ "$(head -n 1 "$got")" = "$banner" ] &&
       cmp -s <(sed '1,/^ \*\/$/d' "$want") <(sed '1d' "$got"); then
        ok override_docs_example_runs
    else fail override_docs_example_runs "tickets.h does not start with the documented banner, or the rest changed"; head -3 "$got" | detail; fi
else fail override_docs_example_runs "generate failed"; detail "$TMP/err"; fi

# Every block docs/targets.md lists is declared by that template: override it
# with a marker and look for the marker in the output. One generate per
# target overrides every listed block of every listed template at once, each
# with its own marker (MARKER-TEMPLATE-BLOCK); a block whose marker is not in
# that output (the run failed, or the block sits inside another overridden
# block) is tried again alone, as it was before the batching (one generate
# per block: 65 runs).
shop=$TOP/tests/golden/shop-asyncapi3/input/catalogue.yaml
block_override() { # TARGET TPL BLOCK...: the override template's text
    local target=$1 tpl=$2 block; shift 2
    printf '{{<%s/%s}}\n' "$target" "$tpl"
    for block; do printf '{{$%s}}\nMARKER-%s-%s\n{{/%s}}\n' "$block" "$tpl" "$block" "$block"; done
    printf '{{/%s/%s}}\n' "$target" "$tpl"
}
declare -A blocks_of=()
targets=()
while IFS='|' read -r _ target tpls blocks _; do
    target=$(echo $target); [ -n "$target" ] || continue
    [ -n "${blocks_of[$target]+set}" ] || targets+=("$target")
    for tpl in $(echo "$tpls" | grep -o '`[^`]*`' | tr -d '`' | grep -v '^__'); do
        blocks_of[$target]+="$tpl $(echo "$blocks" | sed 's/([^)]*)//g' | grep -o '`[^`]*`' | tr -d '`' | tr '\n' ' ')"$'\n'
    done
done < <(sed -n '/^### Blocks of the shipped templates/,/^The parent/p' "$TOP/docs/targets.md" | grep '^| [a-z]' | grep -v '^| target')
for target in "${targets[@]}"; do
    all=$TMP/all/$target; mkdir -p "$all/ovr"
    while read -r tpl blocks; do
        [ -n "$tpl" ] && block_override "$target" "$tpl" $blocks >"$all/ovr/$tpl.mustache"
    done <<<"${blocks_of[$target]}"
    declare -A seen=()
    if mg generate -i "$shop" -t "$target" -o "$all/out" --templates-override "$all/ovr" >/dev/null 2>"$all/err"; then
        while read -r m; do seen[$m]=1; done < <(grep -rhE '^ *MARKER-[^ ]+$' "$all/out" | sed 's/^ *//')
    fi
    while read -r tpl blocks; do
        [ -n "$tpl" ] || continue
        for block in $blocks; do
            [ -n "${seen[MARKER-$tpl-$block]+set}" ] && { ok "override_block_$target/$tpl/$block"; continue; }
            o=$TMP/b/$target-$tpl-$block; mkdir -p "$o/ovr"
            block_override "$target" "$tpl" "$block" >"$o/ovr/$tpl.mustache"
            if mg generate -i "$shop" -t "$target" -o "$o/out" --templates-override "$o/ovr" >/dev/null 2>"$o/err" &&
               grep -rhE '^ *MARKER-[^ ]+$' "$o/out" | sed 's/^ *//' | grep -qxF "MARKER-$tpl-$block"; then ok "override_block_$target/$tpl/$block"
            else fail "override_block_$target/$tpl/$block" "not declared or not rendered"; detail "$o/err"; fi
        done
    done <<<"${blocks_of[$target]}"
    unset seen
done
