#!/usr/bin/env bash
# The worker-backend catalogue (schemas/worker-backend): every $ref resolves, every example
# validates (ajv, draft-07 + formats), and every message equals the published TypeScript
# package @mesh-sync/worker-backend-client (dist/*.d.ts, fetched with npm pack) and the
# Python client page in $SHARED/seeds. See check.mjs for the list of test lines.
#
# Needs node and npm; the checker's own dependencies are pinned in package-lock.json and
# installed with `npm ci` into tests/catalogue/node_modules (git-ignored). Without node, npm
# or the registry the affected checks print `skip`.
. "$(dirname "$0")/../lib.sh"
here="$TOP/tests/catalogue"
cat="$TOP/schemas/worker-backend/asyncapi.yaml"

# No likely-typo warning (docs/catalogue.md) on the flagship catalogue, even as an error.
if mg validate --werror -i "$cat" >/dev/null 2>"$TMP/werror.err"; then
    ok catalogue_should_give_no_warning_under_werror
else
    fail catalogue_should_give_no_warning_under_werror "msggen validate --werror failed"; detail "$TMP/werror.err"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    skip catalogue "node or npm not installed"; exit 0
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
    skip catalogue "node $(node --version) is older than 18"; exit 0
fi
# npm ci only when the lock changed since the last install (it wipes node_modules).
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    if ! (cd "$here" && timeout 120 npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$TMP/npm-ci.log" 2>&1; then
        skip catalogue "npm ci failed (registry unreachable?): $(tail -n 1 "$TMP/npm-ci.log")"; exit 0
    fi
fi

# The reference package, in the version the catalogue says it models.
version=$(sed -n "s/^  version: '\{0,1\}\([0-9][^']*\)'\{0,1\}$/\1/p" "$cat" | head -n 1)
dts=()
if [ -z "$version" ]; then
    fail catalogue_names_the_modelled_package_version "no info.version in $cat"
elif tgz=$(npm_pack "@mesh-sync/worker-backend-client@$version") &&
     tar -xzf "$tgz" -C "$TMP" package/dist 2>/dev/null; then
    dts=(--dts "$TMP/package/dist")
fi  # else check.mjs prints skip for the package comparison

seed=()
[ -f "$SHARED/seeds/python-client-pypi-page.txt" ] && seed=(--seed "$SHARED/seeds/python-client-pypi-page.txt")

node "$here/check.mjs" --catalogue "$cat" "${dts[@]}" "${seed[@]}"
