#!/usr/bin/env bash
# `msggen validate --schema`: exit codes and the exact error lines.
. "$(dirname "$0")/../lib.sh"

cd "$TMP" || exit 1
mkdir -p schemas/common data
cat >schemas/job.json <<'J'
{
  "type": "object",
  "required": ["name", "results"],
  "properties": {
    "name": {"type": "string", "minLength": 3},
    "state": {"enum": ["waiting", "active", "done"]},
    "results": {"type": "array", "maxItems": 3, "items": {"$ref": "common/result.json#/definitions/result"}}
  },
  "additionalProperties": false
}
J
cat >schemas/common/result.json <<'J'
{"definitions": {"result": {"type": "object", "required": ["views"],
  "properties": {"views": {"type": "integer", "minimum": 0}, "url": {"type": "string", "format": "uri"}}}}}
J
echo '{"$ref": "https://example.com/remote.json"}' >schemas/remote.json
echo '{"properties": {"a": {"$ref": "#/definitions/missing"}}}' >schemas/dangling.json
echo '{"name": "thumbs", "state": "active", "results": [{"views": 3, "url": "https://x.example/a"}]}' >data/good.json
echo '{"name": "ab", "state": "gone", "results": [{"views": "3", "url": "not a uri"}, {"views": -1}], "extra": 1}' >data/bad.json
echo '{"a": 1}' >data/a.json
printf '{"name": "abc",\n  "results": [1,]\n}\n' >data/broken.json
echo '{"name": "abc", "results": []} x' >data/trailing.json

# NAME WANT_RC WANT_STDOUT_FILE_OR_EMPTY WANT_STDERR -- ARGS...
expect() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4; shift 5
    mg "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
    if [ "$rc" -ne "$want_rc" ]; then fail "$name" "exit $rc, want $want_rc"; detail "$TMP/err"; return; fi
    if [ "$(cat "$TMP/err")" != "$want_err" ]; then
        fail "$name" "stderr differs"; diff <(echo "$want_err") "$TMP/err" | detail; return; fi
    if [ "$(cat "$TMP/out")" != "$want_out" ]; then
        fail "$name" "stdout differs"; diff <(echo "$want_out") "$TMP/out" | detail; return; fi
    ok "$name"
}

expect validate_cli_valid_file_prints_nothing_and_exits_0 0 "" "" -- \
    validate --schema schemas/job.json data/good.json
expect validate_cli_verbose_names_valid_files 0 "data/good.json: valid" "" -- \
    validate -v -s schemas/job.json data/good.json
expect validate_cli_prints_every_error_gcc_style 1 "" "data/bad.json:1:10: error: /name: must be at least 3 characters
data/bad.json:1:25: error: /state: must be one of 'waiting', 'active', 'done'
data/bad.json:1:55: error: /results/0/views: expected integer, got string
data/bad.json:1:67: error: /results/0/url: must be a valid uri (format)
data/bad.json:1:91: error: /results/1/views: must be >= 0
data/bad.json:1:106: error: /extra: property not allowed (additionalProperties)" -- \
    validate --schema schemas/job.json data/bad.json
expect validate_cli_exits_1_when_any_file_is_invalid 1 "data/good.json: valid" \
    "data/bad.json:1:10: error: /name: must be at least 3 characters
data/bad.json:1:25: error: /state: must be one of 'waiting', 'active', 'done'
data/bad.json:1:55: error: /results/0/views: expected integer, got string
data/bad.json:1:67: error: /results/0/url: must be a valid uri (format)
data/bad.json:1:91: error: /results/1/views: must be >= 0
data/bad.json:1:106: error: /extra: property not allowed (additionalProperties)" -- \
    validate -v --schema schemas/job.json data/good.json data/bad.json
expect validate_cli_reports_bad_json_with_line_and_column 1 "" "data/broken.json:2:16: error: JSON: trailing comma before ']' (remove it)" -- \
    validate --schema schemas/job.json data/broken.json
expect validate_cli_rejects_text_after_the_document 1 "" \
    "data/trailing.json:1:32: error: JSON: extra data after the document (a file holds one JSON value)" -- \
    validate --schema schemas/job.json data/trailing.json
