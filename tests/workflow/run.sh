#!/usr/bin/env bash
# Workflow: msggen.yaml, --diagnostics-format, the pre-commit hooks, the GitHub
# Action's shell steps, generate --watch, the Dockerfile and bash completion.
# Each part skips (with the reason) when the tool it needs is absent; .ci/run
# installs pre-commit, inotify-tools and python3, so CI runs them all.
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# `msggen` on PATH for the hooks and the completion: the binary under test.
mkdir -p "$TMP/bin"
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$VALGRIND" "$MSGGEN" >"$TMP/bin/msggen"
chmod +x "$TMP/bin/msggen"

# A copy of the sources with the current build products (mtimes kept, so
# make finds them up to date): the action's build step and `make install`
# run there, never in the checkout, whose ./msggen other families are using.
srccopy=$TMP/src
mkdir -p "$srccopy/build" "$srccopy/docs"
cp -a "$TOP/Makefile" "$TOP/generator" "$TOP/templates" "$TOP/completion" "$srccopy/"
cp -a "$TOP/docs/msggen.1" "$srccopy/docs/"
for f in generator libmg.a msggen; do [ -e "$TOP/build/$f" ] && cp -a "$TOP/build/$f" "$srccopy/build/"; done

# A small project: a catalogue with a $ref'd file, a copy of the markdown
# target (so that a template can be edited) and a msggen.yaml.
make_project() { # DIR
    mkdir -p "$1"
    cat >"$1/api.yaml" <<'YAML'
asyncapi: 2.6.0
info: {title: t, version: "1"}
channels:
  jobs:
    publish:
      message:
        $ref: 'msgs.yaml#/Ping'
YAML
    cat >"$1/msgs.yaml" <<'YAML'
Ping:
  name: ping
  payload:
    type: object
    properties:
      n: {type: integer}
  examples:
    - name: one
      payload: {n: 1}
YAML
    cp -R "$TOP/templates/markdown" "$1/md"
    printf 'catalogue: api.yaml\ntargets:\n  ./md: {output: docs/gen}\n' >"$1/msggen.yaml"
}

# ---- msggen.yaml ----
p=$TMP/config
make_project "$p"
mkdir -p "$p/sub/deeper"
if (cd "$p/sub/deeper" && mg generate >"$TMP/out" 2>"$TMP/err") && [ -f "$p/docs/gen/messages/ping.md" ] \
    && grep -q '^markdown: 2 created' "$TMP/out"; then
    ok config_generate_with_no_flags_should_do_what_msggen_yaml_in_a_parent_says
else
    fail config_generate_with_no_flags_should_do_what_msggen_yaml_in_a_parent_says "no docs/gen/messages/ping.md"
    detail "$TMP/err"; detail "$TMP/out"
fi
if (cd "$p/sub" && mg check >"$TMP/out" 2>"$TMP/err") && grep -q '^markdown: in sync (2 files)' "$TMP/out"; then
    ok config_check_with_no_flags_should_check_the_configured_folders
else
    fail config_check_with_no_flags_should_check_the_configured_folders "not in sync"; detail "$TMP/out"
fi
if (cd "$p" && mg generate -o "$TMP/elsewhere" >/dev/null 2>"$TMP/err") && [ -f "$TMP/elsewhere/markdown/messages/ping.md" ]; then
    ok config_flags_should_override_it
else
    fail config_flags_should_override_it "-o was not used"; detail "$TMP/err"
fi
(cd "$p" && mg generate --no-config >/dev/null 2>"$TMP/err"); rc=$?
if [ "$rc" -eq 2 ] && grep -q "pass -i CATALOGUE, or create msggen.yaml" "$TMP/err"; then
    ok config_no_config_and_no_input_should_be_a_usage_error
else
    fail config_no_config_and_no_input_should_be_a_usage_error "exit $rc"; detail "$TMP/err"
fi
printf 'catalogue: config/api.yaml\ntargets:\n  ./config/md: {output: config/docs/gen}\n' >"$TMP/other.yaml"
if (cd / && mg check --config "$TMP/other.yaml" >"$TMP/out" 2>"$TMP/err") && grep -q 'in sync' "$TMP/out"; then
    ok config_option_should_name_the_file_and_paths_stay_relative_to_it
