/* test_validate.c - the interpreting JSON Schema validator: keywords, the exact
 * wording of every error message, $ref resolution and the limits. */
#include "../../generator/validate.c"
#include "unit.h"

/* Validates `inst` against `schema` (both JSON text) and compares the verdict
 * and the formatted errors, joined with "\n". */
static void expect_at(int line, const char *schema, const char *inst, int want_rc,
                      const char *want_errors)
{
    cJSON *s = cJSON_Parse(schema), *x = cJSON_Parse(inst);
    if (!s || !x) {
        unit_failed_checks++;
        unit_note("# line %d: test JSON does not parse\n", line);
        cJSON_Delete(s);
        cJSON_Delete(x);
        return;
    }
    mg_validator *v = mg_validator_new(NULL, NULL);
    mg_vresult r;
    mg_vresult_init(&r);
    int rc = mg_validate(v, s, x, &r);
    mg_buf got;
    mg_buf_init(&got);
    for (int i = 0; i < r.count; i++) {
        char buf[1024];
        mg_buf_appendf(&got, "%s%s", i ? "\n" : "", mg_verror_format(&r.errors[i], buf, sizeof buf));
    }
    if (rc != want_rc || strcmp(mg_buf_cstr(&got), want_errors) != 0) {
        unit_failed_checks++;
        unit_note("# line %d: schema %s, instance %s\n#   got rc %d: \"%s\"\n#   want rc %d: \"%s\"\n",
                  line, schema, inst, rc, mg_buf_cstr(&got), want_rc, want_errors);
    }
    /* The verdict without an error list must agree. */
    int quick = mg_validate(v, s, x, NULL);
    if (quick != rc) {
        unit_failed_checks++;
        unit_note("# line %d: verdict without errors %d, with errors %d\n", line, quick, rc);
    }
    mg_buf_fini(&got);
    mg_vresult_fini(&r);
    mg_validator_free(v);
    cJSON_Delete(s);
    cJSON_Delete(x);
}
#define EXPECT(schema, inst, rc, errs) expect_at(__LINE__, schema, inst, rc, errs)
#define VALID(schema, inst) expect_at(__LINE__, schema, inst, 1, "")

static void type_should_say_expected_and_got(void)
{
    EXPECT("{\"properties\":{\"results\":{\"items\":{\"properties\":{\"views\":{\"type\":\"integer\"}}}}}}",
           "{\"results\":[{\"views\":\"3\"}]}", 0, "/results/0/views: expected integer, got string");
    EXPECT("{\"type\":\"object\"}", "[]", 0, "/: expected object, got array");
    EXPECT("{\"type\":\"boolean\"}", "null", 0, "/: expected boolean, got null");
}

static void type_should_count_zero_fraction_numbers_as_integers(void)
{
    VALID("{\"type\":\"integer\"}", "1.0");
    VALID("{\"type\":\"integer\"}", "-7");
    EXPECT("{\"type\":\"integer\"}", "1.5", 0, "/: expected integer, got number");
    VALID("{\"type\":\"number\"}", "3");
}

static void type_should_join_a_list_of_types_with_or(void)
{
    EXPECT("{\"type\":[\"string\",\"null\"]}", "5", 0, "/: expected string or null, got integer");
    VALID("{\"type\":[\"string\",\"null\"]}", "null");
}

static void nullable_should_add_null_to_type(void)
{
    VALID("{\"type\":\"string\",\"nullable\":true}", "null");
    EXPECT("{\"type\":\"string\",\"nullable\":true}", "1", 0, "/: expected string or null, got integer");
    EXPECT("{\"type\":\"string\",\"nullable\":false}", "null", 0, "/: expected string, got null");
    EXPECT("{\"type\":\"string\",\"nullable\":true,\"enum\":[\"a\"]}", "null", 0, "/: must be one of 'a'");
}

static void enum_should_list_the_allowed_values(void)
{
    EXPECT("{\"properties\":{\"state\":{\"enum\":[\"waiting\",\"active\",1,null,{\"a\":[1]}]}}}",
           "{\"state\":\"done\"}", 0, "/state: must be one of 'waiting', 'active', 1, null, {\"a\":[1]}");
    EXPECT("{\"enum\":[1,2,3,4,5,6,7,8,9,10,11,12]}", "0", 0,
           "/: must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ...");
}

static void enum_should_compare_deeply(void)
{
    VALID("{\"enum\":[1]}", "1.0");
    VALID("{\"enum\":[{\"a\":1,\"b\":[true]}]}", "{\"b\":[true],\"a\":1}");
    EXPECT("{\"enum\":[false]}", "0", 0, "/: must be one of false");
    EXPECT("{\"enum\":[[1,2]]}", "[2,1]", 0, "/: must be one of [1,2]");
}

static void const_should_use_deep_equality_and_quote_strings(void)
{
    VALID("{\"const\":{\"x\":1,\"y\":2}}", "{\"y\":2.0,\"x\":1}");
    EXPECT("{\"const\":\"v1\"}", "\"v2\"", 0, "/: must be equal to 'v1'");
    EXPECT("{\"const\":0.5}", "1", 0, "/: must be equal to 0.5");
    EXPECT("{\"const\":{\"a\":1}}", "{\"a\":1,\"b\":2}", 0, "/: must be equal to {\"a\":1}");
}

