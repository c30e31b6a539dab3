#!/usr/bin/env bash
# CLI: dispatcher, --help, --version, exit codes of usage errors.
. "$(dirname "$0")/../lib.sh"

expect() { # NAME WANT_RC WANT_STDERR_REGEX -- ARGS...
    local name=$1 want_rc=$2 want_err=$3; shift 4
    mg "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
    if [ "$rc" -ne "$want_rc" ]; then fail "$name" "exit $rc, want $want_rc"; detail "$TMP/err"; return; fi
    if [ -n "$want_err" ] && ! grep -Eq -- "$want_err" "$TMP/err"; then
        fail "$name" "stderr does not match /$want_err/"; detail "$TMP/err"; return; fi
    ok "$name"
}

expect cli_version 0 "" -- --version
grep -q '^msggen [0-9]' "$TMP/out" && ok cli_version_prints_version || fail cli_version_prints_version "got: $(cat "$TMP/out")"
expect cli_help 0 "" -- --help
for c in generate check view validate targets render; do
    grep -q "^  $c " "$TMP/out" && ok "cli_help_lists_$c" || fail "cli_help_lists_$c" "not in --help"
done
expect cli_no_args_is_usage_error 2 "usage: msggen" --
expect cli_unknown_subcommand 2 "^msggen: error: unknown subcommand 'frobnicate' \(see 'msggen --help'\)$" -- frobnicate
expect cli_unknown_option 2 "^msggen: error: unknown option '--frob'" -- --frob
expect cli_render_help 0 "" -- render --help
grep -q 'usage: msggen render' "$TMP/out" && ok cli_render_help_text || fail cli_render_help_text "no usage line"
expect cli_render_unknown_option 2 "^msggen: error: render: unknown option '--nope' \(see 'msggen render --help'\)$" -- render --nope
# Every error is exactly one line.
for f in "$TMP/err"; do [ "$(wc -l <"$f")" -le 1 ] && ok cli_errors_are_one_line || fail cli_errors_are_one_line "$(wc -l <"$f") lines"; done
