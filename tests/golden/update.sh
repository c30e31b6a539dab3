#!/usr/bin/env bash
# `make golden`: rewrites tests/golden/<case>/expected/ from the current
# templates. Review the result with `git diff tests/golden` before committing.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-golden.sh"
shopt -s nullglob
status=0
targets=$(golden_targets)
for input in "$golden_dir"/*/input; do
    case_dir=$(dirname "$input"); name=$(basename "$case_dir")
    for t in $targets; do
        got="$TMP/$name/$t"; mkdir -p "$(dirname "$got")"
        if golden_render "$case_dir" "$t" "$got"; then
            rm -rf "$case_dir/expected/$t"; mkdir -p "$case_dir/expected"
            cp -R "$got" "$case_dir/expected/$t"
            echo "golden: $name/$t"
        else
            echo "golden: $name/$t: generate failed:" >&2; cat "$got.err" >&2; status=1
        fi
    done
done
exit $status
