#!/usr/bin/env bash
# Drift: does the committed out/ match schemas/ and templates/? This is
# `msggen check` run on the repository (what `make check` runs), so a template
# or catalogue change without regenerating out/ fails `make test`.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
if [ ! -f schemas/worker-backend/asyncapi.yaml ] || [ -z "$(ls templates 2>/dev/null)" ]; then
    skip drift "no catalogue in schemas/ or no shipped templates yet"
    exit 0
fi
if mg check >"$TMP/out" 2>"$TMP/err"; then
    ok drift_out_should_match_schemas_and_templates
else
    fail drift_out_should_match_schemas_and_templates "out/ is not what 'msggen generate' writes (run make, then commit out/)"
    detail "$TMP/err"; detail "$TMP/out"
fi
