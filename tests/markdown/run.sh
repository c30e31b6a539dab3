#!/usr/bin/env bash
# The markdown target's links: every `](#anchor)` in a generated page names a
# heading (GitHub's slug rules) and every relative link an existing file.
# Checked on out/markdown and on every golden case's expected/markdown, after
# a self-test that shows the checker catches what it must.
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { skip markdown-links "python3 not installed"; exit 0; }

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
[h](<https://example.com/a b?x=1&amp;y=2>) [i](<messages/x.md#x>) [j](<mailto:a@b.c>)
MD
printf '# x\n[back](../README.md#dup)\n' >"$TMP/self/messages/x.md"
printf '# T\n## Real\n[a](#not-a-heading) [b](#not-a-heading-either)\n[c](missing.md) [d](messages/x.md#nope)\n[e](<gone.md>)\n## not a heading in code: `x`\n' >"$TMP/self/bad.md"
printf '# T\n```\n## In fence\n```\n[a](#in-fence)\n' >"$TMP/self/fence.md"

# The generated pages: out/markdown and every golden case's.
shopt -s nullglob
dirs=()
[ -d "$TOP/out/markdown" ] && dirs+=("$TOP/out/markdown")
for d in "$TOP"/tests/golden/*/expected/markdown; do dirs+=("$d"); done

# One check_links.py run for the self-test's pages and every folder, each a
# group of its own (--group: checked as a run of its own would check it; a
# Python start costs more than a folder's check). It prints each group's
# broken links as NAME<TAB>message and then "checked NAME ERRORS".
args=(--group self-good "$TMP/self/README.md" "$TMP/self/messages/x.md"
      --group self-bad "$TMP/self/bad.md" --group self-fence "$TMP/self/fence.md")
declare -A nfiles=()
for d in "${dirs[@]}"; do
    name=${d#"$TOP"/}
    files=("$d"/*.md "$d"/messages/*.md)
    nfiles[$name]=${#files[@]}
    [ ${#files[@]} -gt 0 ] && args+=(--group "$name" "${files[@]}")
done
python3 "$here/check_links.py" "${args[@]}" >"$TMP/links.out" 2>"$TMP/links.err"; links_rc=$?
declare -A checked=() broken=()
while IFS= read -r line; do
    if [[ $line == "checked "* ]]; then
        line=${line#checked }; checked[${line% *}]=${line##* }
    elif [[ $line == *$'\t'* ]]; then
        broken[${line%%$'\t'*}]+=${line#*$'\t'}$'\n'
    fi
done <"$TMP/links.out"
# links_report NAME: the group's broken links (or why it was not checked) as detail lines.
links_report() {
    if [ -z "${checked[$1]+set}" ]; then
        { echo "check_links.py (exit $links_rc) did not check group $1:"; cat "$TMP/links.err"; } | detail
    else printf '%s' "${broken[$1]}" | detail; fi
}

if [ "${checked[self-good]:-x}" = 0 ]; then
    ok markdown_links_should_accept_github_slugs_of_headings
else
    fail markdown_links_should_accept_github_slugs_of_headings "good links reported"; links_report self-good
fi
# self-bad's five broken links make the run's exit status 1.
n=$(printf '%s' "${broken[self-bad]}" | grep -c 'bad.md:')
if [ $links_rc -eq 1 ] && [ "${checked[self-bad]:-x}" = 5 ] && [ "$n" -eq 5 ]; then ok markdown_links_should_report_each_broken_anchor_and_file
else fail markdown_links_should_report_each_broken_anchor_and_file "rc=$links_rc, $n reports (want 1, 5)"; links_report self-bad; fi
if [ "${checked[self-fence]:-0}" -ge 1 ]; then ok markdown_links_should_not_take_headings_from_code_blocks
else fail markdown_links_should_not_take_headings_from_code_blocks "a link to a heading inside a fence passed"; links_report self-fence; fi

[ ${#dirs[@]} -gt 0 ] || { skip markdown-links "no generated markdown yet"; exit 0; }
for d in "${dirs[@]}"; do
    name=${d#"$TOP"/}
    if [ "${nfiles[$name]}" -eq 0 ]; then fail "markdown-links/$name" "no .md files"; continue; fi
    if [ "${checked[$name]:-x}" = 0 ]; then ok "markdown-links/$name (${nfiles[$name]} files)"
    else fail "markdown-links/$name" "broken links"; links_report "$name"; fi
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

# A $ref'd primitive (Streetlights' sentAt) is an alias whose section names
# the primitive and its format: once "Same as ``, with format ``  ``.".
cat >"$TMP/alias/p.yaml" <<'Y'
asyncapi: 3.0.0
info: {title: t, version: "1"}
components:
  schemas:
    sentAt: {type: string, format: date-time, description: When it was sent.}
    Percent: {type: integer, minimum: 0, maximum: 100}
  messages:
    dimmed:
      payload:
        type: object
        properties:
          sentAt: {$ref: '#/components/schemas/sentAt'}
          level: {$ref: '#/components/schemas/Percent'}
Y
if mg generate -i "$TMP/alias/p.yaml" -t markdown -o "$TMP/alias/pout" >/dev/null 2>"$TMP/err" &&
   grep -q '^Same as `string`, with format `` "date-time" ``\.$' "$TMP/alias/pout/README.md" &&
   grep -q '^Same as `integer`, with minimum `` 0 ``, maximum `` 100 ``\.$' "$TMP/alias/pout/README.md" &&
   ! grep -q 'Same as ``' "$TMP/alias/pout/README.md"; then
    ok markdown_should_describe_an_alias_of_a_primitive
else fail markdown_should_describe_an_alias_of_a_primitive "alias sections wrong"; detail "$TMP/err"; grep -n 'Same as' "$TMP/alias/pout/README.md" | detail; fi
# No generated page has an empty alias description.
n=$(grep -rl 'Same as ``' "$TOP/out/markdown" "$TOP"/tests/golden/*/expected/markdown 2>/dev/null | wc -l)
[ "$n" -eq 0 ] && ok markdown_pages_have_no_empty_alias_description ||
    fail markdown_pages_have_no_empty_alias_description "$n file(s) with 'Same as \`\`'"