else
    fail config_option_should_name_the_file_and_paths_stay_relative_to_it "check failed"; detail "$TMP/err"
fi

# ---- --diagnostics-format ----
d=$TMP/diag
mkdir -p "$d"
printf 'asyncapi: 2.6.0\ninfo: {title: t, version: "1"}\nchannels:\n  c:\n    publish:\n      message: {$ref: "#/nope"}\n' >"$d/bad.yaml"
(cd "$d" && mg validate -i bad.yaml 2>"$TMP/plain.err"; mg validate -i bad.yaml --diagnostics-format=text 2>"$TMP/text.err") >/dev/null
if [ -s "$TMP/plain.err" ] && cmp -s "$TMP/plain.err" "$TMP/text.err"; then
    ok diag_text_should_be_the_default_byte_for_byte
else
    fail diag_text_should_be_the_default_byte_for_byte "differs"; diff "$TMP/plain.err" "$TMP/text.err" | detail
fi
(cd "$d" && mg --diagnostics-format json validate -i bad.yaml >/dev/null 2>"$TMP/json.err")
if python3 - "$TMP/json.err" "$TMP/plain.err" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
text = open(sys.argv[2]).read().splitlines()
assert len(lines) == len(text) >= 1, (lines, text)
for l, t in zip(lines, text):
    o = json.loads(l)
    assert set(o) >= {"file", "line", "column", "severity", "message"}, o
    assert t == "%s:%d:%d: %s: %s" % (o["file"], o["line"], o["column"], o["severity"], o["message"]), (t, o)
PY
then ok diag_json_should_be_one_object_per_text_line
else fail diag_json_should_be_one_object_per_text_line "see above"; detail "$TMP/json.err"; fi
printf '{"type":"object","properties":{"a":{"type":"integer"}}}' >"$d/s.json"
printf '{"a":"x"}' >"$d/data.json"
(cd "$d" && mg validate -s s.json data.json --diagnostics-format=json >/dev/null 2>"$TMP/ptr.err")
if grep -q '"pointer":"/a"' "$TMP/ptr.err"; then ok diag_json_should_carry_the_pointer_of_a_data_error
else fail diag_json_should_carry_the_pointer_of_a_data_error "no pointer"; detail "$TMP/ptr.err"; fi
printf 'asyncapi: 2.6.0\ninfo: {title: t, version: "1"}\nchannels:\n  c:\n    publish:\n      message:\n        name: m\n        payload:\n          properties:\n            "a/b": {type: integr}\n' >"$d/model.yaml"
(cd "$d" && mg generate -i model.yaml -t markdown -o gen --diagnostics-format=json >/dev/null 2>"$TMP/model.err")
if grep -q '"line":10,"column":27,.*unknown type .integr.*"pointer":"/channels/c/publish/message/payload/properties/a~1b/type"' "$TMP/model.err"; then
    ok diag_json_should_carry_the_pointer_of_a_catalogue_error