expect validate_cli_reports_a_missing_data_file 1 "" "data/nope.json: error: cannot open: No such file or directory" -- \
    validate --schema schemas/job.json data/nope.json
expect validate_cli_reports_a_missing_schema 1 "" "schemas/nope.json: error: cannot open: No such file or directory" -- \
    validate --schema schemas/nope.json data/good.json
expect validate_cli_refuses_remote_refs 1 "" \
    "schemas/remote.json: error: cannot resolve \$ref 'https://example.com/remote.json': no document 'https://example.com/remote.json'" -- \
    validate --schema schemas/remote.json data/good.json
expect validate_cli_reports_dangling_refs_at_the_schema 1 "" \
    "schemas/dangling.json: error: cannot resolve \$ref '#/definitions/missing': no such location in '$(cd schemas && pwd -P | sed 's|^|file://|')/dangling.json'" -- \
    validate --schema schemas/dangling.json data/a.json
expect validate_cli_without_schema_is_a_usage_error 2 "" \
    "msggen: error: validate: payload files need --message NAME (or --schema SCHEMA.json) (see 'msggen validate --help')" -- validate data/good.json
expect validate_cli_without_data_is_a_usage_error 2 "" \
    "msggen: error: validate: no data files to validate (see 'msggen validate --help')" -- validate --schema schemas/job.json
expect validate_cli_unknown_option_is_a_usage_error 2 "" \
    "msggen: error: validate: unknown option '--frob' (see 'msggen validate --help')" -- validate --frob
mg validate --help >"$TMP/out" 2>&1 && grep -q '^ *msggen validate --schema SCHEMA.json' "$TMP/out" \
    && ok validate_cli_help_shows_usage || fail validate_cli_help_shows_usage "$(head -1 "$TMP/out")"

# Refs resolve relative to the schema file, not the working directory.
(cd data && mg validate --schema ../schemas/job.json good.json) >"$TMP/out" 2>&1 \
    && ok validate_cli_resolves_refs_relative_to_the_schema || { fail validate_cli_resolves_refs_relative_to_the_schema "$(cat "$TMP/out")"; }

# Output is byte-identical across runs.
mg validate --schema schemas/job.json data/bad.json data/good.json 2>"$TMP/a"
mg validate --schema schemas/job.json data/bad.json data/good.json 2>"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" && ok validate_cli_output_is_deterministic || fail validate_cli_output_is_deterministic "runs differ"

# Up to MG_MAX_VALIDATE_ERRORS (100) errors per file and a notice past that,
# with --schema and with --message (which used to stop silently at 20 a run).
python3 -c 'import json; print(json.dumps({"items": ["x"] * 150}))' >data/many.json 2>/dev/null ||
    { printf '{"items": ['; for i in $(seq 149); do printf '"x", '; done; printf '"x"]}\n'; } >data/many.json
echo '{"type": "object", "properties": {"items": {"type": "array", "items": {"type": "integer"}}}}' >schemas/ints.json
cat >catalogue.yaml <<'Y'
asyncapi: 3.0.0
info: {title: t, version: "1"}
components:
  messages:
    counts:
      payload:
        type: object
        properties:
          items: {type: array, items: {type: integer}}
Y
for mode in schema message; do
    if [ $mode = schema ]; then mg validate --schema schemas/ints.json data/many.json data/many.json 2>"$TMP/err"
    else mg validate -i catalogue.yaml --message counts data/many.json data/many.json 2>"$TMP/err"; fi
    n=$(grep -c 'expected integer, got string' "$TMP/err"); notes=$(grep -c '^data/many.json: error: more errors not shown (the first 100 are)$' "$TMP/err")
    [ "$n" -eq 200 ] && [ "$notes" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 202 ] &&
        ok "validate_cli_${mode}_reports_100_errors_per_file_and_says_when_cut" ||
        fail "validate_cli_${mode}_reports_100_errors_per_file_and_says_when_cut" "$n errors, $notes notices"
done

# --headers: files are headers, checked against the message's headers schema
# with its traits merged (here the trait adds `trace`, the message `id`).
cat >headers.yaml <<'Y'
asyncapi: 3.0.0
info: {title: t, version: "1"}
components:
  messages:
    traced:
      headers:
        type: object
        properties:
          id: {type: integer}
      traits:
        - headers:
            type: object
            properties:
              trace: {type: string, maxLength: 4}
      payload: {type: object}
    plain:
      payload: {type: object}
