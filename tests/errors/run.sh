#!/usr/bin/env bash
# Error corpus: every folder tests/errors/<case>/ holds
#   cmd      a bash snippet run inside a copy of the folder, with `msggen` as a
#            function running the binary under test (e.g. `msggen render t.mustache d.json`)
#   stderr   the exact expected standard error (one line, gcc style)
#   rc       the expected exit code (optional; default 1)
#   needs    a subcommand the case needs (optional): while `msggen NAME --help`
#            fails (the subcommand is not in this build yet) the case is skipped
# plus whatever input files the command reads. Standard output is ignored.
. "$(dirname "$0")/../lib.sh"
shopt -s nullglob
for dir in "$(dirname "$0")"/*/; do
    name=$(basename "$dir")
    [ -f "$dir/cmd" ] || { fail "errors/$name" "no cmd file"; continue; }
    if [ -f "$dir/needs" ] && ! mg "$(cat "$dir/needs")" --help >/dev/null 2>&1; then
        skip "errors/$name" "msggen $(cat "$dir/needs") is not available in this build yet"; continue
    fi
    work="$TMP/$name"; mkdir -p "$work"; cp -R "$dir/." "$work/"
    want_rc=1; [ -f "$dir/rc" ] && want_rc=$(cat "$dir/rc")
    ( cd "$work" && msggen() { mg "$@"; } && . ./cmd ) >/dev/null 2>"$work/.got"; rc=$?
    if [ "$rc" -ne "$want_rc" ]; then
        fail "errors/$name" "exit $rc, want $want_rc"; detail "$work/.got"; continue
    fi
    if ! cmp -s "$work/.got" "$dir/stderr"; then
        fail "errors/$name" "stderr differs"; diff "$dir/stderr" "$work/.got" | detail; continue
    fi
    ok "errors/$name"
done