# The curl example posts to the message's own path, every catalogue string in
# it quoted for the shell. Run with a stand-in `curl` that prints its argv: the
# URL is the real one (curl's URL globbing turned a literal {messageType} into
# messageType), nothing in the catalogue runs.
mkdir -p "$TMP/curl"
cat >"$TMP/curl/c.yaml" <<'Y'
asyncapi: 3.0.0
info: {title: t, version: "1"}
x-http-api:
  env: {baseUrl: 'BASE$(touch PWNED)', apiKey: KEY}
  auth: {header: "X-Key'", scheme: 'Tok"$(touch PWNED2)'}
  send: {method: POST, path: '/api/jobs/{messageType}?q=1&x=[a]'}
components:
  messages:
    order placed/v1:
      payload: {type: object, properties: {id: {type: string}}}
      examples: [{payload: {id: "it's"}}]
    plain:
      payload: {type: object, properties: {id: {type: string}}}
      examples: [{payload: {id: "a"}}]
Y
if mg generate -i "$TMP/curl/c.yaml" -t markdown -o "$TMP/curl/out" >/dev/null 2>"$TMP/err"; then
    page=$(ls "$TMP/curl/out/messages/"*order*.md | head -1)
    sed -n '/^```sh$/,/^```$/p' "$page" | sed '1d;$d' >"$TMP/curl/cmd.sh"
    got=$(cd "$TMP/curl" && env 'BASE$(touch PWNED)=http://h:1' KEY=secret bash -c \
          'curl() { printf "<%s>\n" "$@"; cat; }; . ./cmd.sh' 2>&1)
    want=$(printf '%s\n' '<-X>' '<POST>' "<http://h:1/api/jobs/order%20placed%2Fv1?q=1&x=%5Ba%5D>" \
           '<-H>' '<Content-Type: application/json>' '<-H>' "<X-Key': Tok\"\$(touch PWNED2) secret>" \
           '<--data-binary>' '<@->' '{' '  "id": "it'"'"'s"' '}')
    if [ "$got" = "$want" ] && [ ! -e "$TMP/curl/PWNED" ] && [ ! -e "$TMP/curl/PWNED2" ]; then
        ok markdown_curl_should_post_to_the_message_path_with_quoted_catalogue_text
    else fail markdown_curl_should_post_to_the_message_path_with_quoted_catalogue_text "argv differs"
        { echo "got:"; echo "$got"; echo "want:"; echo "$want"; cat "$TMP/curl/cmd.sh"; } | detail; fi