static void required_should_report_at_the_object(void)
{
    EXPECT("{\"properties\":{\"name\":{\"required\":[\"fileId\",\"size\"]}}}", "{\"name\":{\"size\":1}}",
           0, "/name: missing required property 'fileId'");
    EXPECT("{\"required\":[\"a\",\"b\"]}", "{}", 0,
           "/: missing required property 'a'\n/: missing required property 'b'");
    VALID("{\"required\":[\"a\"]}", "[1]");
}

static void additional_properties_false_should_name_each_extra_property(void)
{
    EXPECT("{\"properties\":{\"a\":{}},\"additionalProperties\":false}", "{\"a\":1,\"extra\":2,\"x/y\":3}", 0,
           "/extra: property not allowed (additionalProperties)\n"
           "/x~1y: property not allowed (additionalProperties)");
}

static void additional_properties_schema_should_validate_the_rest(void)
{
    EXPECT("{\"properties\":{\"a\":{}},\"patternProperties\":{\"^x-\":{}},\"additionalProperties\":{\"type\":\"integer\"}}",
           "{\"a\":\"s\",\"x-y\":\"s\",\"b\":\"s\"}", 0, "/b: expected integer, got string");
}

static void pattern_properties_should_apply_every_matching_pattern(void)
{
    EXPECT("{\"patternProperties\":{\"^f\":{\"type\":\"string\"},\"o$\":{\"minLength\":5}}}", "{\"foo\":\"abc\"}",
           0, "/foo: must be at least 5 characters");
    EXPECT("{\"patternProperties\":{\"^f\":{\"type\":\"string\"},\"o$\":{\"minLength\":5}}}", "{\"foo\":1}",
           0, "/foo: expected string, got integer");
}

static void property_names_should_give_the_first_reason(void)
{
    EXPECT("{\"propertyNames\":{\"maxLength\":3}}", "{\"ab\":1,\"abcd\":2}", 0,
           "/: property name 'abcd' is invalid: must be at most 3 characters");
    EXPECT("{\"propertyNames\":{\"pattern\":\"^[a-z]+$\"}}", "{\"Ab\":1}", 0,
           "/: property name 'Ab' is invalid: does not match pattern '^[a-z]+$'");
    EXPECT("{\"propertyNames\":false}", "{\"a\":1}", 0,
           "/: property name 'a' is invalid: not allowed (false schema)");
    VALID("{\"propertyNames\":false}", "{}");
}

static void property_counts_should_use_singular_and_plural(void)
{
    EXPECT("{\"minProperties\":1}", "{}", 0, "/: must have at least 1 property");
    EXPECT("{\"maxProperties\":2}", "{\"a\":1,\"b\":2,\"c\":3}", 0, "/: must have at most 2 properties");
}

static void dependencies_should_support_arrays_and_schemas(void)
{
    EXPECT("{\"dependencies\":{\"card\":[\"billing\"]}}", "{\"card\":1}", 0,
           "/: property 'billing' is required when 'card' is present (dependencies)");
    VALID("{\"dependencies\":{\"card\":[\"billing\"]}}", "{\"billing\":1}");
    EXPECT("{\"dependencies\":{\"card\":{\"required\":[\"zip\"]}}}", "{\"card\":1}", 0,
           "/: missing required property 'zip'");
}

static void items_should_check_every_item_and_tuples(void)
{
    EXPECT("{\"items\":{\"type\":\"string\"}}", "[\"a\",1,\"b\",2]", 0,
           "/1: expected string, got integer\n/3: expected string, got integer");
    EXPECT("{\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"additionalItems\":false}", "[1,\"a\",3]", 0,
           "/2: item not allowed (additionalItems)");
    EXPECT("{\"items\":[{}],\"additionalItems\":{\"type\":\"integer\"}}", "[\"x\",1,\"y\"]", 0,
           "/2: expected integer, got string");
    VALID("{\"items\":{},\"additionalItems\":false}", "[1,2,3]");
}

static void contains_should_need_one_matching_item(void)
{
    EXPECT("{\"contains\":{\"const\":3}}", "[1,2]", 0, "/: must contain at least one matching item (contains)");
    EXPECT("{\"contains\":{}}", "[]", 0, "/: must contain at least one matching item (contains)");
    VALID("{\"contains\":{\"const\":3}}", "[1,3]");
}

static void item_counts_should_use_singular_and_plural(void)
{
    EXPECT("{\"properties\":{\"tags\":{\"maxItems\":3}}}", "{\"tags\":[1,2,3,4]}", 0,
           "/tags: must have at most 3 items");
    EXPECT("{\"minItems\":1}", "[]", 0, "/: must have at least 1 item");
}

