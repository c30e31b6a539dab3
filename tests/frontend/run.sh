#!/usr/bin/env bash
# Front end: `msggen validate` and `msggen view` on every test catalogue in
# tests/catalogues/. Checks exit codes, determinism, key facts of each view
# (grep on the pretty-printed view, where every member is on its own line),
# and, for the catalogues under tests/frontend/expected/, the whole view byte
# for byte (regenerate those with tests/frontend/update.sh and review the diff).
. "$(dirname "$0")/../lib.sh"
here="$TOP/tests/frontend"
cats="$TOP/tests/catalogues"
cd "$TOP" || exit 1

# view_of NAME CATALOGUE [ARGS...]: the view into $TMP/NAME.json.
view_of() {
    local name=$1; shift
    mg view -i "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
}

# facts NAME 'fixed string'...: every string occurs in the view of NAME.
facts() {
    local name=$1 test=$2; shift 2
    local missing=()
    for s in "$@"; do grep -qF -- "$s" "$TMP/$name.json" || missing+=("$s"); done
    if [ ${#missing[@]} -eq 0 ]; then ok "$test"
    else fail "$test" "missing from the view: ${missing[*]}"; fi
}

# 1. Every catalogue validates (examples included) and views deterministically.
for c in "$cats"/*.yaml "$cats"/*.json "$cats"/split/asyncapi.yaml; do
    rel=${c#"$TOP"/}
    name=$(basename "$(dirname "$rel")")-$(basename "$rel"); name=${name#catalogues-}
    if mg validate -i "$rel" >"$TMP/out" 2>"$TMP/err"; then ok "frontend_validate_accepts_$name"
    else fail "frontend_validate_accepts_$name" "exit $?"; detail "$TMP/err"; fi
    if view_of "$name" "$rel" && mg view -i "$rel" >"$TMP/$name.again" 2>/dev/null && cmp -s "$TMP/$name.json" "$TMP/$name.again"; then
        ok "frontend_view_is_deterministic_for_$name"
    else fail "frontend_view_is_deterministic_for_$name" "view failed or differs between runs"; detail "$TMP/$name.err"; fi
done

# 2. Key facts.
view_of s26 tests/catalogues/streetlights-2.6.yaml
facts s26 frontend_asyncapi26_maps_subscribe_to_send_and_publish_to_receive \
    '"raw": "lightMeasured"' '"action": "send"' '"action": "receive"' \
    '"channel": "smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured"' \
    '"content_type": "application/json"' '"spec_version": "2.6.0"'
facts s26 frontend_asyncapi26_keeps_formats_ranges_and_inline_enums \
    '"format": "date-time"' '"maximum": 100' '"pascal": "TurnOnOffPayloadCommand"' '"value": "off"' \
    '"json_compact": "{\"id\":12,\"lumens\":1200,\"sentAt\":\"2024-05-01T12:00:00Z\"}"'
view_of s30 tests/catalogues/streetlights-3.0.yaml
facts s30 frontend_asyncapi30_reads_operations_addresses_and_server_urls \
    '"action": "receive"' '"action": "send"' '"url": "mqtt://test.mosquitto.org:{port}"' \
    '"channel": "smartylighting/streetlights/1/0/action/{streetlightId}/dim"' '"spec_version": "3.0.0"'
view_of a20 tests/catalogues/asyncapi-2.0-oneof.yaml
facts a20 frontend_asyncapi20_expands_oneof_messages \
    '"raw": "UserSignedUp"' '"raw": "UserDeleted"' '"raw": "UserRenamed"' '"raw": "DeleteUser"' \
    '"pascal": "UserRenamed"' '"deprecated": true' '"lifecycle"'
view_of d07 tests/catalogues/jsonschema-draft07.json
facts d07 frontend_draft07_root_and_definitions_become_types_and_messages \
    '"spec": "jsonschema"' '"raw": "Order"' '"raw": "LineItem"' '"raw": "OrderStatus"' \
    '"type": "array<LineItem>"' '"type": "string | null"' '"closed": true' '"pattern": "^ORD-[0-9]{6}$"'
view_of d20 tests/catalogues/jsonschema-2020-12.yaml
facts d20 frontend_2020_12_reads_defs_and_schema_examples \
    '"raw": "Sensor reading"' '"raw": "Calibration"' '"type": "SensorId"' '"default_json": "\"celsius\""' \
    '"minimum": -273.15' '"format": "date"'
view_of split tests/catalogues/split/asyncapi.yaml
facts split frontend_split_catalogue_follows_relative_refs \
    '"raw": "file-download-request"' '"raw": "StorageLocation"' '"raw": "Credentials"' \
    '"description": "Where a file lives in object storage."' '"write_only": true' '"action": "receive"'
view_of allof tests/catalogues/allof.yaml
facts allof frontend_allof_merges_bases_and_refinements \
    '"raw": "ThumbnailCompleted"' '"wire": "jobId"' '"wire": "finishedAt"' '"maximum": 3' '"maximum": 4096'
view_of union tests/catalogues/union.yaml
facts union frontend_oneof_becomes_a_union_with_discriminator_tags \
    '"kind": "union"' '"discriminator": "kind"' '"tag": "circle"' '"tag": "square"' \
    '"pascal": "ShapeDrawnStyleOption2"' '"type": "Circle | null"' '"any_of": true'
view_of tree tests/catalogues/tree.yaml
facts tree frontend_recursive_schema_gives_recursive_types \
    '"type": "array<TreeNode>"' '"type": "map<TreeNode>"' '"recursive": true'
view_of feat tests/catalogues/features.yaml
facts feat frontend_inline_objects_are_hoisted_with_parent_and_field_names \
    '"pascal": "EtsyAnalyticsSyncCompletedResultsItem"' '"pascal": "EtsyAnalyticsSyncCompletedResultsItemAnalytics"' \
    '"pascal": "EtsyAnalyticsSyncCompletedResultsItemTagsItem"' '"pascal": "EtsyAnalyticsSyncCompletedMetricsValue"'
facts feat frontend_every_constraint_kind_reaches_the_view \
    '"minimum": 0' '"maximum": 1' '"multipleOf": 0.01' '"exclusiveMinimum": -100' '"exclusiveMaximum": 100' \
    '"minLength": 3' '"maxLength": 32' '"pattern": "^[A-Z0-9-]+$"' '"minItems": 0' '"maxItems": 500' \
    '"uniqueItems": true' '"minProperties": 0' '"maxProperties": 100' '"const": "analytics"' '"enum": [' \
    '"read_only": true' '"write_only": true' '"type": "map<string>"' '"type": "string | null"'
facts feat frontend_catalogue_keeps_extensions_servers_and_description_lines \
    '"x-owner": "analytics-team"' '"x-http-api": {' '"x-queue": "analytics-sync"' '"url": "http://localhost:3000/api"' \
    '"- `results` holds one entry per listing",'

# 3. With a target: reserved words, printed types, doc escaping, naming.
view_of resp tests/catalogues/reserved.yaml -t tests/frontend/probe
facts resp frontend_target_escapes_reserved_words_and_keeps_wire_names \
    '"id": "default_"' '"id": "class_"' '"id": "from_"' '"id": "type_"' '"id": "import_"' \
    '"id": "delete_"' '"id": "function_"' '"id": "return_"' '"wire": "class"' '"method": "class_"' \
    '"id": "FOR"' '"name": "probe"'
view_of featp tests/catalogues/features.yaml -t tests/frontend/probe
facts featp frontend_target_type_map_prints_nested_and_nullable_types \
    '"type": "list[EtsyAnalyticsSyncCompletedResultsItem]"' '"type": "dict[str, str]"' \
    '"type": "Optional[datetime]"' '"type": "UUID"' '"type": "Optional[str]"' '"type": "Any"'
facts featp frontend_target_doc_escape_applies_to_doc_not_description \
    'Comment hazards: *\\/ and \\\"\\\"\\\" and' 'Comment hazards: */ and \"\"\" and' '"comment": "#"'

# 4. --message prints one message's view; unknown names are an error.
if mg view -i tests/catalogues/union.yaml --message shapeDrawn >"$TMP/m.json" 2>"$TMP/m.err" \
    && grep -q '"raw": "shape-drawn"' "$TMP/m.json" && ! grep -q '"catalogue"' "$TMP/m.json"; then
    ok frontend_view_message_prints_one_message_by_any_casing
else fail frontend_view_message_prints_one_message_by_any_casing "$(head -c 300 "$TMP/m.err")"; fi

# 5. validate --message PAYLOAD: valid and invalid payload files.
printf '{"shape": {"kind": "circle", "radius": 1}}\n' >"$TMP/good.json"
printf '{\n  "shape": {"kind": "circle", "radius": "big"}\n}\n' >"$TMP/bad.json"
if mg validate -i tests/catalogues/union.yaml --message shape-drawn "$TMP/good.json" >/dev/null 2>"$TMP/err"; then
    ok frontend_validate_message_accepts_a_valid_payload
else fail frontend_validate_message_accepts_a_valid_payload "$(cat "$TMP/err")"; fi
mg validate -i tests/catalogues/union.yaml --message shape-drawn "$TMP/bad.json" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "bad.json:2:.*error: payload does not match the payload of message 'shape-drawn': /shape" "$TMP/err"; then
    ok frontend_validate_message_reports_the_offending_node_of_a_payload
else fail frontend_validate_message_reports_the_offending_node_of_a_payload "exit $rc: $(cat "$TMP/err")"; fi

# 6. Whole views compared with the committed expected files.
for want in "$here"/expected/*.view.json; do
    [ -e "$want" ] || continue
    base=$(basename "$want" .view.json)            # e.g. union or reserved@probe
    cat=${base%%@*}; tgt=; [ "$base" != "$cat" ] && tgt=${base#*@}
    src=$(ls "$cats/$cat".yaml "$cats/$cat".json 2>/dev/null | head -1)
    args=(-i "${src#"$TOP"/}"); [ -n "$tgt" ] && args+=(-t "tests/frontend/$tgt")
    if mg view "${args[@]}" >"$TMP/got.json" 2>"$TMP/err" && cmp -s "$want" "$TMP/got.json"; then
        ok "frontend_view_matches_expected_$base"
    else
        fail "frontend_view_matches_expected_$base" "differs from ${want#"$TOP"/} (tests/frontend/update.sh regenerates)"
        diff "$want" "$TMP/got.json" | detail
    fi
done
