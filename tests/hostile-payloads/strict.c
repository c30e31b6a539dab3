/* strict.c - named hostile inputs for the one-pass byte reader (`_parse`,
 * templates/c/parse.c.mustache) of the hostile-payloads catalogue: strict
 * JSON (duplicate member names, invalid UTF-8, lone surrogates, NUL, bytes
 * after the value), nesting depth, numbers (integers beyond int64, exact
 * integers above 2^53, -0, 1e400, doubles under a locale with a decimal
 * comma), and errors equal to the cJSON path's. Prints one test line per
 * case ("ok NAME" / "not ok NAME: why"); built by tests/hostile-payloads/run.sh.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile_payloads.h"

static int failed;

static void result(const char *name, const char *why)
{
    if (why) {
        printf("not ok hostile_parse_%s: %s\n", name, why);
        failed = 1;
    } else
        printf("ok hostile_parse_%s\n", name);
}

/* Refused as invalid JSON with a message that contains `what`. */
static void refused(const char *name, hostile_payloads_message_type t, const char *text, size_t len, const char *what)
{
    hostile_payloads_error err = {0};
    void *rec = hostile_payloads_message_parse(t, text, len, &err);
    char why[512];
    if (rec)
        result(name, "accepted");
    else if (err.kind != HOSTILE_PAYLOADS_ERR_JSON && err.kind != HOSTILE_PAYLOADS_ERR_INVALID)
        result(name, "not refused as invalid");
    else {
        const char *msg = err.count ? err.items[0].message : hostile_payloads_error_message(&err);
        if (!strstr(msg, what)) {
            snprintf(why, sizeof why, "error '%.300s', want one with '%s'", msg, what);
            result(name, why);
        } else
            result(name, NULL);
    }
    hostile_payloads_message_free(t, rec);
    hostile_payloads_error_clear(&err);
}

static hostile_payloads_Numbers *numbers(const char *text)
{
    hostile_payloads_error err = {0};
    hostile_payloads_Numbers *n = hostile_payloads_Numbers_parse(text, strlen(text), &err);
    hostile_payloads_error_clear(&err);
    return n;
}

#define UUID "123e4567-e89b-12d3-a456-426614174000"
#define S(lit) lit, sizeof lit - 1