else fail diag_json_should_carry_the_pointer_of_a_catalogue_error "no pointer"; detail "$TMP/model.err"; fi
# The pointer on resolve errors (the $ref member), on errors about a value
# from the catalogue reported in target.yaml or msggen.yaml, and in SARIF.
# ptr_case NAME FILE POINTER MESSAGE-PART: $TMP/ptr.json holds the JSON lines.
ptr_case() {
    if grep -F "\"file\":\"$2\"" "$TMP/ptr.json" | grep -F "$4" | grep -qF "\"pointer\":\"$3\""; then ok "$1"
    else fail "$1" "no line for $2 with pointer $3 and '$4'"; detail "$TMP/ptr.json"; fi
}
(cd "$d" && mg validate -i bad.yaml --diagnostics-format=json >/dev/null 2>"$TMP/ptr.json")
ptr_case diag_json_should_carry_the_pointer_of_a_dangling_ref bad.yaml '/channels/c/publish/message/$ref' "unresolved \$ref '#/nope'"
printf 'asyncapi: 2.6.0\ninfo: {title: t, version: "1"}\nchannels:\n  c:\n    publish:\n      message: {$ref: "other.yaml#/x/y"}\n  d:\n    subscribe:\n      message: {$ref: 3}\n' >"$d/refs.yaml"
printf 'x: {z: 1}\n' >"$d/other.yaml"
(cd "$d" && mg validate -i refs.yaml --diagnostics-format=json >/dev/null 2>"$TMP/ptr.json")
ptr_case diag_json_should_carry_the_pointer_of_a_ref_into_another_file refs.yaml '/channels/c/publish/message/$ref' "no 'y' under '/x' in other.yaml"
ptr_case diag_json_should_carry_the_pointer_of_a_ref_that_is_not_a_string refs.yaml '/channels/d/subscribe/message/$ref' "'\$ref' must be a string"
mkdir -p "$d/tg"
printf 'name: tg\nfiles:\n  - {template: m.mustache, path: "{{name.raw}}.txt", per: message}\n' >"$d/tg/target.yaml"
printf '{{name.raw}}\n' >"$d/tg/m.mustache"
printf 'asyncapi: 2.6.0\ninfo: {title: t, version: "1"}\nchannels:\n  c:\n    publish:\n      message: {name: "a/../../x", payload: {type: string}}\n' >"$d/dots.yaml"
(cd "$d" && mg generate -i dots.yaml -t ./tg -o gen-tg --diagnostics-format=json >/dev/null 2>"$TMP/ptr.json")
ptr_case diag_json_should_carry_the_pointer_of_an_output_path_made_from_a_catalogue_name tg/target.yaml /files/0/path "output path 'a/../../x.txt'"
# A clash that only a target's naming makes (tests/errors has its text form).
cp -R "$TOP/tests/errors/view-reserved-word-collision" "$d/clash"
(cd "$d/clash" && mg view -i c.yaml -t ./t --diagnostics-format=json >/dev/null 2>"$TMP/ptr.json")
ptr_case diag_json_should_carry_the_pointer_of_a_name_clash_in_a_target c.yaml /components/messages/m/payload/properties/classValue "both become id 'class_value' in target 'probe'"
printf 'name: tg\nfiles: [{template: m.mustache, path: x.txt, per: catalogue}]\nbogus: 1\ntypes: {string: "{{#x}}"}\n' >"$d/tg/target.yaml"
(cd "$d" && mg generate -i dots.yaml -t ./tg -o gen-tg --diagnostics-format=json >/dev/null 2>"$TMP/ptr.json")
ptr_case diag_json_should_carry_the_pointer_of_a_target_yaml_error tg/target.yaml /bogus "unknown key 'bogus'"
ptr_case diag_json_should_carry_the_pointer_of_a_bad_type_template tg/target.yaml /types/string "is not a valid mustache template"
mkdir -p "$d/cfg" && cp "$d/dots.yaml" "$d/cfg/api.yaml"
printf 'catalogue: api.yaml\ntargets:\n  markdown: {}\n  pythn: {}\n' >"$d/cfg/msggen.yaml"
(cd "$d/cfg" && mg generate --diagnostics-format=json >/dev/null 2>"$TMP/ptr.json")
ptr_case diag_json_should_carry_the_pointer_of_a_config_error msggen.yaml /targets/pythn "unknown target 'pythn'"
(cd "$d" && mg validate -i refs.yaml --diagnostics-format=sarif >/dev/null 2>"$TMP/ptr.sarif")
if python3 - "$TMP/ptr.sarif" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
ptrs = sorted(r.get("properties", {}).get("pointer") for r in results)
assert ptrs == ["/channels/c/publish/message/$ref", "/channels/d/subscribe/message/$ref"], ptrs
PY
then ok diag_sarif_should_carry_the_pointer_of_a_resolve_error
else fail diag_sarif_should_carry_the_pointer_of_a_resolve_error "see above"; detail "$TMP/ptr.sarif"; fi
# The text form is not changed by any of it.
(cd "$d" && mg validate -i refs.yaml 2>&1 >/dev/null) | grep -c '^refs.yaml:[0-9]*:[0-9]*: error: ' >"$TMP/n"
if [ "$(cat "$TMP/n")" = 2 ] && ! (cd "$d" && mg validate -i refs.yaml 2>&1 >/dev/null) | grep -q pointer; then
    ok diag_text_should_not_show_pointers