static void unique_items_should_name_the_first_equal_pair(void)
{
    EXPECT("{\"properties\":{\"tags\":{\"uniqueItems\":true}}}", "{\"tags\":[\"a\",\"b\",\"a\",\"b\"]}", 0,
           "/tags: items 0 and 2 are equal (uniqueItems)");
    EXPECT("{\"uniqueItems\":true}", "[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1.0}]", 0,
           "/: items 0 and 1 are equal (uniqueItems)");
    VALID("{\"uniqueItems\":true}", "[1,true,\"1\",[1],{\"1\":1},null,0,false]");
    VALID("{\"uniqueItems\":false}", "[1,1]");
}

static void string_lengths_should_count_code_points(void)
{
    /* "é€😀" is 2+3+4 bytes but 3 code points. */
    VALID("{\"maxLength\":3,\"minLength\":3}", "\"\\u00e9\\u20ac\\ud83d\\ude00\"");
    EXPECT("{\"properties\":{\"s\":{\"minLength\":3}}}", "{\"s\":\"ab\"}", 0, "/s: must be at least 3 characters");
    EXPECT("{\"maxLength\":1}", "\"ab\"", 0, "/: must be at most 1 character");
}

static void pattern_should_search_not_anchor(void)
{
    EXPECT("{\"properties\":{\"code\":{\"pattern\":\"^[A-Z]+$\"}}}", "{\"code\":\"abc\"}", 0,
           "/code: does not match pattern '^[A-Z]+$'");
    VALID("{\"pattern\":\"b\"}", "\"abc\"");
    VALID("{\"pattern\":\"^a\"}", "5");
}

static void pattern_should_follow_ecma_262_where_pcre2_differs(void)
{
    /* \d is ASCII only; '$' does not match before a final newline. */
    EXPECT("{\"pattern\":\"^\\\\d+$\"}", "\"1\\u09e8\"", 0, "/: does not match pattern '^\\d+$'");
    EXPECT("{\"pattern\":\"^a$\"}", "\"a\\n\"", 0, "/: does not match pattern '^a$'");
    VALID("{\"pattern\":\"^\\\\u00e9$\"}", "\"\\u00e9\"");
    VALID("{\"pattern\":\"^.$\"}", "\"\\u20ac\"");
}

static void pattern_should_compile_once(void)
{
    mg_validator *v = mg_validator_new(NULL, NULL);
    cJSON *s = cJSON_Parse("{\"items\":{\"pattern\":\"^x\"}}"), *x = cJSON_Parse("[\"x1\",\"x2\",\"y\"]");
    CHECK_INT(mg_validate(v, s, x, NULL), 0);
    CHECK_INT(mg_validate(v, s, x, NULL), 0);
    CHECK_INT(v->regexes.len, 1);
    cJSON_Delete(s);
    cJSON_Delete(x);
    mg_validator_free(v);
}

static void bad_pattern_should_be_a_schema_error(void)
{
    EXPECT("{\"pattern\":\"(\"}", "\"x\"", -1, "/: invalid pattern '(': missing closing parenthesis");
    VALID("{\"pattern\":\"(\"}", "1");
}

static void invalid_utf8_should_not_match_a_pattern(void)
{
    mg_validator *v = mg_validator_new(NULL, NULL);
    cJSON *s = cJSON_Parse("{\"pattern\":\".\"}");
    cJSON *x = cJSON_CreateString("\xff\xfe");
    CHECK_INT(mg_validate(v, s, x, NULL), 0);
    cJSON_Delete(s);
    cJSON_Delete(x);
    mg_validator_free(v);
}

static void numeric_limits_should_print_the_limit(void)
{
    EXPECT("{\"properties\":{\"x\":{\"minimum\":0}}}", "{\"x\":-1}", 0, "/x: must be >= 0");
    EXPECT("{\"maximum\":2.5}", "3", 0, "/: must be <= 2.5");
    EXPECT("{\"exclusiveMinimum\":0}", "0", 0, "/: must be > 0");
    EXPECT("{\"exclusiveMaximum\":10}", "10", 0, "/: must be < 10");
    VALID("{\"minimum\":0,\"maximum\":0}", "0");
    VALID("{\"minimum\":5}", "\"not a number\"");
}

static void draft_04_boolean_exclusive_limits_should_work(void)
{
    EXPECT("{\"minimum\":0,\"exclusiveMinimum\":true}", "0", 0, "/: must be > 0");
    EXPECT("{\"maximum\":1,\"exclusiveMaximum\":true}", "1", 0, "/: must be < 1");
    VALID("{\"minimum\":0,\"exclusiveMinimum\":false}", "0");
}

static void multiple_of_should_hold_for_decimal_floats(void)
{
    VALID("{\"multipleOf\":0.0001}", "0.0075");
    VALID("{\"multipleOf\":0.01}", "19.99");
    VALID("{\"multipleOf\":0.1}", "0.3");
    VALID("{\"multipleOf\":3}", "-9");
    EXPECT("{\"multipleOf\":0.0001}", "0.00751", 0, "/: must be a multiple of 0.0001");
    EXPECT("{\"properties\":{\"x\":{\"multipleOf\":0.5}}}", "{\"x\":1.2}", 0, "/x: must be a multiple of 0.5");
    EXPECT("{\"multipleOf\":1}", "1.0000000001", 0, "/: must be a multiple of 1");
    /* The quotient overflows: not a multiple (as the suite says). */
    EXPECT("{\"type\":\"integer\",\"multipleOf\":0.123456789}", "1e308", 0,
           "/: must be a multiple of 0.123456789");
}

