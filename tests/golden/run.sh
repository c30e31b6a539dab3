#!/usr/bin/env bash
# Golden files: renders every case for every shipped target into a temp folder
# and compares byte for byte with tests/golden/<case>/expected/<target>/.
# One msggen run per case renders all the targets (OUT/<target>/, as
# `-t T -o OUT/T` would), and one `diff -r` compares the case's expected/ with
# them; only when that finds a difference is each target compared on its own,
# so that the failure names the target (and expected/ holding anything but
# the targets' folders is a failure of its own).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-golden.sh"
shopt -s nullglob
cases=("$golden_dir"/*/input)
if [ ${#cases[@]} -eq 0 ]; then skip golden "no golden cases yet"; exit 0; fi
golden_targets=$(golden_targets)
[ -n "$golden_targets" ] || { fail golden "msggen targets lists no target"; exit 0; }
for input in "${cases[@]}"; do
    case_dir=${input%/input}; name=${case_dir##*/}
    entry=$(golden_entry "$case_dir")
    [ -n "$entry" ] || { fail "golden/$name" "no input/catalogue.{yaml,yml,json}"; continue; }
    got=$TMP/$name
    # shellcheck disable=SC2086 # one target name a word
    if ! golden_render_all "$case_dir" "$entry" "$got" $golden_targets; then
        for t in $golden_targets; do fail "golden/$name/$t" "generate failed"; done; detail "$got.err"; continue
    fi
    # An internal diagnostic (run.c: a pruned view that failed where the
    # full view did not) leaves the output right: only stderr shows it.
    if grep -q ': internal: ' "$got.err"; then
        for t in $golden_targets; do fail "golden/$name/$t" "msggen reported an internal problem"; done
        detail "$got.err"; continue
    fi
    if diff -r "$case_dir/expected" "$got" >"$TMP/diff" 2>&1; then
        for t in $golden_targets; do ok "golden/$name/$t"; done; continue
    fi
    differs=
    for t in $golden_targets; do
        want="$case_dir/expected/$t"
        if [ ! -d "$want" ]; then fail "golden/$name/$t" "no expected output (run make golden and review)"; differs=1; continue; fi
        if diff -r "$want" "$got/$t" >"$TMP/diff" 2>&1; then ok "golden/$name/$t"
        else fail "golden/$name/$t" "output differs from $want"; detail "$TMP/diff"; differs=1; fi
    done
    if [ -z "$differs" ]; then
        fail "golden/$name" "$case_dir/expected holds more than the targets' folders"; diff -r "$case_dir/expected" "$got" | detail
    fi
done