else fail markdown_curl_should_post_to_the_message_path_with_quoted_catalogue_text "generate failed"; detail "$TMP/err"; fi
n=$(grep -l '^curl .*{messageType}' "$TOP"/out/markdown/messages/*.md 2>/dev/null | wc -l)
m=$(grep -l '^curl -X POST "$WORKER_BACKEND_URL/api/jobs/[a-z0-9-]*" \\$' "$TOP"/out/markdown/messages/*.md 2>/dev/null | wc -l)
if [ "$n" -eq 0 ] && [ "$m" -gt 0 ]; then ok "markdown_flagship_curl_uses_each_message_path ($m pages)"
else fail markdown_flagship_curl_uses_each_message_path "$n page(s) still post to {messageType}, $m with a real path"; fi

# A message without an example gets one generated from its schema, marked as
# generated, which msggen validate accepts; when no valid value is found the
# page says why. Then every message of every golden catalogue and of the
# official AsyncAPI examples: each generated example validates
# (msggen validate --message), and the messages that get none are exactly
# those listed here, whose schemas no value satisfies.
mkdir -p "$TMP/gen"
cat >"$TMP/gen/c.yaml" <<'Y'
asyncapi: 3.0.0
info: {title: t, version: "1"}
components:
  messages:
    lit:
      payload:
        type: object
        required: [code, at]
        properties:
          code: {type: string, pattern: '^[A-Z]{3}-\d{2}$'}
          at: {type: string, format: date-time}
    never:
      payload:
        type: object
        required: [p]
        properties: {p: {type: string, pattern: '^(a)\1$'}}
Y
if mg generate -i "$TMP/gen/c.yaml" -t markdown -o "$TMP/gen/out" >/dev/null 2>"$TMP/err" &&
   grep -q '^The catalogue gives no example: this one is generated' "$TMP/gen/out/messages/lit.md" &&
   grep -q '"code": "AAA-00"' "$TMP/gen/out/messages/lit.md" &&
   grep -q "could not generate one that$" "$TMP/gen/out/messages/never.md" &&
   grep -q "pattern '^(a)&#92;1\\$'" "$TMP/gen/out/messages/never.md"; then
    ok markdown_should_show_a_generated_example_or_why_there_is_none
else fail markdown_should_show_a_generated_example_or_why_there_is_none "page text"; detail "$TMP/err"
    sed -n '/## Example/,/## Parameters/p' "$TMP/gen/out/messages/lit.md" "$TMP/gen/out/messages/never.md" | detail; fi

# A server section prints only what the server has: no empty URL or protocol.
mkdir -p "$TMP/srv"
cat >"$TMP/srv/c.yaml" <<'Y'
asyncapi: 3.0.0
info: {title: T, version: '1'}
servers:
  bare: {description: Neither host nor protocol.}
  full: {host: 'broker.example.com:1883', protocol: mqtt, protocolVersion: '5'}
components:
  messages:
    m: {payload: {type: object}}
Y
if mg generate -i "$TMP/srv/c.yaml" -t markdown -o "$TMP/srv/out" >/dev/null 2>"$TMP/err" &&
   ! grep -q 'URL ``\|protocol \.' "$TMP/srv/out/README.md" &&
   grep -q '^URL `mqtt://broker.example.com:1883`, protocol mqtt 5\.$' "$TMP/srv/out/README.md" &&
   grep -q '^  - \[bare\](#server-bare)$' "$TMP/srv/out/README.md"; then
    ok markdown_server_sections_should_print_only_what_the_server_has
else fail markdown_server_sections_should_print_only_what_the_server_has "page text"; detail "$TMP/err"
    sed -n '/^## Servers/,$p' "$TMP/srv/out/README.md" | detail; fi

no_example='
ex/v2.0.0/oneof.yml|testMessages|also matches another option
ex/v3.0.0/oneof-asyncapi.yml|testMessages|also matches another option
'
# Not read at all (a remote $ref; tests/asyncapi-examples lists it).
unread='ex/v3.0.0/adeo-kafka-request-reply-asyncapi.yml'
total=0 validated=0 omitted=0 cases=()
# The views' and validations' msggen runs start in the case's folder through
# a cd of this shell (a subshell per run was a process start each: 500 of
# them); the case folders are made by one mkdir.
top_pwd=$PWD
labels=() vdirs=() entries=() vopts=()
add_case() { # LABEL DIR ENTRY [OPTIONS...]
    local IFS=$'\n'
    labels+=("$1") vdirs+=("$2") entries+=("$3"); shift 3
    vopts+=("$*")
}
for c in "$TOP"/tests/golden/*/; do
    c=${c%/} found=("$c"/input/catalogue.*)
    [ ${#found[@]} -gt 0 ] || continue
    opts=(); [ -f "$c/options" ] && read -r -a opts <"$c/options"
    add_case "golden/${c##*/}" "$c/" "input/${found[0]##*/}" "${opts[@]}"
done
ex=$SHARED/conformance/asyncapi-examples
if [ -d "$ex" ]; then
    # The documents that say asyncapi:, found by one grep.
    while IFS= read -r doc; do add_case "ex/$doc" "$ex" "$doc"
    done < <(cd "$ex" && find . -name '*.yml' -o -name '*.yaml' | sed 's|^\./||' | LC_ALL=C sort |
             tr '\n' '\0' | xargs -0r grep -l '^asyncapi:' --)
else skip generated_examples_asyncapi "no $ex"; fi
[ ${#labels[@]} -gt 0 ] && mkdir -p $(seq -f "$TMP/gen/%g" 0 $((${#labels[@]} - 1)))
for i in "${!labels[@]}"; do
    label=${labels[$i]} dir=${vdirs[$i]} entry=${entries[$i]} out=$TMP/gen/$i
    opts=(); [ -n "${vopts[$i]}" ] && mapfile -t opts <<<"${vopts[$i]}"
    cd "$dir" && mg view -i "$entry" "${opts[@]}" >"$out/view.json" 2>"$out/err"; st=$?
    cd "$top_pwd" || exit 1
    if [ $st -ne 0 ]; then
        case " $unread " in *" $label "*) continue ;; esac
        fail "generated_examples/$label" "msggen view failed"; detail "$out/err"; continue
    fi
    printf '%s\n%s\n%s\n' "$label" "$dir" "$entry" >"$out/case"
    printf '%s\n' "${opts[@]}" >"$out/opts"
    cases+=("$out")
done
if [ ${#cases[@]} -gt 0 ] && ! python3 "$here/generated_examples.py" "${cases[@]}" 2>"$TMP/py.err"; then
    fail generated_examples "could not read the views"; detail "$TMP/py.err"; cases=()
fi
for out in "${cases[@]}"; do
    { read -r label; read -r dir; read -r entry; } <"$out/case"
    mapfile -t opts <"$out/opts"; [ "${opts[*]}" = "" ] && opts=()
    while IFS=$'\t' read -r n name st why; do
        total=$((total + 1))
        if [ "$st" = omitted ]; then
            omitted=$((omitted + 1))
            want=$(printf '%s\n' "$no_example" | awk -F'|' -v l="$label" -v m="$name" '$1 == l && $2 == m { print $3 }')
            if [ -n "$want" ] && [[ "$why" == *"$want"* ]]; then ok "generated_example_omitted/$label/$name ($why)"
            else fail "generated_example_omitted/$label/$name" "no example: $why"; fi
        elif cd "$dir" && mg validate -i "$entry" "${opts[@]}" --message "$name" "$out/$n.json" >/dev/null 2>"$out/$n.err"; then
            validated=$((validated + 1))
        else
            fail "generated_example_validates/$label/$name" "msggen validate refused it"; detail "$out/$n.err"
        fi
        cd "$top_pwd" || exit 1
    done <"$out/list"
done
if [ "$total" -gt 0 ] && [ $((validated + omitted)) -eq "$total" ]; then
    ok "generated_examples_validate ($total messages: $validated generated and valid, $omitted without one)"
else fail generated_examples_validate "$total messages: $validated valid, $omitted without an example"; fi

# A message with headers and no headers example gets headers generated from
# its headers schema, marked as generated (also beside the catalogue's own
# payload example); a headers example of the catalogue is shown as it is; when
# no valid value exists the page says why.
mkdir -p "$TMP/hdr"
cat >"$TMP/hdr/c.yaml" <<'Y'
asyncapi: 3.0.0
info: {title: t, version: "1"}
components:
  messages:
    plain:
      headers: {type: object, required: [trace], properties: {trace: {type: string, pattern: '^[a-f]{4}$'}}}
      payload: {type: object, properties: {n: {type: integer}}}
    given:
      headers: {type: object, properties: {hop: {type: integer}}}
      payload: {type: object, properties: {n: {type: integer}}}
      examples: [{payload: {n: 1}}]
    own:
      headers: {type: object, properties: {hop: {type: integer}}}
      payload: {type: object, properties: {n: {type: integer}}}
      examples: [{headers: {hop: 7}, payload: {n: 1}}]
    never:
      headers: {type: object, required: [h], properties: {h: {type: string, pattern: '^(x)\1$'}}}
      payload: {type: object, properties: {n: {type: integer}}}
Y
gen_note='^Headers: the catalogue gives none; these are generated from the headers$'
if mg generate -i "$TMP/hdr/c.yaml" -t markdown -o "$TMP/hdr/out" >/dev/null 2>"$TMP/err" &&
   grep -q "$gen_note" "$TMP/hdr/out/messages/plain.md" && grep -q '"trace": "aaaa"' "$TMP/hdr/out/messages/plain.md" &&
   grep -q "$gen_note" "$TMP/hdr/out/messages/given.md" && grep -q '"hop": 0' "$TMP/hdr/out/messages/given.md" &&
   ! grep -q "$gen_note" "$TMP/hdr/out/messages/own.md" && grep -q '"hop": 7' "$TMP/hdr/out/messages/own.md" &&
   grep -q '^Headers: the catalogue gives none, and msggen could not generate headers that$' "$TMP/hdr/out/messages/never.md" &&
   grep -q "pattern '^(x)&#92;1\$'" "$TMP/hdr/out/messages/never.md"; then
    ok markdown_should_show_a_generated_headers_example_or_why_there_is_none
else fail markdown_should_show_a_generated_headers_example_or_why_there_is_none "page text"; detail "$TMP/err"
    for f in plain given own never; do sed -n '/## Example/,/## Parameters/p' "$TMP/hdr/out/messages/$f.md"; done | detail; fi

# The same for generated headers examples (`generated_headers_example`): every
# message with headers of the same catalogues gets one that validates against
# its headers schema, traits merged (msggen validate --message NAME --headers),
# or none, with a reason, for exactly the messages listed here.
no_headers_example='' # none today: LABEL|MESSAGE|REASON lines, as no_example above
htotal=0 hvalidated=0 homitted=0
for out in "${cases[@]}"; do
    { read -r label; read -r dir; read -r entry; } <"$out/case"
    [ -f "$out/hlist" ] || continue
    while IFS=$'\t' read -r n name st why; do
        htotal=$((htotal + 1))
        case $st in
        omitted)
            homitted=$((homitted + 1))
            want=$(printf '%s\n' "$no_headers_example" | awk -F'|' -v l="$label" -v m="$name" '$1 == l && $2 == m { print $3 }')
            if [ -n "$want" ] && [[ "$why" == *"$want"* ]]; then ok "generated_headers_example_omitted/$label/$name ($why)"
            else fail "generated_headers_example_omitted/$label/$name" "no headers example: $why"; fi ;;
        value)
            mapfile -t opts <"$out/opts"; [ "${opts[*]}" = "" ] && opts=()
            if cd "$dir" && mg validate -i "$entry" "${opts[@]}" --message "$name" --headers "$out/$n.h.json" >/dev/null 2>"$out/$n.h.err"; then
                hvalidated=$((hvalidated + 1))
            else fail "generated_headers_example_validates/$label/$name" "msggen validate --headers refused it"; detail "$out/$n.h.err"; fi
            cd "$top_pwd" || exit 1 ;;
        esac
    done <"$out/hlist"
done
if [ "$htotal" -gt 0 ] && [ $((hvalidated + homitted)) -eq "$htotal" ]; then
    ok "generated_headers_examples_validate ($htotal messages with headers: $hvalidated generated and valid, $homitted without one)"
else fail generated_headers_examples_validate "$htotal messages with headers: $hvalidated valid, $homitted without an example"; fi