static void format_errors_should_name_the_format(void)
{
    EXPECT("{\"properties\":{\"url\":{\"format\":\"uri\"}}}", "{\"url\":\"not a uri\"}", 0,
           "/url: must be a valid uri (format)");
    EXPECT("{\"format\":\"date-time\"}", "\"2020-02-30T00:00:00Z\"", 0, "/: must be a valid date-time (format)");
    VALID("{\"format\":\"date-time\"}", "5");
    VALID("{\"format\":\"no-such-format\"}", "\"anything\"");
}

static void formats_should_check_calendars_and_leap_seconds(void)
{
    CHECK_INT(mg_validate_format("date", "2024-02-29"), 1);
    CHECK_INT(mg_validate_format("date", "2100-02-29"), 0);
    CHECK_INT(mg_validate_format("date", "2000-02-29"), 1);
    CHECK_INT(mg_validate_format("date", "2024-04-31"), 0);
    CHECK_INT(mg_validate_format("date-time", "1998-12-31T23:59:60Z"), 1);
    CHECK_INT(mg_validate_format("date-time", "1998-12-31T15:59:60.5-08:00"), 1);
    CHECK_INT(mg_validate_format("date-time", "1998-12-31T23:58:60Z"), 0);
    CHECK_INT(mg_validate_format("date-time", "2024-01-01 10:00:00Z"), 0);
    CHECK_INT(mg_validate_format("time", "23:59:59.123+01:00"), 1);
    CHECK_INT(mg_validate_format("time", "23:59:59"), 0);
}

static void formats_should_check_network_names(void)
{
    CHECK_INT(mg_validate_format("email", "joe.bloggs@example.com"), 1);
    CHECK_INT(mg_validate_format("email", "joe..bloggs@example.com"), 0);
    CHECK_INT(mg_validate_format("email", "\"joe bloggs\"@example.com"), 1);
    CHECK_INT(mg_validate_format("email", "joe@[127.0.0.1]"), 1);
    CHECK_INT(mg_validate_format("hostname", "a-b.example.com"), 1);
    CHECK_INT(mg_validate_format("hostname", "a_b.example.com"), 0);
    CHECK_INT(mg_validate_format("hostname", "xn--bcher-kva.example"), 1); /* bücher */
    CHECK_INT(mg_validate_format("hostname", "xn--X.example"), 0);         /* bad Punycode */
    CHECK_INT(mg_validate_format("hostname", "xn--l-fda"), 0);             /* middle dot rule */
    CHECK_INT(mg_validate_format("ipv4", "10.0.0.255"), 1);
    CHECK_INT(mg_validate_format("ipv4", "10.0.0.0255"), 0);
    CHECK_INT(mg_validate_format("ipv6", "fe80::1:2"), 1);
    CHECK_INT(mg_validate_format("ipv6", "::ffff:10.0.0.1"), 1);
    CHECK_INT(mg_validate_format("ipv6", "1::2::3"), 0);
    CHECK_INT(mg_validate_format("uri", "https://example.com:8080/a?b#c"), 1);
    CHECK_INT(mg_validate_format("uri", "/relative"), 0);
    CHECK_INT(mg_validate_format("uuid", "123e4567-e89b-12d3-a456-426614174000"), 1);
    CHECK_INT(mg_validate_format("uuid", "123e4567e89b12d3a456426614174000"), 0);
    CHECK_INT(mg_validate_format("regex", "^a(b|c)$"), 1);
    CHECK_INT(mg_validate_format("regex", "(("), 0);
    CHECK_INT(mg_validate_format("color", "red"), -1);
}

static void numeric_formats_should_check_ranges(void)
{
    VALID("{\"format\":\"int32\"}", "2147483647");
    EXPECT("{\"format\":\"int32\"}", "2147483648", 0, "/: must be a valid int32 (format)");
    EXPECT("{\"format\":\"int64\"}", "1.5", 0, "/: must be a valid int64 (format)");
    VALID("{\"format\":\"int32\"}", "\"not a number\"");
}

static void all_of_should_report_every_branch(void)
{
    EXPECT("{\"allOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}", "{}", 0,
           "/: missing required property 'a'\n/: missing required property 'b'");
}

static void any_of_should_summarise(void)
{
    EXPECT("{\"properties\":{\"v\":{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":2}]}}}", "{\"v\":1}", 0,
           "/v: must match at least one schema (anyOf)");
    VALID("{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":2}]}", "3");
}

