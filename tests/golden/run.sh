#!/usr/bin/env bash
# Golden files: renders every case for every shipped target into a temp folder
# and compares byte for byte with tests/golden/<case>/expected/<target>/.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-golden.sh"
shopt -s nullglob
cases=("$golden_dir"/*/input)
if [ ${#cases[@]} -eq 0 ]; then skip golden "no golden cases yet"; exit 0; fi
targets=$(golden_targets)
[ -n "$targets" ] || { fail golden "msggen targets lists no target"; exit 0; }
for input in "${cases[@]}"; do
    case_dir=$(dirname "$input"); name=$(basename "$case_dir")
    [ -n "$(golden_entry "$case_dir")" ] || { fail "golden/$name" "no input/catalogue.{yaml,yml,json}"; continue; }
    for t in $targets; do
        got="$TMP/$name/$t"; mkdir -p "$(dirname "$got")"
        if ! golden_render "$case_dir" "$t" "$got"; then
            fail "golden/$name/$t" "generate failed"; detail "$got.err"; continue
        fi
        want="$case_dir/expected/$t"
        if [ ! -d "$want" ]; then fail "golden/$name/$t" "no expected output (run make golden and review)"; continue; fi
        if diff -r "$want" "$got" >"$TMP/diff" 2>&1; then ok "golden/$name/$t"
        else fail "golden/$name/$t" "output differs from $want"; detail "$TMP/diff"; fi
    done
done