Y
printf '{"id": 3, "trace": "abcd"}\n' >data/h-good.json
printf '{\n  "id": "3",\n  "trace": "abcdef"\n}\n' >data/h-bad.json
expect validate_cli_headers_accepts_headers_of_the_merged_schema 0 "" "" -- \
    validate -i headers.yaml --message traced --headers data/h-good.json
expect validate_cli_headers_reports_each_header_at_its_line 1 "" \
    "data/h-bad.json:2:9: error: headers does not match the headers of message 'traced': /id: expected integer, got string
data/h-bad.json:3:12: error: headers does not match the headers of message 'traced': /trace: must be at most 4 characters" -- \
    validate -i headers.yaml --message traced --headers data/h-bad.json
expect validate_cli_headers_of_a_message_without_headers_is_an_error 1 "" \
    "headers.yaml:16:5: error: message 'plain' has no headers (drop --headers to validate payloads)" -- \
    validate -i headers.yaml --message plain --headers data/h-good.json
expect validate_cli_headers_without_message_is_a_usage_error 2 "" \
    "msggen: error: validate: --headers needs --message NAME (see 'msggen validate --help')" -- \
    validate -i headers.yaml --headers data/h-good.json

# Integers exactly, not as doubles (docs/validation.md): 2^63 - 1 and
# -2^63 - 1 are one double each (+-2^63), as are 2147483647 and
# 2147483647.0000000001; format int32/int64, type integer, minimum/maximum
# and enum decide on the number as written (1.0 and 1e3 are integers), and
# their messages name the limit as written, not as its double.
echo '{"additionalProperties": {"type": "integer", "format": "int64"}}' >schemas/int64.json
echo '{"additionalProperties": {"type": "integer", "format": "int32"}}' >schemas/int32.json
echo '{"properties": {"max": {"maximum": 9223372036854775806}, "min": {"minimum": -9223372036854775807},
  "xmax": {"exclusiveMaximum": 9007199254740992}, "one": {"enum": [9223372036854775807]}}}' >schemas/ties.json
printf '{"max": 9223372036854775807, "min": -9223372036854775808, "max_point_zero": 9223372036854775807.0,\n "max_exp": 9.223372036854775807e18, "two_53_plus_1": 9007199254740993, "one": 1.0, "e3": 1e3}\n' >data/i64-edges.json
printf '{"max_plus_1": 9223372036854775808,\n "min_minus_1": -9223372036854775809,\n "e19": 1e19,\n "near_max": 9223372036854775806.5}\n' >data/i64-past.json
printf '{"max": 2147483647.00000000000,\n "near_max": 2147483647.0000000001,\n "max_plus_1": 2147483648}\n' >data/i32-edges.json
printf '{"max": 9223372036854775807,\n "min": -9223372036854775808,\n "xmax": 9007199254740993,\n "one": 9223372036854775806}\n' >data/ties.json
printf 'max: 9223372036854775806\nmin: -9223372036854775807\nxmax: 9007199254740991\none: 9223372036854775807.0\n' >data/ties-ok.yaml
printf 'max: 0x7fffffffffffffff\nmax_plus_1: 0x8000000000000000\noctal: 0o777777777777777777777\noctal_plus_1: 0o1000000000000000000000\n' >data/i64-hex.yaml
expect validate_cli_int64_accepts_its_bounds_exactly 0 "" "" -- \
    validate --schema schemas/int64.json data/i64-edges.json
expect validate_cli_int64_refuses_one_past_its_bounds 1 "" \
    "data/i64-past.json:1:16: error: /max_plus_1: must be a valid int64 (format)
data/i64-past.json:2:17: error: /min_minus_1: must be a valid int64 (format)
data/i64-past.json:3:9: error: /e19: must be a valid int64 (format)
data/i64-past.json:4:14: error: /near_max: expected integer, got number
data/i64-past.json:4:14: error: /near_max: must be a valid int64 (format)" -- \
    validate --schema schemas/int64.json data/i64-past.json