else fail diag_text_should_not_show_pointers "$(cat "$TMP/n") lines"; fi
# The SARIF logs are checked by one sarif_check.py run at the end of the
# family (sarif_later, sarif_verdicts): a Python start costs more than a
# check. Each log's file is written once and not touched after.
sarif_names=() sarif_args=()
declare -A sarif_why=() sarif_detail=()
# sarif_later NAME OTHERS-HELD WHY DETAIL-FILE -- FILE [--results N] [--rule ID]...:
# the test NAME passes when its other conditions held (OTHERS-HELD is 1) and
# the log passes sarif_check.py; else it fails with WHY and the detail file.
sarif_later() {
    local name=$1 held=$2
    sarif_names+=("$name"); sarif_why[$name]=$3; sarif_detail[$name]=$4
    shift 5
    [ "$held" = 1 ] && sarif_args+=(--group "$name" "$@")
}
sarif_verdicts() {
    local name line
    declare -A checked=() problems=()
    [ ${#sarif_args[@]} -gt 0 ] && python3 "$here/sarif_check.py" "${sarif_args[@]}" >"$TMP/sarif.out" 2>&1
    while IFS= read -r line; do
        if [[ $line == "checked "* ]]; then line=${line#checked }; checked[${line% *}]=${line##* }
        elif [[ $line == *$'\t'* ]]; then problems[${line%%$'\t'*}]+=${line#*$'\t'}$'\n'; fi
    done 2>/dev/null <"$TMP/sarif.out"
    for name in "${sarif_names[@]}"; do
        if [ "${checked[$name]:-x}" = 0 ]; then ok "$name"; continue; fi
        fail "$name" "${sarif_why[$name]}"
        if [ -n "${checked[$name]+set}" ]; then printf '%s' "${problems[$name]}" | detail
        elif [[ " ${sarif_args[*]} " == *" --group $name "* ]]; then detail "$TMP/sarif.out"; fi
        detail "${sarif_detail[$name]}"
    done
}
(cd "$d" && mg validate -i bad.yaml --diagnostics-format=sarif --diagnostics-output=out.sarif >/dev/null 2>"$TMP/out-sarif.err"); rc=$?
held=0; [ "$rc" -eq 1 ] && [ ! -s "$TMP/out-sarif.err" ] && held=1
sarif_later diag_sarif_should_be_a_valid_2_1_0_log_with_the_error $held "exit $rc" "$TMP/out-sarif.err" -- \
    "$d/out.sarif" --results 1 --rule input-error
(cd "$p" && mg check --diagnostics-format=sarif >/dev/null 2>"$TMP/zero.sarif"); rc=$?
held=0; [ "$rc" -eq 0 ] && held=1
sarif_later diag_sarif_should_be_valid_with_zero_results $held "exit $rc" /dev/null -- "$TMP/zero.sarif" --results 0
# check: one drift diagnostic per file, at the first changed line.
cp -R "$p" "$TMP/drifted"
sed -i 's/type: integer/type: number/' "$TMP/drifted/msgs.yaml"
rm "$TMP/drifted/docs/gen/README.md"
(cd "$TMP/drifted" && mg check --diagnostics-format=json >"$TMP/out" 2>"$TMP/drift.err"); rc=$?
if [ "$rc" -eq 1 ] && [ "$(grep -c '"kind":"drift"' "$TMP/drift.err")" -eq 3 ] \
    && grep -q '^{"file":"docs/gen/README.md","line":0,"column":0,.*"kind":"drift","message":"generated file missing' "$TMP/drift.err" \
    && grep -q '^{"file":"docs/gen/messages/ping.md","line":[1-9][0-9]*,"column":1,.*"kind":"drift"' "$TMP/drift.err" \
    && grep -q '^{"file":"docs/gen",.*"message":"markdown: out of sync: 1 missing, 1 different' "$TMP/drift.err" \
    && grep -q '^different: docs/gen/messages/ping.md$' "$TMP/out"; then
    ok diag_check_should_report_drift_per_file_at_the_first_changed_line
else
    fail diag_check_should_report_drift_per_file_at_the_first_changed_line "exit $rc"; detail "$TMP/drift.err"
fi
line=$(sed -n 's/^{"file":"docs\/gen\/messages\/ping.md","line":\([0-9]*\),.*/\1/p' "$TMP/drift.err")
if [ -n "$line" ] && sed -n "${line}p" "$TMP/drifted/docs/gen/messages/ping.md" | grep -q integer; then
    ok diag_drift_line_should_be_the_changed_line_on_disk
else
    fail diag_drift_line_should_be_the_changed_line_on_disk "line '$line' of ping.md: $(sed -n "${line:-1}p" "$TMP/drifted/docs/gen/messages/ping.md")"
fi
mg generate --frob --diagnostics-format=sarif >/dev/null 2>"$TMP/usage.sarif"; rc=$?
held=0; [ "$rc" -eq 2 ] && held=1
sarif_later diag_sarif_should_report_usage_errors $held "exit $rc" /dev/null -- "$TMP/usage.sarif" --results 1 --rule usage-error
mg check --diagnostics-format=xml >/dev/null 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "unknown diagnostics format 'xml'" "$TMP/err"; then ok diag_unknown_format_should_be_a_usage_error
else fail diag_unknown_format_should_be_a_usage_error "exit $rc"; detail "$TMP/err"; fi

# ---- pre-commit hooks ----
if ! command -v pre-commit >/dev/null || ! command -v git >/dev/null; then
    skip precommit_hooks "pre-commit or git is not installed (apt-get install pre-commit)"
else
    export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
    export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
    hooks=$TMP/hooks-repo proj=$TMP/pc-project
    mkdir -p "$hooks"
    cp "$TOP/.pre-commit-hooks.yaml" "$hooks/"
    git -C "$hooks" init -q && git -C "$hooks" add -A && git -C "$hooks" commit -qm hooks
    rev=$(git -C "$hooks" rev-parse HEAD)
    make_project "$proj"
    (cd "$proj" && mg generate >/dev/null)
    printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: msggen-validate\n      - id: msggen-check\n' \
        "$hooks" "$rev" >"$proj/.pre-commit-config.yaml"
    git -C "$proj" init -q && git -C "$proj" add -A && git -C "$proj" commit -qm project
    precommit() { (cd "$proj" && PRE_COMMIT_HOME=$TMP/pc-home PATH=$TMP/bin:$PATH pre-commit run --all-files); }
    precommit >"$TMP/pc1" 2>&1; rc=$?
    if [ "$rc" -eq 0 ] && grep -q '^msggen check.*Passed' "$TMP/pc1" && grep -q '^msggen validate.*Passed' "$TMP/pc1"; then
        ok precommit_hooks_should_pass_on_a_project_in_sync
    else
        fail precommit_hooks_should_pass_on_a_project_in_sync "exit $rc"; detail "$TMP/pc1"
    fi
    sed -i 's/type: integer/type: string/; s/{n: 1}/{n: "1"}/' "$proj/msgs.yaml"
    git -C "$proj" add -A
    precommit >"$TMP/pc2" 2>&1; rc=$?
    if [ "$rc" -eq 1 ] && grep -q '^msggen check.*Failed' "$TMP/pc2" && grep -q 'markdown: out of sync' "$TMP/pc2"; then
        ok precommit_check_hook_should_fail_on_drift
    else
        fail precommit_check_hook_should_fail_on_drift "exit $rc"; detail "$TMP/pc2"
    fi
    sed -i 's/{n: "1"}/{n: 1}/' "$proj/msgs.yaml"
    git -C "$proj" add -A
    precommit >"$TMP/pc3" 2>&1; rc=$?
    if [ "$rc" -eq 1 ] && grep -q '^msggen validate.*Failed' "$TMP/pc3" \
        && grep -q "msgs.yaml:9:.*example 'one' does not match" "$TMP/pc3"; then
        ok precommit_validate_hook_should_fail_on_a_bad_example
    else
        fail precommit_validate_hook_should_fail_on_a_bad_example "exit $rc"; detail "$TMP/pc3"
    fi
fi

# ---- the GitHub Action's shell steps ----
if ! command -v python3 >/dev/null; then
    skip action_steps "python3 is not installed"
else
    a=$TMP/action-ws
    make_project "$a"
    (cd "$a" && mg generate >/dev/null)
    python3 "$here/action_steps.py" "$TOP/action.yml" "$a" "$srccopy" >"$TMP/act1" 2>&1; rc=$?
    held=0; [ "$rc" -eq 0 ] && grep -q '^output check.exit-code=0$' "$TMP/act1" && held=1
    sarif_later action_steps_should_pass_and_write_sarif_on_a_project_in_sync $held "exit $rc" "$TMP/act1" -- \
        "$a/msggen.sarif" --results 0
    sed -i 's/type: integer/type: number/' "$a/msgs.yaml"
    python3 "$here/action_steps.py" "$TOP/action.yml" "$a" "$srccopy" sarif-file=report.sarif >"$TMP/act2" 2>&1; rc=$?
    held=0
    [ "$rc" -eq 1 ] && grep -q '^step msggen check: exit 0$' "$TMP/act2" && grep -q '^step Fail on drift or errors: exit 1$' "$TMP/act2" \
        && grep -q '"uri":.*"docs/gen/messages/ping.md"' "$a/report.sarif" && held=1
    sarif_later action_steps_should_report_drift_in_sarif_and_fail $held "exit $rc" "$TMP/act2" -- \
        "$a/report.sarif" --results 3 --rule drift
fi

# ---- generate --watch ----
# watch_start ARGS...: starts `msggen generate ARGS...` in $w (bounded by
# timeout(1), which passes our signals on), its standard output into a FIFO
# that this shell reads with read -t (watch_wait): no grep and sleep every
# tenth of a second. The FIFO is opened read-write here, so that the open
# never blocks (a run that dies early only makes the waits time out); each
# line read is copied to $TMP/w.out, and watch_end copies what is left.
watch_start() {
    rm -f "$TMP/w.out" "$TMP/w.fifo" && mkfifo "$TMP/w.fifo" && : >"$TMP/w.out" || return 1
    exec {wfd}<>"$TMP/w.fifo"
    (cd "$w" && exec timeout -s KILL 30 $VALGRIND "$MSGGEN" generate "$@" >"$TMP/w.fifo" 2>"$TMP/w.err") &
    pid=$!
}
# watch_wait SECONDS REGEX: true once a line of the output matches REGEX
# (extended), false when none came within SECONDS.
watch_wait() {
    local end=$((SECONDS + $1)) line
    while [ $SECONDS -lt $end ]; do
        IFS= read -r -t $((end - SECONDS)) -u "$wfd" line || return 1
        printf '%s\n' "$line" >>"$TMP/w.out"
        [[ $line =~ $2 ]] && return 0
    done
    return 1
}
# watch_kill SIG: sends SIG to the watched msggen itself (as Ctrl-C or a
# service manager would), not to timeout(1). timeout passes a signal on, but
# coreutils 9.1's dies of one that reaches it between fork() and its noting
# the child's pid (128+SIG, msggen left running for ever): under load, about
# once in a hundred runs. timeout's child is read from /proc (Linux, as
# inotify is); without that file, timeout is signalled as before.
watch_kill() {
    local child=
    { read -r child _ <"/proc/$pid/task/$pid/children"; } 2>/dev/null
    kill -"$1" "${child:-$pid}" 2>/dev/null
}
# watch_end: waits for the run (its status in rc), keeps the rest of its output.
watch_end() {
    local line
    wait "$pid"; rc=$?
    while IFS= read -r -t 0.2 -u "$wfd" line; do printf '%s\n' "$line" >>"$TMP/w.out"; done
    exec {wfd}<&-
}
if [ ! -d /proc/sys/fs/inotify ]; then
    skip watch "no inotify on this system"
else
    w=$TMP/watch
    make_project "$w"
    watch_start --watch --watch-max-runs 5
    steps=ok
    watch_wait 10 '^watch: run 1 ok' || steps="no first run"
    [ "$steps" = ok ] && { sed -i 's/type: integer/type: boolean/; s/{n: 1}/{n: true}/' "$w/msgs.yaml"
        watch_wait 10 '^watch: run 2 ok' || steps="no run after editing the \$ref'd file"; }
    [ "$steps" = ok ] && { grep -q boolean "$w/docs/gen/messages/ping.md" || steps="run 2 did not regenerate"; }
    [ "$steps" = ok ] && { echo 'Edited by the watch test.' >>"$w/md/message.md.mustache"
        watch_wait 10 '^watch: run 3 ok' || steps="no run after editing a template"; }
    [ "$steps" = ok ] && { grep -q 'Edited by the watch test' "$w/docs/gen/messages/ping.md" || steps="run 3 did not use the template"; }
    [ "$steps" = ok ] && { sed -i 's|output: docs/gen|output: docs/gen2|' "$w/msggen.yaml"
        watch_wait 10 '^watch: run 4 ok' || steps="no run after editing msggen.yaml"; }
    [ "$steps" = ok ] && { [ -f "$w/docs/gen2/messages/ping.md" ] || steps="run 4 did not read the new msggen.yaml"; }
    [ "$steps" = ok ] && { echo 'broken: [' >>"$w/msgs.yaml"
        watch_wait 10 '^watch: run 5 failed' || steps="no failed run after breaking the catalogue"; }
    [ "$steps" = ok ] || watch_kill TERM
    watch_end
    if [ "$steps" = ok ] && [ "$rc" -eq 1 ] && grep -q '^msgs.yaml:[0-9]*:1: error: YAML' "$TMP/w.err"; then
        ok watch_should_regenerate_on_each_change_and_keep_going_after_errors
    else
        fail watch_should_regenerate_on_each_change_and_keep_going_after_errors "$steps (exit $rc)"
        detail "$TMP/w.out"; detail "$TMP/w.err"
    fi
    sed -i '$d' "$w/msgs.yaml"
    for sig in TERM INT; do
        # A fresh FIFO and log: watch_wait must not see the previous process's lines.
        watch_start --watch
        if watch_wait 10 '^watch: run 1'; then watch_kill "$sig"; fi
        watch_end
        if [ "$rc" -eq 0 ]; then ok "watch_should_exit_0_on_SIG$sig"
        else fail "watch_should_exit_0_on_SIG$sig" "exit $rc"; detail "$TMP/w.out"; detail "$TMP/w.err"; fi
    done
fi

# ---- Dockerfile ----
# The build stage installs exactly the Makefile's build dependencies plus a
# compiler and make; the runtime stage exactly the packages of the shared
# libraries msggen links (libc aside).
stage_pkgs() { # N: the packages of the apt-get install in stage N (1-based)
    awk -v want="$1" '/^FROM /{stage++} stage==want' "$TOP/Dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' \
        | grep -o 'apt-get install[^&]*' | tr ' ' '\n' | grep -v -e '^-' -e '^apt-get$' -e '^install$' -e '^$' | sort -u
}
make_pkgs=$(sed -n 's/^APT_PKGS[[:space:]]*[:?]*=//p' "$TOP/Makefile" | tr ' ' '\n' | grep -v '^$')
want=$(printf '%s\ngcc\nmake\n' "$make_pkgs" | sort -u)
got=$(stage_pkgs 1)
if [ -n "$make_pkgs" ] && [ "$want" = "$got" ]; then ok docker_build_stage_should_install_the_build_dependencies
else fail docker_build_stage_should_install_the_build_dependencies "Dockerfile: $(echo $got); Makefile APT_PKGS + gcc make: $(echo $want)"; fi
if ! command -v dpkg-query >/dev/null || ! command -v ldd >/dev/null; then
    skip docker_runtime_stage "no dpkg-query or ldd to find the packages of msggen's libraries"
else
    # dpkg knows a library by one of its names (/lib or /usr/lib, link or file).
    paths=$(ldd "$MSGGEN" | awk '$3 ~ /^\// {print $3; print "/usr" $3}')
    for l in $paths; do [ -e "$l" ] && readlink -f "$l"; done >"$TMP/libs"
    want=$(dpkg -S $paths $(cat "$TMP/libs") 2>/dev/null | cut -d: -f1 | grep -v -e '^libc6$' | sort -u)
    # A sanitized build (make asan) also links the sanitizer runtimes.
    [ -n "${MG_SANITIZED:-}" ] && want=$(grep -v -e '^lib[a-z]*san[0-9]*$' -e '^libstdc++6$' -e '^libgcc-s1$' <<<"$want")
    got=$(stage_pkgs 2)
    if [ -n "$want" ] && [ "$want" = "$got" ]; then ok docker_runtime_stage_should_install_the_libraries_msggen_links
    else fail docker_runtime_stage_should_install_the_libraries_msggen_links "Dockerfile: $(echo $got); ldd: $(echo $want)"; fi
fi
missing=
for src in $(awk '/^COPY / && !/--from/ {for (i = 2; i < NF; i++) print $i}' "$TOP/Dockerfile"); do
    [ -e "$TOP/$src" ] || missing="$missing $src"
done
stages=$(grep -c '^FROM debian:[a-z]*-slim' "$TOP/Dockerfile")
if [ -z "$missing" ] && [ "$stages" -eq 2 ]; then ok docker_copies_should_exist_in_two_slim_stages
else fail docker_copies_should_exist_in_two_slim_stages "missing:$missing; slim stages: $stages"; fi

# ---- bash completion ----
complete_words() { # WORD... (the last one is being completed)
    PATH=$TMP/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _msggen; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$TOP/completion/msggen.bash" msggen "$@"
}
check_completion() { # NAME WANT_WORDS -- WORDS...
    local name=$1 want=$2; shift 3
    local got; got=$(cd "$TMP" && complete_words "$@" | sort | tr '\n' ' ')
    if [ "$got" = "$want " ]; then ok "$name"; else fail "$name" "got '$got', want '$want '"; fi
}
check_completion completion_should_offer_subcommands "generate" -- gen
check_completion completion_should_offer_every_subcommand "check generate help render targets validate view" -- ""
check_completion completion_should_offer_targets_after_t "$(mg targets | awk '{print $1}' | sort | tr '\n' ' ' | sed 's/ $//')" -- generate -t ""
check_completion completion_should_offer_options "--watch --watch-max-runs" -- generate --wat
check_completion completion_should_offer_options_of_check "--no-config" -- check --no
check_completion completion_should_offer_diagnostics_formats "json" -- check --diagnostics-format = j
if make -s -C "$srccopy" install DESTDIR="$TMP/inst" PREFIX=/usr >"$TMP/out" 2>&1 \
    && cmp -s "$TOP/completion/msggen.bash" "$TMP/inst/usr/share/bash-completion/completions/msggen"; then
    ok completion_should_be_installed_by_make_install
else
    fail completion_should_be_installed_by_make_install "not in share/bash-completion/completions"; detail "$TMP/out"
fi

# ---- docs stay true ----
# Each error line docs/config.md shows is the exact stderr of an error-corpus case.
# (One grep for all the lines: the ones no stderr file has as a whole line.)
awk '/^## Errors/{on=1} on && /^```$/{n++; next} on && n==1' "$TOP/docs/config.md" >"$TMP/doc-errors"
bad=$(cat "$TOP"/tests/errors/*/stderr | grep -vFx -f - "$TMP/doc-errors")
n=$(wc -l <"$TMP/doc-errors")
if [ -z "$bad" ] && [ "$n" -ge 5 ]; then ok docs_config_md_errors_should_be_what_msggen_prints
else fail docs_config_md_errors_should_be_what_msggen_prints "$n lines; some are in no tests/errors/*/stderr"; printf "%s\n" "$bad" | detail; fi

sarif_verdicts