static void one_of_should_say_how_many_matched(void)
{
    EXPECT("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "3", 0,
           "/: must match exactly one schema (oneOf), matched 0 and 1");
    EXPECT("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "1.5", 0,
           "/: must match exactly one schema (oneOf), matched none");
    VALID("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "1");
}

static void not_should_reject_a_match(void)
{
    EXPECT("{\"not\":{\"type\":\"null\"}}", "null", 0, "/: must not match the schema (not)");
    VALID("{\"not\":{\"type\":\"null\"}}", "0");
}

static void if_then_else_should_pick_the_branch(void)
{
    const char *s = "{\"if\":{\"properties\":{\"kind\":{\"const\":\"a\"}}},"
                    "\"then\":{\"required\":[\"x\"]},\"else\":{\"required\":[\"y\"]}}";
    EXPECT(s, "{\"kind\":\"a\"}", 0, "/: missing required property 'x'");
    EXPECT(s, "{\"kind\":\"b\"}", 0, "/: missing required property 'y'");
    VALID(s, "{\"kind\":\"a\",\"x\":1}");
    VALID("{\"then\":false}", "1");
}

static void boolean_schemas_should_allow_everything_or_nothing(void)
{
    VALID("true", "{\"any\":[1]}");
    EXPECT("false", "1", 0, "/: not allowed (false schema)");
    EXPECT("{\"properties\":{\"gone\":false}}", "{\"gone\":1}", 0, "/gone: not allowed (false schema)");
}

static void pointers_should_escape_tilde_and_slash(void)
{
    EXPECT("{\"additionalProperties\":{\"type\":\"string\"}}", "{\"a~b\":1,\"c/d\":2,\"\":3}", 0,
           "/a~0b: expected string, got integer\n/c~1d: expected string, got integer\n"
           "/: expected string, got integer");
}

static void ref_should_follow_local_pointers_with_escapes(void)
{
    const char *s = "{\"definitions\":{\"a/b\":{\"type\":\"integer\"},\"t~\":{\"$ref\":\"#/definitions/a~1b\"},"
                    "\"p%\":{\"minimum\":1}},\"properties\":{\"x\":{\"$ref\":\"#/definitions/t~0\"},"
                    "\"y\":{\"$ref\":\"#/definitions/p%25\"}}}";
    EXPECT(s, "{\"x\":\"s\",\"y\":0}", 0, "/x: expected integer, got string\n/y: must be >= 1");
    VALID("{\"items\":[{\"type\":\"integer\"},{\"$ref\":\"#/items/0\"}]}", "[1,2]");
}

static void ref_should_ignore_its_siblings(void)
{
    VALID("{\"definitions\":{\"a\":{\"type\":\"array\"}},\"properties\":{\"f\":{\"$ref\":\"#/definitions/a\",\"maxItems\":1}}}",
          "{\"f\":[1,2,3]}");
}

static void ref_should_resolve_against_nested_ids(void)
{
    const char *s = "{\"$id\":\"http://example.com/root.json\",\"definitions\":{"
                    "\"A\":{\"$id\":\"#foo\",\"type\":\"integer\"},"
                    "\"B\":{\"$id\":\"other/b.json\",\"definitions\":{\"c\":{\"type\":\"string\"}},"
                    "\"items\":{\"$ref\":\"#/definitions/c\"}}},"
                    "\"properties\":{\"a\":{\"$ref\":\"#foo\"},\"b\":{\"$ref\":\"other/b.json\"},"
                    "\"c\":{\"$ref\":\"http://example.com/other/b.json#/definitions/c\"}}}";
    EXPECT(s, "{\"a\":\"x\",\"b\":[1],\"c\":2}", 0,
           "/a: expected integer, got string\n/b/0: expected string, got integer\n/c: expected string, got integer");
    VALID(s, "{\"a\":1,\"b\":[\"s\"],\"c\":\"s\"}");
}

static void unresolvable_ref_should_be_a_schema_error(void)
{
    EXPECT("{\"properties\":{\"a\":{\"$ref\":\"#/definitions/nope\"}}}", "{\"a\":1}", -1,
           "/a: cannot resolve $ref '#/definitions/nope': no such location in ''");
    EXPECT("{\"$ref\":\"other.json\"}", "1", -1,
           "/: cannot resolve $ref 'other.json': no document 'other.json'");
}

static void ref_loops_should_stop_at_the_depth_limit(void)
{
    EXPECT("{\"$ref\":\"#\"}", "1", -1,
           "/: schema evaluation nested deeper than 512 levels (a $ref loop?)");
    EXPECT("{\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},\"b\":{\"$ref\":\"#/definitions/a\"}},"
           "\"anyOf\":[{\"$ref\":\"#/definitions/a\"}]}",
           "1", -1,
           "/: schema evaluation nested deeper than 512 levels (a $ref loop?)\n"
           "/: must match at least one schema (anyOf)");
    /* The same schema at the same place twice is not a loop. */
    VALID("{\"definitions\":{\"int\":{\"type\":\"integer\"}},\"allOf\":[{\"properties\":{\"foo\":{\"$ref\":"
          "\"#/definitions/int\"}}},{\"additionalProperties\":{\"$ref\":\"#/definitions/int\"}}]}",
          "{\"foo\":1}");
}

static void deep_instances_should_not_overflow_the_stack(void)
{
    mg_buf b;
    mg_buf_init(&b);
    for (int i = 0; i < 900; i++)
        mg_buf_putc(&b, '[');
    for (int i = 0; i < 900; i++)
        mg_buf_putc(&b, ']');
    cJSON *x = cJSON_Parse(mg_buf_cstr(&b));
    cJSON *s = cJSON_Parse("{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}");
    CHECK(x != NULL);
    mg_validator *v = mg_validator_new(NULL, NULL);
    mg_vresult r;
    mg_vresult_init(&r);
    CHECK_INT(mg_validate(v, s, x, &r), -1);
    CHECK_INT(r.count, 1);
    CHECK(r.count == 1 && r.errors[0].kind == MG_VERR_SCHEMA);
    mg_vresult_fini(&r);
    mg_validator_free(v);
    cJSON_Delete(s);
    cJSON_Delete(x);
    mg_buf_fini(&b);
}

static void error_list_should_stop_at_the_limit(void)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_putc(&b, '[');
    for (int i = 0; i < 250; i++)
        mg_buf_appendf(&b, "%s\"s\"", i ? "," : "");
    mg_buf_putc(&b, ']');
    cJSON *x = cJSON_Parse(mg_buf_cstr(&b));
    cJSON *s = cJSON_Parse("{\"items\":{\"type\":\"integer\"}}");
    mg_validator *v = mg_validator_new(NULL, NULL);
    mg_vresult r;
    mg_vresult_init(&r);
    CHECK_INT(mg_validate(v, s, x, &r), 0);
    CHECK_INT(r.count, MG_MAX_VALIDATE_ERRORS);
    CHECK_STR(r.errors[99].pointer, "/99");
    mg_vresult_fini(&r);
    mg_validator_free(v);
    cJSON_Delete(s);
    cJSON_Delete(x);
    mg_buf_fini(&b);
}

