#!/usr/bin/env bash
# Rewrites tests/frontend/expected/*.view.json from the current msggen.
# Review the diff before committing: it is the template authors' contract.
#   NAME.view.json         msggen view -i tests/catalogues/NAME.(yaml|json)
#   NAME@TARGET.view.json  ... -t tests/frontend/TARGET
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
msggen=${MSGGEN:-$top/msggen}
cd "$top"
for want in tests/frontend/expected/*.view.json; do
    base=$(basename "$want" .view.json)
    cat=${base%%@*}; tgt=; [ "$base" != "$cat" ] && tgt=${base#*@}
    src=$(ls tests/catalogues/"$cat".yaml tests/catalogues/"$cat".json 2>/dev/null | head -1)
    args=(-i "$src"); [ -n "$tgt" ] && args+=(-t "tests/frontend/$tgt")
    "$msggen" view "${args[@]}" >"$want.tmp" && mv "$want.tmp" "$want"
    echo "updated $want"
done
