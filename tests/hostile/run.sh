#!/usr/bin/env bash
# Hostile catalogue strings (issue 11): hostile.yaml puts quotes, backslashes,
# comment delimiters, triple quotes, backticks, ${, $(, {{, '#' and '--' after
# line breaks, CR, tabs, ??/, U+202E and non-ASCII in every string position.
# For every shipped target: generate; the output compiles / type-checks
# strictly; building, `make -n`, pkg-config, importing and loading create no
# canary file (every payload in hostile.yaml touches PWNED); the strings come
# back byte for byte (message names, version, x-http-api strings, validator
# verdicts on the example payload, which has the hostile wire name, enum and
# const values).
. "$(dirname "$0")/../lib.sh"
here="$TOP/tests/hostile"
cat="$here/hostile.yaml"
cd "$TMP" || exit 1

canary() { # $1 = test name: fails when any PWNED file appeared under $TMP
    local found; found=$(find "$TMP" -name PWNED | head -n 3)
    if [ -z "$found" ]; then ok "$1"; else fail "$1" "a payload ran: $found"; fi
}

# NUL cannot be held by msggen strings: refused with one line at its position.
printf 'asyncapi: 3.0.0\ninfo: {title: "a\\u0000b", version: "1"}\nchannels: {}\n' >nul.yaml
if mg generate -i nul.yaml -t c -o nul >out 2>err; then fail hostile_nul_should_be_refused "generate succeeded"
elif [ "$(wc -l <err)" -eq 1 ] && grep -q '^nul.yaml:2:15: error: a NUL character' err; then ok hostile_nul_should_be_refused
else fail hostile_nul_should_be_refused "unexpected diagnostic"; detail err; fi

# Names the targets print as identifiers, modules or packages, and the
# default timeout (printed as a number) cannot be escaped: they are refused,
# one line each at the value.
sed -e 's/^  class: EvilClient$/  class: "EvilClient; int pwn"/' \
    -e 's/module: evil_client}/module: "evil_client\\nimport os"}/' \
    -e 's/package: "@evil\/client"}/package: "@evil\/client\\" \\"bin\\": \\"x"}/' \
    -e 's/defaultTimeoutSeconds: 30$/defaultTimeoutSeconds: "30; import os"/' "$cat" >names.yaml
if mg validate -i names.yaml >out 2>err; then fail hostile_names_should_be_refused "validate accepted them"
elif [ "$(grep -c ': error: x-' err)" -eq 4 ] && [ "$(wc -l <err)" -eq 4 ]; then ok hostile_names_should_be_refused
else fail hostile_names_should_be_refused "want 4 one-line errors"; detail err; fi

if mg generate -i "$cat" -o gen >out 2>err; then ok hostile_should_generate_every_target
else fail hostile_should_generate_every_target "generate failed"; detail err; exit 0; fi
mg view -i "$cat" -t python >view.json 2>err || { fail hostile_view "msggen view failed"; detail err; exit 0; }

# What the catalogue says, as msggen read it: message names (NUL-separated,
# in order), the version, the example payload of the hostile message.
python3 - view.json <<'PY' || { fail hostile_expectations "cannot read view.json"; exit 0; }
import json, sys
v = json.load(open(sys.argv[1]))
names = [m["name"]["raw"] for m in v["messages"]]
open("names.want", "wb").write(b"".join(n.encode() + b"\0" for n in names))
open("version.want", "wb").write(v["catalogue"]["version"].encode())
evil = v["messages"][0]
open("example.json", "w").write(evil["example"]["json"])
open("evil.name", "wb").write(evil["name"]["raw"].encode())
api = v["catalogue"]["extensions"]["x-http-api"]
json.dump({"_ENV_URL": api["env"]["baseUrl"], "_ENV_API_KEY": api["env"]["apiKey"],
           "_ENV_TIMEOUT": api["env"]["timeout"], "_DEFAULT_URL": api["defaultBaseUrl"],
           "_SEND_PATH": api["send"]["path"], "_STATUS_PATH": api["status"]["path"]},
          open("api.json", "w"))
PY
# The view itself must hold the hostile text (else this test proves nothing).
if grep -q '\$(touch PWNED)' names.want && grep -q "$(printf '\xe2\x80\xae')" names.want && grep -q "$(printf '\r')" names.want
then ok hostile_catalogue_should_reach_the_view_unchanged
else fail hostile_catalogue_should_reach_the_view_unchanged "names.want lacks the hostile text"; fi