/* A loader over fixed documents that counts its calls. */
static int loads;
static cJSON *docs[2];
static const cJSON *fake_loader(void *user, const char *uri)
{
    (void)user;
    loads++;
    if (!strcmp(uri, "file:///schemas/common.json"))
        return docs[0];
    if (!strcmp(uri, "file:///schemas/sub/deep.json"))
        return docs[1];
    return NULL;
}

static void external_refs_should_go_through_the_loader_once(void)
{
    loads = 0;
    docs[0] = cJSON_Parse("{\"definitions\":{\"id\":{\"type\":\"string\",\"minLength\":2},"
                          "\"deep\":{\"$ref\":\"sub/deep.json#/definitions/n\"}}}");
    docs[1] = cJSON_Parse("{\"definitions\":{\"n\":{\"type\":\"integer\"}}}");
    cJSON *root = cJSON_Parse("{\"properties\":{\"id\":{\"$ref\":\"common.json#/definitions/id\"},"
                              "\"n\":{\"$ref\":\"./common.json#/definitions/deep\"},"
                              "\"m\":{\"$ref\":\"missing.json\"}}}");
    mg_validator *v = mg_validator_new(fake_loader, NULL);
    mg_validator_add_schema(v, "file:///schemas/root.json", root);
    cJSON *x = cJSON_Parse("{\"id\":\"a\",\"n\":\"b\"}");
    mg_vresult r;
    mg_vresult_init(&r);
    CHECK_INT(mg_validate(v, root, x, &r), 0);
    CHECK_INT(r.count, 2);
    if (r.count == 2) {
        CHECK_STR(r.errors[0].pointer, "/id");
        CHECK_STR(r.errors[0].message, "must be at least 2 characters");
        CHECK_STR(r.errors[1].message, "expected integer, got string");
    }
    mg_vresult_fini(&r);
    CHECK_INT(mg_validate(v, root, x, NULL), 0);
    CHECK_INT(loads, 2);
    cJSON *y = cJSON_Parse("{\"m\":1}");
    mg_vresult_init(&r);
    CHECK_INT(mg_validate(v, root, y, &r), -1);
    CHECK(r.count == 1 && !strcmp(r.errors[0].message,
                                  "cannot resolve $ref 'missing.json': no document 'file:///schemas/missing.json'"));
    mg_vresult_fini(&r);
    mg_validator_free(v);
    cJSON_Delete(x);
    cJSON_Delete(y);
    cJSON_Delete(root);
    cJSON_Delete(docs[0]);
    cJSON_Delete(docs[1]);
}

static void a_node_inside_a_registered_document_should_resolve_refs_there(void)
{
    cJSON *doc = cJSON_Parse("{\"components\":{\"schemas\":{\"Id\":{\"type\":\"string\"},"
                             "\"Msg\":{\"properties\":{\"id\":{\"$ref\":\"#/components/schemas/Id\"}}}}}}");
    mg_validator *v = mg_validator_new(NULL, NULL);
    mg_validator_add_schema(v, "file:///a/api.json", doc);
    const cJSON *msg = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "components"), "schemas"), "Msg");
    cJSON *x = cJSON_Parse("{\"id\":7}");
    mg_vresult r;
    mg_vresult_init(&r);
    CHECK_INT(mg_validate(v, msg, x, &r), 0);
    CHECK(r.count == 1 && !strcmp(r.errors[0].message, "expected string, got integer"));
    mg_vresult_fini(&r);
    mg_validator_free(v);
    cJSON_Delete(x);
    cJSON_Delete(doc);
}

