#!/usr/bin/env bash
# msggen render from the command line: byte-exact output, data from a file or
# stdin, partial lookup, escaping, -o written atomically and never on error, and
# the examples in docs/render.md (each "<!-- file: NAME -->" block is written to
# a scratch folder, each "<!-- run: CMD -->" is run there and must print exactly
# the block that follows).
. "$(dirname "$0")/../lib.sh"
W=$TMP/w; mkdir -p "$W"; cd "$W" || exit 1
msggen() { mg "$@"; }

check() { # NAME EXPECTED_FILE GOT_FILE
    if cmp -s "$2" "$3"; then ok "$1"; else fail "$1" "output differs"; diff "$2" "$3" | detail; fi
}

# Byte-exact: CRLF, no final newline, NUL-free binary-ish text all pass through.
printf 'a\r\n{{x}}\r\n\t{{#l}}\r\n[{{.}}]\r\n\t{{/l}}\r\nend' > crlf.mustache
printf '{"x": "\\u00e9\\u20ac", "l": [1, 2]}' > crlf.json
printf 'a\r\n\xc3\xa9\xe2\x82\xac\r\n[1]\r\n[2]\r\nend' > crlf.want
msggen render crlf.mustache crlf.json > crlf.got 2>crlf.err
check render_should_write_output_byte_for_byte crlf.want crlf.got

printf '{{greeting}}, {{.}}' > root.mustache
echo '"world"' | msggen render root.mustache - > stdin.got 2>&1
printf ', world' > stdin.want
check render_should_read_data_from_stdin stdin.want stdin.got

# YAML data goes through the same loader as catalogues: block scalars, quoted
# numbers staying strings, `yes` staying a string (YAML 1.2 core schema).
printf '{{#items}}{{name}}={{qty}};{{/items}}|{{code}}|{{flag}}|{{note}}' > yaml.mustache
printf 'items:\n  - name: a\n    qty: 2\n  - {name: b, qty: 3}\ncode: "007"\nflag: yes\nnote: |\n  two\n  lines\n' > yaml.yaml
printf 'a=2;b=3;|007|yes|two\nlines\n' > yaml.want
msggen render yaml.mustache yaml.yaml > yaml.got 2>&1
check render_should_read_yaml_data yaml.want yaml.got

printf '[{{x}}]\n' > nodata.mustache
msggen render nodata.mustache > nodata.got 2>&1
printf '[]\n' > nodata.want
check render_should_use_an_empty_context_without_data nodata.want nodata.got

mkdir -p tpl/c first second
printf '<{{>part}}|{{>c/sub}}>' > tpl/main.mustache
printf 'P' > tpl/part.mustache
printf 'S' > tpl/c/sub.mustache
(cd / && msggen render "$W/tpl/main.mustache") > default.got 2>&1
printf '<P|S>' > default.want
check render_should_find_partials_in_the_template_folder_by_default default.want default.got

printf 'first' > first/part.mustache
printf 'second' > second/part.mustache; printf 'S2' > second/c/sub.mustache 2>/dev/null || { mkdir -p second/c; printf 'S2' > second/c/sub.mustache; }
msggen render tpl/main.mustache --partials first --partials second > order.got 2>&1
printf '<first|S2>' > order.want
check render_should_search_partial_folders_in_order order.want order.got

printf '{{v}}|{{{v}}}|{{&v}}' > esc.mustache
echo '{"v": "<a href=\"x\">&</a>"}' > esc.json
msggen render esc.mustache esc.json > html.got 2>&1
printf '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;|<a href="x">&</a>|<a href="x">&</a>' > html.want
check render_should_escape_html_by_default html.want html.got
msggen render esc.mustache esc.json --escape none > none.got 2>&1
printf '<a href="x">&</a>|<a href="x">&</a>|<a href="x">&</a>' > none.want
check render_should_not_escape_with_escape_none none.want none.got

printf '[{{>missing}}]' > miss.mustache
msggen render miss.mustache --missing-partials empty > miss.got 2>&1
printf '[]' > miss.want
check render_should_render_missing_partials_empty_on_request miss.want miss.got

msggen render esc.mustache esc.json -o out.txt > out.stdout 2>&1; rc=$?
if [ "$rc" -eq 0 ] && cmp -s out.txt html.want && [ ! -s out.stdout ] && [ -z "$(ls | grep '\.tmp\.')" ]; then
    ok render_should_write_the_output_file_and_no_temp_file
else fail render_should_write_the_output_file_and_no_temp_file "rc $rc"; ls | detail; fi

printf 'keep me' > keep.txt
printf '{{#a}}unclosed' > bad.mustache
msggen render bad.mustache -o keep.txt > bad.stdout 2>/dev/null; rc=$?
if [ "$rc" -eq 1 ] && [ "$(cat keep.txt)" = "keep me" ] && [ ! -s bad.stdout ]; then
    ok render_should_leave_the_output_file_alone_on_template_errors
else fail render_should_leave_the_output_file_alone_on_template_errors "rc $rc, file: $(cat keep.txt)"; fi

printf 'ok {{>*k}}' > dyn.mustache
echo '{"k": "nosuch"}' > dyn.json
msggen render dyn.mustache dyn.json -o new.txt > dyn.stdout 2>/dev/null; rc=$?
msggen render dyn.mustache dyn.json > dyn2.stdout 2>/dev/null
if [ "$rc" -eq 1 ] && [ ! -e new.txt ] && [ ! -s dyn.stdout ] && [ ! -s dyn2.stdout ] && [ -z "$(ls | grep '\.tmp\.')" ]; then
    ok render_should_write_nothing_when_rendering_fails
else fail render_should_write_nothing_when_rendering_fails "rc $rc"; ls | detail; fi

msggen render esc.mustache esc.json -o nosuchdir/out.txt > /dev/null 2>err.txt; rc=$?
if [ "$rc" -eq 1 ] && grep -q '^nosuchdir/out.txt: error: cannot create a temp file next to it: ' err.txt; then
    ok render_should_report_unwritable_output
else fail render_should_report_unwritable_output "rc $rc"; detail err.txt; fi

# Rendering is deterministic.
msggen render tpl/main.mustache > det1; msggen render tpl/main.mustache > det2
check render_should_be_deterministic det1 det2

# docs/render.md examples.
doc=$TOP/docs/render.md
D=$TMP/doc; mkdir -p "$D"
awk -v dir="$D" '
    /^<!-- (file|run): .* -->$/ { kind = $2; sub(/^<!-- (file|run): /, ""); sub(/ -->$/, ""); arg = $0; want = 1; next }
    want && /^```/ { want = 0; inblock = 1; n++; out = sprintf("%s/%03d.%s", dir, n, kind == "file:" ? "file" : "run");
                     print arg > (out ".arg"); printf "" > out; next }
    inblock && /^```$/ { inblock = 0; close(out); next }
    inblock { print >> out }
' "$doc"
runs=0
for f in "$D"/*.file; do cp "$f" "$D/$(cat "$f.arg")"; done
for r in "$D"/*.run; do
    runs=$((runs + 1))
    cmd=$(cat "$r.arg")
    (cd "$D" && eval "$cmd") > "$r.got" 2>&1
    if cmp -s "$r" "$r.got"; then ok "docs_render_md_example: $cmd"
    else fail "docs_render_md_example: $cmd" "output differs from docs/render.md"; diff "$r" "$r.got" | detail; fi
done
[ "$runs" -ge 4 ] && ok docs_render_md_has_examples || fail docs_render_md_has_examples "found $runs runnable examples"
