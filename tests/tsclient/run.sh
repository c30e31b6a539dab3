#!/usr/bin/env bash
# The typescript target end to end: generate the client, type-check it with
# tsc --strict --noEmit, compile it and run it (node:test) against the
# loopback job server (tests/server), check its validator against msggen's own
# on mutated example payloads, and compare its public API with the published
# @mesh-sync/worker-backend-client (npm pack into a temp folder).
#
# TypeScript comes from the npm registry, pinned by package-lock.json here and
# installed by `npm ci` into tests/tsclient/node_modules (git ignores it; kept
# between runs). Without node/npm or without the registry, the steps that need
# them print `skip`.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/server/lib-server.sh"
here="$TOP/tests/tsclient"
cat="$TOP/schemas/worker-backend/asyncapi.yaml"
PUBLISHED="@mesh-sync/worker-backend-client@4.0.24"
[ -f "$cat" ] || { skip tsclient "no worker-backend catalogue in schemas/"; exit 0; }
command -v node >/dev/null && command -v npm >/dev/null || { skip tsclient "node or npm not installed"; exit 0; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
    { skip tsclient "node is older than 18 (fetch)"; exit 0; }

gen() { mkdir -p "$(dirname "$2")"; mg generate -i "$1" -t typescript -o "$2" >/dev/null 2>"$2.err"; }
if gen "$cat" "$TMP/wb"; then ok typescript_target_should_generate_the_worker_backend_client
else fail typescript_target_should_generate_the_worker_backend_client "generate failed"; detail "$TMP/wb.err"; exit 0; fi
gen "$TOP/tests/catalogues/features.yaml" "$TMP/features" || { fail typescript_target_should_generate_features "generate failed"; detail "$TMP/features.err"; }
gen "$TOP/tests/golden/client-names/input/catalogue.yaml" "$TMP/client_names" || { fail typescript_target_should_generate_client_names "generate failed"; detail "$TMP/client_names.err"; }
gen "$TOP/tests/golden/reserved-words/input/catalogue.yaml" "$TMP/keywords" || { fail typescript_target_should_generate_keywords "generate failed"; detail "$TMP/keywords.err"; }
# A catalogue with its own JobResponse/JobStatus: collide_check.ts uses them
# beside the client's answer types (JobResponseAnswer, JobStatusAnswer).
if gen "$TOP/tests/consumers/python-collide/catalogue.yaml" "$TMP/collide"; then cp "$here/collide_check.ts" "$TMP/collide/src/"
else fail typescript_target_should_generate_collide "generate failed"; detail "$TMP/collide.err"; fi

# TypeScript, pinned; reinstalled only when the lock file changed (ts_tsc, lib.sh).
ts_tsc >/dev/null || { skip typescript_client "npm ci failed (registry unreachable?)"; detail "$TMP/npm"; exit 0; }
# The tsc programs below run in one node process (ts_programs, lib.sh).
ts_server_start
trap 'ts_server_stop; rm -rf "$TMP"' EXIT

# Type-check with --strict: client_names, keywords, collide and features in
# one tsc program (ts_check_many, lib.sh: each package's own tsconfig options,
# declarations emitted so their errors count); the worker-backend package as
# its build script builds it (ts_build, lib.sh: ESM and CommonJS, into
# $TMP/wb/dist for the runtime tests below; shared with the consumers family,
# which builds the same package, and kept between runs by content).
checks=()
for d in client_names keywords collide features; do [ -d "$TMP/$d" ] && checks+=("$d=$TMP/$d"); done
ts_check_many "$TMP/check" "${checks[@]}"
for c in "${checks[@]}"; do
    d=${c%%=*}
    if [ -f "$TMP/check/$d.tsc" ] && ! [ -s "$TMP/check/$d.tsc" ]
    then ok "typescript_client_should_pass_tsc_strict_$d"
    else fail "typescript_client_should_pass_tsc_strict_$d" "tsc --strict reports errors"; detail "$TMP/check/$d.tsc"
         [ "$d" = features ] && exit 0; fi
done
# Built where no node_modules is visible, as the consumers family builds it
# (the same cache entry), so that ts_build's tsc is the one adding
# --skipLibCheck (npm run puts node_modules/.bin first on PATH).
if ts_build "$TMP/wb" typescript_client_wb >"$TMP/tsc" 2>&1
then grep '^# ' "$TMP/tsc"; ok typescript_client_should_pass_tsc_strict_wb
else fail typescript_client_should_pass_tsc_strict_wb "tsc --strict reports errors"; detail "$TMP/tsc"; exit 0; fi

# Validator conformance: same verdicts and messages as msggen validate, on
# mutated example payloads (tests/pyclient/mutants.py) of the worker-backend
# catalogue and of test catalogues with enums/ranges/formats, allOf, unions,
# recursion, reserved words. The small catalogues' validators are compiled in
# one tsc run.
conformance="features:tests/catalogues/features.yaml union:tests/catalogues/union.yaml
allof:tests/catalogues/allof.yaml tree:tests/catalogues/tree.yaml
oneof_2_0:tests/catalogues/asyncapi-2.0-oneof.yaml reserved_words:tests/golden/reserved-words/input/catalogue.yaml
client_names:tests/golden/client-names/input/catalogue.yaml"
if command -v python3 >/dev/null; then
    roots=()
    for c in $conformance; do
        label=${c%%:*}
        gen "$TOP/${c#*:}" "$TMP/v/$label" && roots+=("$TMP/v/$label/src/validate.ts") ||
            { fail "typescript_validator_cases_$label" "generate failed"; detail "$TMP/v/$label.err"; }
    done
    # tsc --strict --target ES2022 --module NodeNext --moduleResolution NodeNext
    # --lib ES2022,DOM --rootDir v --outDir v-js ROOTS..., with the other
    # options of the packages' own tsconfig.json, as a tsconfig.json
    # (ts_programs compiles tsconfig files): the options of the ts_check_many
    # program above, whose check of the library files this program then
    # takes instead of checking them again (tsc_programs.cjs; 1 s CPU).
    printf '%s\n' "${roots[@]}" | awk 'BEGIN { printf "{\"compilerOptions\": {\"strict\": true, \"target\": \"ES2022\", \"module\": \"NodeNext\", \"moduleResolution\": \"NodeNext\", \"lib\": [\"ES2022\", \"DOM\"], \"noImplicitReturns\": true, \"noFallthroughCasesInSwitch\": true, \"skipLibCheck\": false, \"forceConsistentCasingInFileNames\": true, \"rootDir\": \".\", \"outDir\": \"../v-js\"},\n \"files\": [" }
        { printf "%s\"%s\"", (NR > 1 ? ", " : ""), $0 } END { print "]}" }' >"$TMP/v/tsconfig.json"
    if ts_programs "$TMP/v" tsconfig.json >"$TMP/tsc" 2>&1; then
        echo '{"type": "module"}' >"$TMP/v-js/package.json"
    else fail typescript_validator_cases_compile "tsc failed"; detail "$TMP/tsc"; fi
    ts_server_stop   # the last tsc program of this family
    vcases=()
    for c in $conformance worker_backend:schemas/worker-backend/asyncapi.yaml; do
        label=${c%%:*}; dir=$TMP/mut-$label; mkdir -p "$dir"
        js=$TMP/v-js/$label/src/validate.js; per=200
        [ "$label" = worker_backend ] && { js=$TMP/wb/dist/validate.js; per=25; }
        [ -f "$js" ] || continue
        if MUTANTS_PER_MESSAGE=$per python3 "$TOP/tests/pyclient/mutants.py" "$MSGGEN" "$TOP/${c#*:}" "$dir" >/dev/null 2>"$dir.err"; then
            vcases+=("$dir/cases.json" "$js" "$label")
        else fail "typescript_validator_cases_$label" "mutants.py failed"; detail "$dir.err"; fi
    done
    # Every validator compared in one node process (one case per label).
    [ ${#vcases[@]} -eq 0 ] || node "$here/check_validate.mjs" "${vcases[@]}"
else
    skip typescript_validator_cases "mutants.py needs python3"
fi
ts_server_stop

# API parity with the published package (its tarball: npm_pack in lib.sh).
mkdir -p "$TMP/published"
if tgz=$(npm_pack "$PUBLISHED") && (cd "$TMP/published" && tar xzf "$tgz") >"$TMP/pack" 2>&1; then
    # Both surfaces in one node process.
    node "$here/parity.mjs" "$here/node_modules" \
        --to "$TMP/ref.txt" "$TMP/published/package/dist/types.d.ts" "$TMP/published/package/dist/client.d.ts" \
        --to "$TMP/ours.txt" "$TMP/wb/src/types.ts" "$TMP/wb/src/client.ts" 2>"$TMP/parity.err" || echo "parity.mjs exit $?" >>"$TMP/parity.err"
    if [ -s "$TMP/parity.err" ] || [ ! -s "$TMP/ref.txt" ]; then
        fail typescript_client_should_have_the_published_api "surface extraction failed"; detail "$TMP/parity.err"
    else
        { comm -23 "$TMP/ref.txt" "$TMP/ours.txt" | sed 's/^/- /'; comm -13 "$TMP/ref.txt" "$TMP/ours.txt" | sed 's/^/+ /'; } |
            sort >"$TMP/diff"
        grep '^[+-] ' "$here/parity-allowed.txt" | sort >"$TMP/allowed"
        comm -23 "$TMP/diff" "$TMP/allowed" >"$TMP/unexpected"
        comm -13 "$TMP/diff" "$TMP/allowed" >"$TMP/stale"
        if [ -s "$TMP/unexpected" ] || [ -s "$TMP/stale" ]; then
            fail typescript_client_should_have_the_published_api \
                "$(wc -l <"$TMP/unexpected") unexpected differences, $(wc -l <"$TMP/stale") stale lines in parity-allowed.txt"
            detail "$TMP/unexpected"; sed 's/^/stale: /' "$TMP/stale" | detail
        else
            ok typescript_client_should_have_the_published_api
            echo "# $(wc -l <"$TMP/ref.txt") published facts; $(wc -l <"$TMP/diff") documented differences (parity-allowed.txt)"
        fi
    fi
else
    skip typescript_client_should_have_the_published_api "npm pack $PUBLISHED failed (registry unreachable?)"
fi

# The client against the job server: client.test.mjs's node:test cases, run
# as the node process itself (not in a child of a `node --test` runner: one
# node start instead of two; the same TAP).
server_start || { fail typescript_client_server "job server did not start"; exit 0; }
trap 'ts_server_stop; server_stop; rm -rf "$TMP"' EXIT
example=$(node - "$MSGGEN" "$cat" <<'JS'
const { execFileSync } = require('node:child_process');
const view = JSON.parse(execFileSync(process.argv[2], ['view', '-i', process.argv[3], '-t', 'typescript'], { maxBuffer: 1 << 30 }));
const m = view.messages.find((m) => m.example && m.fields.some((f) => f.required));
if (m) console.log([m.name.raw, m.method, JSON.stringify(m.example.value)].join('\n'));
JS
)
[ -n "$example" ] || { fail typescript_client_example "no message with an example and a required field"; exit 0; }
CLIENT="$TMP/wb/dist/index.js" EXAMPLE_TYPE=$(sed -n 1p <<<"$example") EXAMPLE_METHOD=$(sed -n 2p <<<"$example") \
EXAMPLE_PAYLOAD=$(sed -n 3p <<<"$example") \
    timeout 60 node --test-reporter=tap "$here/client.test.mjs" >"$TMP/tap" 2>&1
# TAP -> our lines: "ok N - name" / "not ok N - name" at the top level, with the
# failure's YAML block as detail.
awk '
    /^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, ""); print "ok " $0; next }
    /^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "not ok " $0 ": see the TAP report below"; inblock = 1; next }
    inblock && /^  [a-z]/ { print "# " $0; next }
    /^# (tests|pass|fail) / { next }
' "$TMP/tap"
grep -q '^ok \|^not ok ' "$TMP/tap" || { fail typescript_client_tests "node --test ran no test"; detail "$TMP/tap"; }

# The client against the hostile server (tests/server/hostile.py).
hostile_start || { fail typescript_client_hostile "hostile server did not start"; exit 0; }
trap 'ts_server_stop; server_stop; hostile_stop; rm -rf "$TMP"' EXIT
CLIENT="$TMP/wb/dist/index.js" EXAMPLE_TYPE=$(sed -n 1p <<<"$example") EXAMPLE_PAYLOAD=$(sed -n 3p <<<"$example") \
    timeout 300 node "$here/hostile.mjs" 2>"$TMP/hostile.err" || fail typescript_client_hostile_program "exit $?"
[ -s "$TMP/hostile.err" ] && { fail typescript_client_hostile_stderr "the test program wrote to stderr"; detail "$TMP/hostile.err"; }
exit 0