int main(void)
{
    const hostile_payloads_message_type N = HOSTILE_PAYLOADS_MESSAGE_NUMBERS, I = HOSTILE_PAYLOADS_MESSAGE_IDS,
                                        D = HOSTILE_PAYLOADS_MESSAGE_DEEP;
    refused("duplicate_member", N, S("{\"count\": 1, \"count\": 2}"), "duplicate member name");
    refused("duplicate_unnamed_member", N, S("{\"x\": 1, \"x\": 2}"), "duplicate member name");
    refused("duplicate_member_escaped", N, S("{\"count\": 1, \"\\u0063ount\": 2}"), "duplicate member name");
    refused("duplicate_map_key", I, S("{\"modelId\": \"" UUID "\", \"tags\": {\"a\": \"b\", \"a\": \"c\"}}"),
            "duplicate member name");
    refused("duplicate_in_any_value", D, S("{\"any\": {\"k\": 1, \"k\": 1}}"), "duplicate member name");
    refused("lone_high_surrogate", I, S("{\"modelId\": \"" UUID "\", \"jobId\": \"a\\ud800\"}"), "invalid JSON");
    refused("lone_low_surrogate", I, S("{\"modelId\": \"" UUID "\", \"jobId\": \"a\\udc00b\"}"), "invalid JSON");
    refused("nul_escape_in_string", I, S("{\"modelId\": \"" UUID "\\u0000\"}"), "NUL");
    refused("nul_byte_in_string", I, S("{\"modelId\": \"" UUID "\0\"}"), "NUL");
    refused("control_character_in_string", I, S("{\"modelId\": \"" UUID "\", \"jobId\": \"a\tb\"}"), "control character");
    refused("invalid_utf8", I, S("{\"modelId\": \"" UUID "\", \"tags\": {\"a\": \"\xC3\x28\"}}"), "invalid UTF-8");
    /* A number over 63 characters is left to cJSON: the strict pass must
     * still read on past it (found by fuzz_c_bytes). */
    refused("invalid_utf8_after_a_long_number", N,
            S("{\"count\": 1111111111111111111111111111111111111111111111111111111111111111111111, \"x\": \"\xC3\x28\"}"),
            "invalid UTF-8");
    refused("overlong_utf8", I, S("{\"modelId\": \"" UUID "\", \"tags\": {\"a\": \"\xC0\xAF\"}}"), "invalid UTF-8");
    refused("utf8_encoded_surrogate", I, S("{\"modelId\": \"" UUID "\", \"tags\": {\"a\": \"\xED\xA0\x80\"}}"), "invalid UTF-8");
    refused("utf8_beyond_10ffff", I, S("{\"modelId\": \"" UUID "\", \"tags\": {\"a\": \"\xF4\x90\x80\x80\"}}"), "invalid UTF-8");
    refused("trailing_bytes", N, S("{\"count\": 1} x"), "bytes after the value");
    refused("trailing_value", N, S("{\"count\": 1}{\"count\": 2}"), "bytes after the value");
    refused("leading_zero", N, S("{\"count\": 01}"), "invalid");
    refused("empty_text", N, S(""), "invalid JSON");
    refused("integer_2_63", N, S("{\"count\": 9223372036854775808}"), "64-bit integer");
    refused("integer_huge", N, S("{\"count\": 123456789012345678901234567890}"), "64-bit integer");
    refused("number_1e400", N, S("{\"ratio\": 1e400}"), "Infinity");
    {
        char deep[700];
        size_t k = 0;
        k += (size_t)snprintf(deep, sizeof deep, "{\"any\": ");
        for (int i = 0; i < 257; i++)
            deep[k++] = '[';
        for (int i = 0; i < 257; i++)
            deep[k++] = ']';
        deep[k++] = '}';
        refused("nesting_257_deep", D, deep, k, "nested deeper than 256 levels");
    }

    /* Accepted, with exact values. */
    hostile_payloads_Numbers *n = numbers("{\"count\": 9007199254740993, \"big\": -9223372036854775807}");
    result("integer_exact_above_2_53", !n ? "refused" : n->count_ != INT64_C(9007199254740993) ? "count not exact"
                                                     : n->big != -INT64_C(9223372036854775807) ? "big not exact" : NULL);
    hostile_payloads_Numbers_free(n);
    n = numbers("{\"count\": -0, \"ratio\": -0.0}");
    result("minus_zero", !n ? "refused" : n->count_ != 0 ? "count not 0" : !(n->ratio == 0 && signbit(n->ratio)) ? "ratio not -0.0" : NULL);
    hostile_payloads_Numbers_free(n);
    n = numbers("{\"count\": 1e3, \"ratio\": 1.7976931348623157e308}");
    result("integer_with_exponent_and_max_double", !n ? "refused" : n->count_ != 1000 ? "count not 1000"
                                                                 : n->ratio != 1.7976931348623157e308 ? "ratio wrong" : NULL);
    hostile_payloads_Numbers_free(n);
    n = numbers("\xEF\xBB\xBF {\"ratio\": 0.1}\r\n");
    result("byte_order_mark_and_whitespace", !n || n->ratio != 0.1 ? "refused or wrong" : NULL);
    hostile_payloads_Numbers_free(n);
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        n = numbers("{\"ratio\": 0.30000000000000004, \"big\": 2}");
        result("double_under_a_decimal_comma_locale", !n ? "refused" : n->ratio != 0.30000000000000004 ? "ratio wrong" : NULL);
        hostile_payloads_Numbers_free(n);
        setlocale(LC_NUMERIC, "C");
    } else
        printf("skip hostile_parse_double_under_a_decimal_comma_locale: no de_DE or fr_FR locale\n");
    {
        const char text[] = "{\"modelId\": \"" UUID "\", \"tags\": {\"caf\\u00e9\": \"\xE2\x82\xAC \\ud83d\\ude00\"}}";
        hostile_payloads_error err = {0};
        hostile_payloads_Ids *ids = hostile_payloads_Ids_parse(text, sizeof text - 1, &err);
        result("utf8_and_escapes_decoded", !ids ? hostile_payloads_error_message(&err)
                                           : ids->tags_count != 1 || strcmp(ids->tags_keys[0], "caf\xC3\xA9") != 0 ||
                                                     strcmp(ids->tags_values[0], "\xE2\x82\xAC \xF0\x9F\x98\x80") != 0
                                               ? "decoded wrong" : NULL);
        hostile_payloads_Ids_free(ids);
        hostile_payloads_error_clear(&err);
    }
    /* An invalid payload: the errors of the cJSON path, in its order. */
    {
        const char text[] = "{\"name\": 5, \"count\": 1.5, \"x\": 1}";
        hostile_payloads_error a = {0}, b = {0};
        void *rec = hostile_payloads_message_parse(HOSTILE_PAYLOADS_MESSAGE_ORDER, text, sizeof text - 1, &a);
        cJSON *j = cJSON_Parse(text);
        hostile_payloads_message_validate(HOSTILE_PAYLOADS_MESSAGE_ORDER, j, &b);
        int same = !rec && a.count == b.count && a.count > 1;
        for (int i = 0; same && i < a.count; i++)
            same = strcmp(a.items[i].pointer, b.items[i].pointer) == 0 && strcmp(a.items[i].message, b.items[i].message) == 0;
        result("errors_equal_the_cjson_path", same ? NULL : "differ");
        cJSON_Delete(j);
        hostile_payloads_error_clear(&a);
        hostile_payloads_error_clear(&b);
    }
    hostile_payloads_runtime_thread_cleanup();
    return failed;
}
