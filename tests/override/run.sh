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
# with a marker and look for the marker in the output.
while IFS='|' read -r _ target tpls blocks _; do
    target=$(echo $target); [ -n "$target" ] || continue
    for tpl in $(echo "$tpls" | grep -o '`[^`]*`' | tr -d '`' | grep -v '^__'); do
        for block in $(echo "$blocks" | sed 's/([^)]*)//g' | grep -o '`[^`]*`' | tr -d '`'); do
            o=$TMP/b/$target-$tpl-$block; mkdir -p "$o/ovr"
            printf '{{<%s/%s}}\n{{$%s}}\nMARKER-%s\n{{/%s}}\n{{/%s/%s}}\n' "$target" "$tpl" "$block" "$block" "$block" "$target" "$tpl" >"$o/ovr/$tpl.mustache"
            if mg generate -i "$TOP/tests/golden/shop-asyncapi3/input/catalogue.yaml" -t "$target" -o "$o/out" --templates-override "$o/ovr" >/dev/null 2>"$o/err" &&
               grep -rqE "^ *MARKER-$block\$" "$o/out"; then ok "override_block_$target/$tpl/$block"
            else fail "override_block_$target/$tpl/$block" "not declared or not rendered"; detail "$o/err"; fi
        done
    done
done < <(sed -n '/^### Blocks of the shipped templates/,/^The parent/p' "$TOP/docs/targets.md" | grep '^| [a-z]' | grep -v '^| target')