# ---- C --------------------------------------------------------------------
c="$TMP/gen/c"
hdr=$(cd "$c" && ls ./*.h | grep -v '_internal.h\|_client.h' | head -n 1)
prefix=evil
ccflags="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror $(pkg-config --cflags libcjson libpcre2-8 libmosquitto rdkafka libwebsockets 2>/dev/null)"
okc=1
for f in "$c"/*.c; do
    # shellcheck disable=SC2086
    (cd "$c" && cc $ccflags -c -o "$TMP/${f##*/}.o" "$f") >"$TMP/${f##*/}.cc" 2>&1 &
done
wait
for f in "$c"/*.c; do
    if [ ! -f "$TMP/${f##*/}.o" ] || [ -s "$TMP/${f##*/}.cc" ]; then okc=0; detail "$TMP/${f##*/}.cc"; fi
done
[ $okc = 1 ] && ok hostile_c_should_compile_with_werror || fail hostile_c_should_compile_with_werror "gcc -Werror failed"
cat >main.c <<C
#include <stdio.h>
#include <string.h>
#include "$hdr"
int main(int argc, char **argv)
{
    (void)argc;
    for (int t = 0; t < ${prefix^^}_MESSAGE_TYPE_COUNT; t++) {
        const char *s = ${prefix}_message_type_to_string((${prefix}_message_type)t);
        fwrite(s, 1, strlen(s) + 1, stdout);
    }
    /* argv[1]: the example payload, valid; argv[2]: the name of message 0 */
    cJSON *j = cJSON_Parse(argv[1]);
    ${prefix}_error err = {0};
    ${prefix}_message_type mt;
    int found = ${prefix}_message_type_from_string(argv[2], &mt);
    int valid = found && ${prefix}_message_validate(mt, j, &err);
    fprintf(stderr, "found=%d valid=%d\n", found, valid);
    ${prefix}_error_clear(&err);
    cJSON_Delete(j);
    return valid ? 0 : 3;
}
C
# shellcheck disable=SC2086
if cc $ccflags -I"$c" -o main main.c "$TMP"/*.c.o $(pkg-config --libs libcjson libpcre2-8 libmosquitto rdkafka libwebsockets 2>/dev/null) -lcurl -lpthread -lm >cc.out 2>&1; then
    if ./main "$(cat example.json)" "$(cat evil.name)" >names.c.got 2>main.err && cmp -s names.c.got names.want
    then ok hostile_c_strings_should_come_back_exactly
    else fail hostile_c_strings_should_come_back_exactly "names or validation differ"; detail main.err; fi
else fail hostile_c_strings_should_come_back_exactly "cannot link the test program"; detail cc.out; fi
if (cd "$c" && make -n all >../make.out 2>&1 && ! make -n pwn >/dev/null 2>&1); then ok hostile_c_make_n_should_run_nothing
else fail hostile_c_make_n_should_run_nothing "make -n failed or an injected rule exists"; detail make.out; fi
pc=$(cd "$c" && ls ./*.pc.in | head -n 1)
sed -e 's|@PREFIX@|/usr|' -e 's|@ADAPTER_PKGS@||' "$c/$pc" >"$c/hostile.pc"
if PKG_CONFIG_PATH="$c" pkg-config --cflags --libs hostile >pc.out 2>&1; then ok hostile_pkgconfig_should_parse
else fail hostile_pkgconfig_should_parse "pkg-config failed"; detail pc.out; fi
canary hostile_c_should_run_no_payload

# ---- Python ---------------------------------------------------------------
py="$TMP/gen/python"
if (cd "$py" && python3 - "$TMP" <<'PY') >py.out 2>&1
import sys, json
import evil_client, evil_client.types as t
from evil_client.validate import validate_message
tmp = sys.argv[1]
names = [v for k, v in vars(t.MessageTypes).items() if not k.startswith("_")]
got = b"".join(n.encode() + b"\0" for n in names)
want = open(tmp + "/names.want", "rb").read()
assert got == want, (got, want)
assert evil_client.__version__ == open(tmp + "/version.want", "rb").read().decode(), evil_client.__version__
ex = json.loads(open(tmp + "/example.json").read())
name = open(tmp + "/evil.name", "rb").read().decode()
assert validate_message(name, ex) == [], validate_message(name, ex)
ex["kind"] = "v"
assert validate_message(name, ex) != []
import evil_client.client as cl
for k, want in json.load(open(tmp + "/api.json")).items():
    assert getattr(cl, k) == want, (k, getattr(cl, k), want)
PY
then ok hostile_python_strings_should_come_back_exactly
else fail hostile_python_strings_should_come_back_exactly "import or comparison failed"; detail py.out; fi
mypy_py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -m mypy --version >/dev/null 2>&1; then mypy_py=$p; break; fi
done
if [ -z "$mypy_py" ]; then skip hostile_python_should_pass_mypy_strict "no python3 with mypy"
elif key=$(result_key "$("$mypy_py" --version) $("$mypy_py" -m mypy --version): mypy --strict --no-incremental" "$py/evil_client") &&
     result_passed_before "$key"
then ok hostile_python_should_pass_mypy_strict   # these bytes passed this mypy before (result_key, lib.sh)
elif (cd "$py" && "$mypy_py" -m mypy --strict --no-incremental --cache-dir=/dev/null evil_client) >mypy.out 2>&1
then ok hostile_python_should_pass_mypy_strict; result_passed "$key"
else fail hostile_python_should_pass_mypy_strict "mypy --strict reports errors"; detail mypy.out; fi
if python3 -c 'import tomllib, sys; d = tomllib.load(open(sys.argv[1], "rb")); v = open(sys.argv[2], "rb").read().decode(); assert d["project"]["version"] == v, d["project"]["version"]' \
    "$py/pyproject.toml" version.want >toml.out 2>&1
then ok hostile_pyproject_should_hold_the_version_exactly
else fail hostile_pyproject_should_hold_the_version_exactly "tomllib"; detail toml.out; fi
canary hostile_python_should_run_no_payload

# ---- TypeScript -------------------------------------------------------------
ts="$TMP/gen/typescript"
tsc=$(ts_tsc)
if ! command -v node >/dev/null; then skip hostile_typescript "node not installed"
elif [ -z "$tsc" ]; then skip hostile_typescript "no tsc (npm ci of tests/tsclient/package-lock.json failed)"
else
    # One run type-checks (--strict, as tsconfig.json says too) and compiles
    # (restored from an earlier run when the sources are the same: ts_compile,
    # lib.sh) a copy of the package, whose tsconfig.json says
    # "skipLibCheck": true: that leaves out only the checking of .d.ts files,
    # here TypeScript's own lib files (ES2022, DOM: no node_modules is
    # visible from $TMP, and the package has no .d.ts of its own), not the
    # package's sources or the declarations emitted from them, and the
    # JavaScript is the same (1.5 s of tsc's 5 s CPU). The JavaScript goes to
    # $TMP/tsout; $TMP/gen, which the checks below read, stays as generated.
    tsc_src=$TMP/tsc-src
    if ! cp -R "$ts" "$tsc_src" || ! grep -q '"skipLibCheck": false,' "$tsc_src/tsconfig.json" ||
       ! sed -i 's/"skipLibCheck": false,/"skipLibCheck": true,/' "$tsc_src/tsconfig.json"; then
        fail hostile_typescript_should_pass_tsc_strict "cannot copy the package with \"skipLibCheck\": true"
    elif ts_compile "$tsc_src" >tsc.out 2>&1 && mv "$tsc_src/dist" "$TMP/tsout"; then ok hostile_typescript_should_pass_tsc_strict
    else fail hostile_typescript_should_pass_tsc_strict "tsc reports errors"; detail tsc.out; fi
    if [ -f "$TMP/tsout/index.js" ] && cp "$ts/package.json" "$TMP/package.json.copy" &&
        node --input-type=module - "$TMP" >node.out 2>&1 <<'JS'
import fs from "node:fs";
const tmp = process.argv[2];
const m = await import(tmp + "/tsout/index.js");
const v = await import(tmp + "/tsout/validate.js");
const names = Object.values(m.MessageTypes);
const got = Buffer.concat(names.map((n) => Buffer.from(n + "\0")));
const want = fs.readFileSync(tmp + "/names.want");
if (!got.equals(want)) throw new Error("names differ: " + JSON.stringify(names));
const pkg = JSON.parse(fs.readFileSync(tmp + "/package.json.copy", "utf8"));
if (pkg.version !== fs.readFileSync(tmp + "/version.want", "utf8")) throw new Error("version: " + pkg.version);
if (pkg.bin !== undefined) throw new Error("package.json gained a bin entry");
const ex = JSON.parse(fs.readFileSync(tmp + "/example.json", "utf8"));
const name = fs.readFileSync(tmp + "/evil.name", "utf8");
const p = v.validateMessage(name, ex);
if (p.length !== 0) throw new Error("example invalid: " + JSON.stringify(p));
ex.kind = "v";
if (v.validateMessage(name, ex).length === 0) throw new Error("a wrong enum value passed");
JS
    then ok hostile_typescript_strings_should_come_back_exactly
    else fail hostile_typescript_strings_should_come_back_exactly "import or comparison failed"; detail node.out; fi
fi
canary hostile_typescript_should_run_no_payload

# ---- Markdown and the files no compiler reads -------------------------------
md="$TMP/gen/markdown"
bidi=$(printf '\xe2\x80\xae')
if grep -rl "$bidi" "$TMP/gen" >bidi.out; then fail hostile_no_file_should_hold_a_raw_bidi_override "$(tr '\n' ' ' <bidi.out)"
else ok hostile_no_file_should_hold_a_raw_bidi_override; fi
if grep -rlE '<(script|PWNED)' "$md" "$TMP"/gen/*/README.md >html.out; then fail hostile_markdown_should_hold_no_raw_html "$(tr '\n' ' ' <html.out)"
else ok hostile_markdown_should_hold_no_raw_html; fi
# Every line of the Dockerfile is a comment or one of the template's own
# instructions: a line break in the title must not start a RUN.
if grep -v '^#' "$TMP/gen/python/Dockerfile" | grep -vE '^(FROM|WORKDIR|COPY|RUN pip|USER|ENV|CMD) ' >docker.out
then fail hostile_dockerfile_should_gain_no_instruction "$(head -n 3 docker.out)"
else ok hostile_dockerfile_should_gain_no_instruction; fi
canary hostile_should_run_no_payload_anywhere
