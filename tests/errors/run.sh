#!/usr/bin/env bash
# Error corpus: every folder tests/errors/<case>/ holds
#   cmd      a bash snippet run inside a copy of the folder, with `msggen` as a
#            function running the binary under test (e.g. `msggen render t.mustache d.json`)
#   stderr   the exact expected standard error (one line, gcc style)
#   rc       the expected exit code (optional; default 1)
#   needs    a subcommand the case needs (optional): while `msggen NAME --help`
#            fails (the subcommand is not in this build yet) the case is skipped
# plus whatever input files the command reads. Standard output is ignored.
#
# A process start costs about 5 ms of CPU here, more than most cases' msggen
# run: the whole corpus is copied with one cp, `msggen NAME --help` runs once
# per subcommand named in a needs file (not once per case), and the standard
# errors are compared byte for byte through one sha256sum over every got and
# expected file (diff runs only for a case that differs), so a case costs its
# command (and a subshell when its cmd is more than one plain msggen line).
. "$(dirname "$0")/../lib.sh"
shopt -s nullglob
src=$(cd "$(dirname "$0")" && pwd)
cp -R "$src" "$TMP/cases" || { fail errors "could not copy $src"; exit 0; }
declare -A has_cmd=()
names=()
for dir in "$TMP/cases"/*/; do
    dir=${dir%/} name=${dir##*/}
    [ -f "$dir/cmd" ] || { fail "errors/$name" "no cmd file"; continue; }
    if [ -f "$dir/needs" ]; then
        read -r need <"$dir/needs"
        if [ -z "${has_cmd[$need]+set}" ]; then
            mg "$need" --help >/dev/null 2>&1 && has_cmd[$need]=1 || has_cmd[$need]=0
        fi
        if [ "${has_cmd[$need]}" = 0 ]; then
            skip "errors/$name" "msggen $need is not available in this build yet"; continue
        fi
    fi
    [ -f "$dir/stderr" ] || { fail "errors/$name" "no stderr file"; continue; }
    want_rc=1; [ -f "$dir/rc" ] && read -r want_rc <"$dir/rc"
    mapfile -t lines <"$dir/cmd"
    if [ ${#lines[@]} -eq 1 ] && [[ ${lines[0]} == "msggen "* && ${lines[0]} != *[\'\"\$\`\\\;\&\|\<\>\(\)\*\?\[\~\#]* ]]; then
        # A plain `msggen WORD...` line (no quoting, expansion, globbing or
        # operator: its words are what the shell would make of it) runs
        # from this shell, cd'd into the case: no subshell to start.
        read -r -a words <<<"${lines[0]}"
        cd "$dir" && mg "${words[@]:1}" >/dev/null 2>"$dir/.got"; rc=$?
        cd "$TMP" || exit 1
    else
        ( cd "$dir" && msggen() { mg "$@"; } && . ./cmd ) >/dev/null 2>"$dir/.got"; rc=$?
    fi
    if [ "$rc" -ne "$want_rc" ]; then
        fail "errors/$name" "exit $rc, want $want_rc"; detail "$dir/.got"; continue
    fi
    names+=("$name")
done
[ ${#names[@]} -gt 0 ] || exit 0

# "HASH  FILE" for each case's .got, then for its expected stderr (from the
# committed folder, not the copy the command ran in).
files=()
for name in "${names[@]}"; do files+=("$TMP/cases/$name/.got" "$src/$name/stderr"); done
mapfile -t sums < <(sha256sum -- "${files[@]}")
if [ ${#sums[@]} -ne ${#files[@]} ]; then
    fail errors "sha256sum gave ${#sums[@]} lines for ${#files[@]} files"; exit 0
fi
i=0
for name in "${names[@]}"; do
    got=${sums[$i]%% *} want=${sums[$((i + 1))]%% *}; i=$((i + 2))
    if [ ${#got} -ne 64 ] || [ "$got" != "$want" ]; then
        fail "errors/$name" "stderr differs"; diff "$src/$name/stderr" "$TMP/cases/$name/.got" 2>&1 | detail; continue
    fi
    ok "errors/$name"
done
