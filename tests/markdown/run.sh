#!/usr/bin/env bash
# The markdown target's links: every `](#anchor)` in a generated page names a
# heading (GitHub's slug rules) and every relative link an existing file.
# Checked on out/markdown and on every golden case's expected/markdown, after
# a self-test that shows the checker catches what it must.
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { skip markdown-links "python3 not installed"; exit 0; }
check() { python3 "$here/check_links.py" "$@"; }

# Self-test on hand-written pages.
mkdir -p "$TMP/self/messages"
cat >"$TMP/self/README.md" <<'MD'
# Title
## Foo Bar (object)
## `file-download-request`
## Dup
## Dup
## Résumé & <b>more</b>
```sh
## not a heading
```
[a](#foo-bar-object) [b](#file-download-request) [c](#dup-1) [d](#résumé--more)
[e](messages/x.md#x) [f](https://example.com/#nothing) `[g](#in-code)`
MD
printf '# x\n[back](../README.md#dup)\n' >"$TMP/self/messages/x.md"
if out=$(check "$TMP/self/README.md" "$TMP/self/messages/x.md" 2>&1); then
    ok markdown_links_should_accept_github_slugs_of_headings
else
    fail markdown_links_should_accept_github_slugs_of_headings "good links reported"; echo "$out" | detail
fi
printf '# T\n## Real\n[a](#not-a-heading) [b](#not-a-heading-either)\n[c](missing.md) [d](messages/x.md#nope)\n## not a heading in code: `x`\n' >"$TMP/self/bad.md"
out=$(check "$TMP/self/bad.md" 2>&1); rc=$?
n=$(printf '%s\n' "$out" | grep -c 'bad.md:')
if [ $rc -eq 1 ] && [ "$n" -eq 4 ]; then ok markdown_links_should_report_each_broken_anchor_and_file
else fail markdown_links_should_report_each_broken_anchor_and_file "rc=$rc, $n reports (want 1, 4)"; echo "$out" | detail; fi
out=$(printf '# T\n```\n## In fence\n```\n[a](#in-fence)\n' >"$TMP/self/fence.md"; check "$TMP/self/fence.md" 2>&1)
if [ $? -eq 1 ]; then ok markdown_links_should_not_take_headings_from_code_blocks
else fail markdown_links_should_not_take_headings_from_code_blocks "a link to a heading inside a fence passed"; fi

# Generated pages.
shopt -s nullglob
dirs=()
[ -d "$TOP/out/markdown" ] && dirs+=("$TOP/out/markdown")
for d in "$TOP"/tests/golden/*/expected/markdown; do dirs+=("$d"); done
[ ${#dirs[@]} -gt 0 ] || { skip markdown-links "no generated markdown yet"; exit 0; }
for d in "${dirs[@]}"; do
    name=${d#"$TOP"/}
    files=("$d"/*.md "$d"/messages/*.md)
    if [ ${#files[@]} -eq 0 ]; then fail "markdown-links/$name" "no .md files"; continue; fi
    if out=$(check "${files[@]}" 2>&1); then ok "markdown-links/$name (${#files[@]} files)"
    else fail "markdown-links/$name" "broken links"; echo "$out" | detail; fi
done

# The customisation examples of docs/markdown.md.
cat_dir=$(ls -d "$TOP"/tests/golden/shop-asyncapi3/input 2>/dev/null)
if [ -n "$cat_dir" ]; then
    ovr="$TMP/override"; mkdir -p "$ovr/partials"
    printf '%s\n' 'acme-{{catalogue.name.kebab}}' >"$ovr/partials/python-package.mustache"
    if mg generate -i "$cat_dir/catalogue.yaml" -t markdown -o "$TMP/ovr-partial" --templates-override "$ovr" >/dev/null 2>"$TMP/err" &&
       grep -q '^pip install acme-shop$' "$TMP/ovr-partial/README.md" &&
       ! grep -q '^pip install acme-shop$' "$TOP/tests/golden/shop-asyncapi3/expected/markdown/README.md"; then
        ok markdown_should_take_a_partial_from_the_override_folder
    else fail markdown_should_take_a_partial_from_the_override_folder "no 'pip install acme-shop'"; detail "$TMP/err"; fi
    rm "$ovr/partials/python-package.mustache"
    printf '%s\n' '{{<markdown/README.md}}' '{{$installation}}' '## Installation' '' \
        'Ask the platform team for access to our package registry.' '' '{{/installation}}' '{{/markdown/README.md}}' \
        >"$ovr/README.md.mustache"
    if mg generate -i "$cat_dir/catalogue.yaml" -t markdown -o "$TMP/ovr-block" --templates-override "$ovr" >/dev/null 2>"$TMP/err" &&
       grep -q '^Ask the platform team' "$TMP/ovr-block/README.md" && ! grep -q '^pip install' "$TMP/ovr-block/README.md" &&
       grep -q '^## Usage$' "$TMP/ovr-block/README.md" && grep -q '^## Configuration$' "$TMP/ovr-block/README.md"; then
        ok markdown_should_replace_one_block_of_the_readme
    else fail markdown_should_replace_one_block_of_the_readme "block not replaced or other sections lost"; detail "$TMP/err"; fi
fi

# An alias names its target type: `type_code` of an alias's target used to be
# missing (the view treated every `target` as raw JSON), printing "Same as ``".
mkdir -p "$TMP/alias"
cat >"$TMP/alias/c.yaml" <<'Y'
asyncapi: 3.0.0
info: {title: t, version: "1"}
components:
  schemas:
    Tags: {type: array, items: {type: string}}
  messages:
    tagged:
      payload:
        type: object
        properties:
          tags: {$ref: '#/components/schemas/Tags'}
Y
if mg generate -i "$TMP/alias/c.yaml" -t markdown -o "$TMP/alias/out" >/dev/null 2>"$TMP/err" &&
   grep -q '^Same as `string\[\]`\.$' "$TMP/alias/out/README.md"; then
    ok markdown_should_name_the_target_of_an_alias
else fail markdown_should_name_the_target_of_an_alias "no 'Same as \`string[]\`.'"; detail "$TMP/err"; grep -n 'Same as' "$TMP/alias/out/README.md" | detail; fi