static void documents_without_uri_should_keep_their_own_refs(void)
{
    mg_validator *v = mg_validator_new(NULL, NULL);
    cJSON *a = cJSON_Parse("{\"definitions\":{\"x\":{\"type\":\"string\"}},\"$ref\":\"#/definitions/x\"}");
    cJSON *b = cJSON_Parse("{\"definitions\":{\"x\":{\"type\":\"integer\"}},\"$ref\":\"#/definitions/x\"}");
    cJSON *s = cJSON_CreateString("s"), *n = cJSON_CreateNumber(1);
    mg_validator_add_schema(v, NULL, a);
    mg_validator_add_schema(v, NULL, b);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(mg_validate(v, a, s, NULL), 1);
        CHECK_INT(mg_validate(v, a, n, NULL), 0);
        CHECK_INT(mg_validate(v, b, n, NULL), 1);
        CHECK_INT(mg_validate(v, b, s, NULL), 0);
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(s);
    cJSON_Delete(n);
    mg_validator_free(v);
}

static void uri_resolution_should_follow_rfc_3986(void)
{
    static const char *cases[][2] = {
        {"g", "http://a/b/c/g"},       {"./g", "http://a/b/c/g"},  {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},          {"//g", "http://g"},        {"?y", "http://a/b/c/d;p?y"},
        {"#s", "http://a/b/c/d;p?q#s"}, {"../g", "http://a/b/g"},  {"../../g", "http://a/g"},
        {"../../../g", "http://a/g"},  {"g;x=1/../y", "http://a/b/c/y"}, {"", "http://a/b/c/d;p?q"},
        {"urn:x:y", "urn:x:y"},        {".", "http://a/b/c/"},     {"..", "http://a/b/"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = uri_resolve("http://a/b/c/d;p?q", cases[i][0]);
        CHECK_STR(got, cases[i][1]);
        free(got);
    }
    char *u = uri_resolve("urn:uuid:dead-beef", "#/definitions/x");
    CHECK_STR(u, "urn:uuid:dead-beef#/definitions/x");
    free(u);
    u = uri_resolve("", "#/a");
    CHECK_STR(u, "#/a");
    free(u);
}

static void file_uris_should_round_trip_paths(void)
{
    char *p = mg_validate_uri_to_path("file:///tmp/a%20b/c.json#/x");
    CHECK_STR(p, "/tmp/a b/c.json");
    free(p);
    CHECK(mg_validate_uri_to_path("http://example.com/a.json") == NULL);
    char *u = mg_validate_path_to_uri("/");
    CHECK_STR(u, "file:///");
    free(u);
    CHECK(mg_validate_path_to_uri("/no/such/file/anywhere.json") == NULL);
}

static void a_validator_should_be_reusable_across_instances(void)
{
    mg_validator *v = mg_validator_new(NULL, NULL);
    cJSON *s = cJSON_Parse("{\"definitions\":{\"n\":{\"type\":\"integer\"}},\"items\":{\"$ref\":\"#/definitions/n\"}}");
    cJSON *good = cJSON_Parse("[1,2]"), *bad = cJSON_Parse("[1,\"2\"]");
    for (int i = 0; i < 3; i++) {
        CHECK_INT(mg_validate(v, s, good, NULL), 1);
        CHECK_INT(mg_validate(v, s, bad, NULL), 0);
    }
    cJSON_Delete(s);
    cJSON_Delete(good);
    cJSON_Delete(bad);
    mg_validator_free(v);
}

static void unknown_and_extension_keywords_should_be_ignored(void)
{
    VALID("{\"x-internal\":{\"type\":\"string\"},\"title\":\"T\",\"default\":5,\"examples\":[1],"
          "\"discriminator\":\"k\",\"contentMediaType\":\"application/json\"}",
          "{\"k\":1}");
}

/* Decimals as written (validate.c, "numbers, exactly"). */
static void numbers_should_be_decided_as_written(void)
{
    static const struct {
        const char *t;
        int integral;
    } ints[] = {{"1.0", 1}, {"1e3", 1}, {"0.5", 0}, {"1.5e1", 1}, {"1.55e1", 0}, {"0.0", 1}, {"-0", 1},
                {"100e-2", 1}, {"101e-2", 0}, {"9223372036854775807.0", 1}, {"2147483647.0000000001", 0},
                {"1e-400", 0}, {".5", 0}, {"5.", 1}, {"+7", 1}};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        dec d;
        dec_parse(&d, ints[i].t);
        if (dec_integral(&d) != ints[i].integral) {
            unit_failed_checks++;
            unit_note("# %s: integral %d, want %d\n", ints[i].t, dec_integral(&d), ints[i].integral);
        }
    }
    static const struct {
        const char *a, *b;
        int cmp;
    } cmps[] = {{"9223372036854775807", "9223372036854775808", -1}, {"-9223372036854775809", "-9223372036854775808", -1},
                {"1.10", "1.1", 0}, {"0.001", "1e-3", 0}, {"-0", "0", 0}, {"1e2", "99.9999999999999999999", 1},
                {"-1e2", "-99.9999999999999999999", -1}, {"12", "1.2e1", 0}, {"120", "12", 1}, {"0.12", "0.012e1", 0}};
    for (size_t i = 0; i < sizeof cmps / sizeof *cmps; i++) {
        dec a, b;
        dec_parse(&a, cmps[i].a);
        dec_parse(&b, cmps[i].b);
        if (dec_cmp(&a, &b) != cmps[i].cmp || dec_cmp(&b, &a) != -cmps[i].cmp) {
            unit_failed_checks++;
            unit_note("# %s vs %s: %d, want %d\n", cmps[i].a, cmps[i].b, dec_cmp(&a, &b), cmps[i].cmp);
        }
    }
    /* Nodes: a double alone, or a double with its text (as load.c keeps it). */
    cJSON *max = cJSON_CreateNumber(9223372036854775807.0), *lo = cJSON_CreateNumber(9223372036854775806.0);
    max->valuestring = cJSON_malloc(20);
    memcpy(max->valuestring, "9223372036854775807", 20);
    lo->valuestring = cJSON_malloc(20);
    memcpy(lo->valuestring, "9223372036854775806", 20);
    cJSON *pow63 = cJSON_CreateNumber(9223372036854775808.0), *half = cJSON_CreateNumber(0.5);
    CHECK(num_cmp(max, lo) == 1 && num_cmp(lo, max) == -1 && num_cmp(max, max) == 0);
    CHECK(num_is_int_format(max, 64) && !num_is_int_format(max, 32) && !num_is_int_format(pow63, 64));
    CHECK(num_cmp(max, pow63) == -1 && num_cmp(half, max) == -1);
    cJSON_Delete(max);
    cJSON_Delete(lo);
    cJSON_Delete(pow63);
    cJSON_Delete(half);
}