expect validate_cli_int32_decides_on_the_digits_a_double_drops 1 "" \
    "data/i32-edges.json:2:14: error: /near_max: expected integer, got number
data/i32-edges.json:2:14: error: /near_max: must be a valid int32 (format)
data/i32-edges.json:3:16: error: /max_plus_1: must be a valid int32 (format)" -- \
    validate --schema schemas/int32.json data/i32-edges.json
expect validate_cli_minimum_maximum_and_enum_decide_ties_of_doubles_exactly 1 "" \
    "data/ties.json:1:9: error: /max: must be <= 9223372036854775806
data/ties.json:2:9: error: /min: must be >= -9223372036854775807
data/ties.json:3:10: error: /xmax: must be < 9007199254740992
data/ties.json:4:9: error: /one: must be one of 9223372036854775807" -- \
    validate --schema schemas/ties.json data/ties.json
expect validate_cli_minimum_maximum_and_enum_accept_what_ties_exactly 0 "" "" -- \
    validate --schema schemas/ties.json data/ties-ok.yaml
expect validate_cli_int64_reads_yaml_hex_and_octal_exactly 1 "" \
    "data/i64-hex.yaml:2:13: error: /max_plus_1: must be a valid int64 (format)
data/i64-hex.yaml:4:15: error: /octal_plus_1: must be a valid int64 (format)" -- \
    validate --schema schemas/int64.json data/i64-hex.yaml
# A long number in a message is the number as written, in JSON's form (no
# "+", leading zeros or "_"), also inside a composite enum or const.
printf 'properties:\n  max: {maximum: +9007199254740993}\n  min: {minimum: -0009007199254740993}\n  pair: {enum: [[9007199254740993, 1], {a: +9007199254740995.50}]}\n  one: {const: [9007199254740993]}\n' >schemas/long-texts.yaml
printf '{"max": 9007199254740994,\n "min": -9007199254740994,\n "pair": [9007199254740992, 1],\n "one": [9007199254740992]}\n' >data/long-texts.json
expect validate_cli_messages_print_long_numbers_as_written 1 "" \
    "data/long-texts.json:1:9: error: /max: must be <= 9007199254740993
data/long-texts.json:2:9: error: /min: must be >= -9007199254740993
data/long-texts.json:3:10: error: /pair: must be one of [9007199254740993,1], {\"a\":9007199254740995.50}
data/long-texts.json:4:9: error: /one: must be equal to [9007199254740993]" -- \
    validate --schema schemas/long-texts.yaml data/long-texts.json

# multipleOf of an integer by an integer below 2^53: on the digits, at any
# size (2^53 + 2 and 2^63 - 2 are within the doubles' tolerance of a
# multiple of 3 and 7; 1e23 is 10^23, not its double); a fraction by a
# decimal step still within the tolerance (0.0075 of 0.0001).
echo '{"properties": {"third": {"multipleOf": 3}, "seventh": {"multipleOf": 7}, "step": {"multipleOf": 0.0001}}}' >schemas/multiple.json
printf '{"third": 9007199254740993, "seventh": 9223372036854775807, "step": 0.0075}\n' >data/multiple-ok.json
printf 'third: 3000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\nseventh: 7e300\n' >data/multiple-big-ok.yaml
printf '{"third": 9007199254740994,\n "seventh": 9223372036854775806}\n' >data/multiple-2-53.json
printf 'third: 1e23\nseventh: -9007199254740994.0\n' >data/multiple-exp.yaml
expect validate_cli_multiple_of_accepts_integers_on_their_digits 0 "" "" -- \
    validate --schema schemas/multiple.json data/multiple-ok.json data/multiple-big-ok.yaml
expect validate_cli_multiple_of_refuses_what_a_double_rounds_to_a_multiple 1 "" \
    "data/multiple-2-53.json:1:11: error: /third: must be a multiple of 3
data/multiple-2-53.json:2:13: error: /seventh: must be a multiple of 7
data/multiple-exp.yaml:1:8: error: /third: must be a multiple of 3
data/multiple-exp.yaml:2:10: error: /seventh: must be a multiple of 7" -- \
    validate --schema schemas/multiple.json data/multiple-2-53.json data/multiple-exp.yaml