int main(void)
{
    RUN(numbers_should_be_decided_as_written);
    RUN(type_should_say_expected_and_got);
    RUN(type_should_count_zero_fraction_numbers_as_integers);
    RUN(type_should_join_a_list_of_types_with_or);
    RUN(nullable_should_add_null_to_type);
    RUN(enum_should_list_the_allowed_values);
    RUN(enum_should_compare_deeply);
    RUN(const_should_use_deep_equality_and_quote_strings);
    RUN(required_should_report_at_the_object);
    RUN(additional_properties_false_should_name_each_extra_property);
    RUN(additional_properties_schema_should_validate_the_rest);
    RUN(pattern_properties_should_apply_every_matching_pattern);
    RUN(property_names_should_give_the_first_reason);
    RUN(property_counts_should_use_singular_and_plural);
    RUN(dependencies_should_support_arrays_and_schemas);
    RUN(items_should_check_every_item_and_tuples);
    RUN(contains_should_need_one_matching_item);
    RUN(item_counts_should_use_singular_and_plural);
    RUN(unique_items_should_name_the_first_equal_pair);
    RUN(string_lengths_should_count_code_points);
    RUN(pattern_should_search_not_anchor);
    RUN(pattern_should_follow_ecma_262_where_pcre2_differs);
    RUN(pattern_should_compile_once);
    RUN(bad_pattern_should_be_a_schema_error);
    RUN(invalid_utf8_should_not_match_a_pattern);
    RUN(numeric_limits_should_print_the_limit);
    RUN(draft_04_boolean_exclusive_limits_should_work);
    RUN(multiple_of_should_hold_for_decimal_floats);
    RUN(format_errors_should_name_the_format);
    RUN(formats_should_check_calendars_and_leap_seconds);
    RUN(formats_should_check_network_names);
    RUN(numeric_formats_should_check_ranges);
    RUN(all_of_should_report_every_branch);
    RUN(any_of_should_summarise);
    RUN(one_of_should_say_how_many_matched);
    RUN(not_should_reject_a_match);
    RUN(if_then_else_should_pick_the_branch);
    RUN(boolean_schemas_should_allow_everything_or_nothing);
    RUN(pointers_should_escape_tilde_and_slash);
    RUN(ref_should_follow_local_pointers_with_escapes);
    RUN(ref_should_ignore_its_siblings);
    RUN(ref_should_resolve_against_nested_ids);
    RUN(unresolvable_ref_should_be_a_schema_error);
    RUN(ref_loops_should_stop_at_the_depth_limit);
    RUN(deep_instances_should_not_overflow_the_stack);
    RUN(error_list_should_stop_at_the_limit);
    RUN(external_refs_should_go_through_the_loader_once);
    RUN(a_node_inside_a_registered_document_should_resolve_refs_there);
    RUN(documents_without_uri_should_keep_their_own_refs);
    RUN(uri_resolution_should_follow_rfc_3986);
    RUN(file_uris_should_round_trip_paths);
    RUN(a_validator_should_be_reusable_across_instances);
    RUN(unknown_and_extension_keywords_should_be_ignored);
    return unit_done();
}
