/* serialize_numbers.c - T_serialize on values set by hand (the catalogue
 * tests/c-target/serialize-numbers.yaml, prefix numbers_): hard doubles and
 * random ones (read back exactly, shortest digits by an independent search,
 * the text of the printed cJSON tree but for the documented differences),
 * int64 extremes, string escapes and invalid UTF-8, NaN and infinities,
 * the buffer contract at every size, message_serialize, and all of it again
 * in a locale whose decimal point is a comma when one can be set.
 * Prints "ok NAME", "not ok NAME: WHY" and "skip NAME: WHY" lines
 * (tests/c-target/serialize.sh passes them on).
 */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers_internal.h"

static int failures;
static char why[512];

static void bad(const char *fmt, ...)
{
    if (failures++ == 0) { /* the first failure of a group says why */
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof why, fmt, ap);
        va_end(ap);
    }
}

static void report(const char *name, int checks)
{
    if (checks == 0)
        printf("not ok %s: nothing was checked\n", name);
    else if (failures)
        printf("not ok %s: %d of %d failed, first: %s\n", name, failures, checks, why);
    else
        printf("ok %s\n", name);
    failures = 0;
}

/* Text of a record by T_serialize_alloc; NULL on error. */
static char *ser(const numbers_Numbers *r)
{
    numbers_error err = {0};
    size_t len = 0;
    char *t = numbers_Numbers_serialize_alloc(r, &len, &err);
    if (t && strlen(t) != len)
        bad("serialize_alloc: length %zu for a text of %zu bytes", len, strlen(t));
    numbers_error_clear(&err);
    return t;
}

/* What T_print gave before (T_to_json's tree printed with exact numbers). */
static char *old_print(const numbers_Numbers *r)
{
    cJSON *j = numbers_Numbers_to_json(r);
    char *t = j ? numbers_rt_print(j) : NULL;
    cJSON_Delete(j);
    return t;
}

/* Significant digits of a number's text ("1.25e+21" -> 3, "0.001" -> 1). */
static int sig_digits(const char *s)
{
    int n = 0, lead = 1, zeros = 0;
    for (; *s && *s != 'e'; s++) {
        if (*s < '0' || *s > '9')
            continue;
        if (lead && *s == '0')
            continue;
        lead = 0;
        n++;
        zeros = *s == '0' ? zeros + 1 : 0;
    }
    return n - zeros;
}

/* The number in `{"d":NUM}`: its text, NUL-terminated in out. */
static int number_of(const char *text, char *out, size_t size)
{
    if (strncmp(text, "{\"d\":", 5) != 0)
        return 0;
    size_t n = strlen(text + 5);
    if (n < 2 || n - 1 >= size || text[5 + n - 1] != '}')
        return 0;
    memcpy(out, text + 5, n - 1);
    out[n - 1] = '\0';
    return 1;
}

/* C-locale strtod (the harness runs in "C" but for the locale pass, where
 * it only compares texts). */
static double c_strtod(const char *s) { return strtod(s, NULL); }

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* One double through a record: read back exactly by strtod and by T_parse
 * (when parse_back), no shorter digits read back (but an integral value
 * below 2^63, written in full), the old text but for -0 and subnormals. */
static void check_double(double v, const char *expect, int parse_back)
{
    numbers_Numbers r = {0};
    r.d = v;
    r.has_d = true;
    char *t = ser(&r), num[64];
    if (!t || !number_of(t, num, sizeof num)) {
        bad("%.17g: no text or not {\"d\":N} (%s)", v, t ? t : "NULL");
        cJSON_free(t);
        return;
    }
    if (expect && strcmp(num, expect) != 0)
        bad("%.17g: \"%s\", expected \"%s\"", v, num, expect);
    if (!same_bits(c_strtod(num), v))
        bad("%.17g: \"%s\" reads back as %.17g", v, num, c_strtod(num));
    int n = sig_digits(num);
    int integral_text = floor(v) == v && fabs(v) >= 1e15 && fabs(v) < 9223372036854775808.0 && !strchr(num, 'e');
    for (int p = 1; p < n && !integral_text; p++) {
        char s[64];
        snprintf(s, sizeof s, "%.*e", p - 1, v);
        if (same_bits(c_strtod(s), v)) {
            bad("%.17g: \"%s\" has %d digits, \"%s\" reads back too", v, num, n, s);
            break;
        }
    }
    char *old = old_print(&r);
    int documented = v == 0 || fabs(v) < 2.2250738585072014e-308; /* -0 and subnormals */
    if (!old || (strcmp(old, t) != 0 && !documented))
        bad("%.17g: \"%s\", the printed tree gave \"%s\"", v, t, old ? old : "NULL");
    cJSON_free(old);
    if (parse_back) {
        numbers_error err = {0};
        numbers_Numbers *back = numbers_Numbers_parse(t, strlen(t), &err);
        if (!back || !back->has_d || !same_bits(back->d, v))
            bad("%.17g: \"%s\" parses back as %.17g (%s)", v, t, back ? back->d : 0.0, numbers_error_message(&err));
        numbers_Numbers_free(back);
        numbers_error_clear(&err);
    }
    cJSON_free(t);
}

static const struct {
    double v;
    const char *text;
} hard[] = {
    {5e-324, "5e-324"},
    {-5e-324, "-5e-324"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
    {-1.7976931348623157e308, "-1.7976931348623157e+308"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {2.225073858507201e-308, "2.225073858507201e-308"},
    {0.1, "0.1"},
    {-0.1, "-0.1"},
    {0.30000000000000004, "0.30000000000000004"},
    {1e21, "1e+21"},
    {1e22, "1e+22"},
    {1e23, "1e+23"},
    {1e15, "1e+15"},
    {1e-7, "1e-07"},
    {0.0001, "0.0001"},
    {123456789012345680.0, "123456789012345680"},
    {9007199254740993.0, "9007199254740992"},
    {-0.0, "-0"},
    {0.0, "0"},
    {1.5, "1.5"},
    {-2.5e-300, "-2.5e-300"},
    {100, "100"},
    {4.35, "4.35"},
    {9223372036854775808.0, "9.223372036854776e+18"},
    {1.0 / 3.0, "0.3333333333333333"},
    {3.141592653589793, "3.141592653589793"},
    {6.02214076e23, "6.02214076e+23"},
};

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int doubles(const char *name, char **texts, double *vals)
{
    int checks = 0;
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++, checks++)
        check_double(hard[i].v, hard[i].text, 1);
    /* Random bit patterns (mostly 16-17 digits) and random short decimals
     * (the 15-digit path and the fast check). */
    rng = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 20000; i++, checks++) {
        double v;
        if (i % 2) {
            uint64_t bits = next();
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v))
                continue;
        } else {
            char s[64];
            snprintf(s, sizeof s, "%s%llue%d", next() % 2 ? "-" : "", (unsigned long long)(next() % 1000000000000000ull),
                     (int)(next() % 660) - 330);
            v = c_strtod(s);
            if (!isfinite(v))
                continue;
        }
        check_double(v, NULL, i < 200);
        if (texts && i < 2000) {
            numbers_Numbers r = {0};
            r.d = v;
            r.has_d = true;
            texts[i] = ser(&r);
            vals[i] = v;
        }
    }
    report(name, checks);
    return checks;
}

/* The same texts in a locale whose decimal point is a comma. */
static void in_comma_locale(char **texts, const double *vals)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8", "ru_RU.UTF-8", "de_DE", NULL};
    const char *got = NULL;
    for (int i = 0; names[i] && !got; i++)
        if (setlocale(LC_ALL, names[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            got = names[i];
    if (!got) {
        printf("skip c_serialize_numbers_should_not_depend_on_the_locale: no locale with a decimal comma could be set "
               "(tried de_DE, fr_FR, nl_NL, ru_RU; tests/c-target/serialize.sh makes de_DE.UTF-8 with localedef when it can)\n");
        setlocale(LC_ALL, "C");
        return;
    }
    int checks = 0;
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++, checks++) {
        numbers_Numbers r = {0};
        r.d = hard[i].v;
        r.has_d = true;
        char *t = ser(&r), num[64];
        if (!t || !number_of(t, num, sizeof num) || strcmp(num, hard[i].text) != 0)
            bad("in %s: %.17g gives %s, expected %s", got, hard[i].v, t ? t : "NULL", hard[i].text);
        cJSON_free(t);
    }
    for (int i = 0; i < 2000; i++) {
        if (!texts[i])
            continue;
        numbers_Numbers r = {0};
        r.d = vals[i];
        r.has_d = true;
        char *t = ser(&r);
        checks++;
        if (!t || strcmp(t, texts[i]) != 0)
            bad("in %s: %s, in C: %s", got, t ? t : "NULL", texts[i]);
        cJSON_free(t);
    }
    report("c_serialize_numbers_should_not_depend_on_the_locale", checks);
    setlocale(LC_ALL, "C");
}

static void integers(void)
{
    static const struct {
        int64_t v;
        const char *text;
    } ints[] = {
        {INT64_MIN, "-9223372036854775808"}, {INT64_MAX, "9223372036854775807"}, {0, "0"}, {-1, "-1"},
        {9007199254740993, "9007199254740993"}, {1000000000000000, "1000000000000000"}, {-9007199254740993, "-9007199254740993"},
    };
    int checks = 0;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++, checks++) {
        numbers_Numbers r = {0};
        r.i = ints[i].v;
        r.has_i = true;
        char *t = ser(&r), want[64];
        snprintf(want, sizeof want, "{\"i\":%s}", ints[i].text);
        if (!t || strcmp(t, want) != 0)
            bad("%s: %s", want, t ? t : "NULL");
        /* INT64_MAX is not read back: the validators compare integers as
         * doubles, where it is 2^63, beyond int64 (an error of msggen
         * validate's too, not of the text). */
        if (ints[i].v == INT64_MAX) {
            cJSON_free(t);
            continue;
        }
        numbers_error err = {0};
        numbers_Numbers *back = t ? numbers_Numbers_parse(t, strlen(t), &err) : NULL;
        if (!back || back->i != ints[i].v)
            bad("%s does not parse back exactly (%s)", want, numbers_error_message(&err));
        numbers_Numbers_free(back);
        numbers_error_clear(&err);
        cJSON_free(t);
    }
    report("c_serialize_should_write_int64_exactly", checks);
}

static void strings(void)
{
    int checks = 0;
    numbers_Numbers r = {0};
    char s[] = "a\"b\\c\x01\x1f\x7f\b\f\n\r\t/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80";
    r.s = s;
    r.has_s = true;
    char *t = ser(&r), *old = old_print(&r);
    const char *want = "{\"s\":\"a\\\"b\\\\c\\u0001\\u001f\x7f\\b\\f\\n\\r\\t/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"}";
    checks++;
    if (!t || strcmp(t, want) != 0)
        bad("escapes: %s", t ? t : "NULL");
    checks++;
    if (!t || !old || strcmp(t, old) != 0)
        bad("escapes differ from the printed tree: %s / %s", t ? t : "NULL", old ? old : "NULL");
    numbers_error err = {0};
    numbers_Numbers *back = t ? numbers_Numbers_parse(t, strlen(t), &err) : NULL;
    checks++;
    if (!back || !back->s || strcmp(back->s, s) != 0)
        bad("escaped string does not parse back (%s)", numbers_error_message(&err));
    numbers_Numbers_free(back);
    numbers_error_clear(&err);
    cJSON_free(t);
    cJSON_free(old);
    /* Each special byte at every place of strings of 1 to 40 bytes (the
     * walk reads plain ASCII eight bytes at a time): cJSON's text. */
    static const char *const specials[] = {"\"", "\\", "\x01", "\x1f", "\n", "\x7f", "\xc3\xa9", "\xe2\x82\xac", " "};
    for (size_t n = 1; n <= 40; n++)
        for (size_t at = 0; at < n; at++)
            for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++, checks++) {
                char str[64];
                memset(str, 'a', n);
                size_t sl = strlen(specials[k]);
                memcpy(str + at, specials[k], sl);
                str[at + sl > n ? at + sl : n] = '\0';
                numbers_Numbers v = {0};
                v.s = str;
                v.has_s = true;
                char *a = ser(&v), *o = old_print(&v);
                if (!a || !o || strcmp(a, o) != 0)
                    bad("special #%zu at %zu of %zu: %s, cJSON: %s", k, at, n, a ? a : "NULL", o ? o : "NULL");
                cJSON_free(a);
                cJSON_free(o);
            }
    report("c_serialize_should_escape_strings_as_rfc_8259_and_cjson", checks);

    static const char *const invalid[] = {"\xc0\x80", "\xc1\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                                          "\x80", "\xbf", "a\xe2\x82", "\xff", "\xfe", "\xf0\x9f\x98", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf",
                                          "\xc3(", NULL};
    checks = 0;
    for (int i = 0; invalid[i]; i++, checks++) {
        numbers_Numbers v = {0};
        v.s = (char *)invalid[i];
        v.has_s = true;
        char buf[64];
        size_t len = 99;
        numbers_error e = {0};
        bool ok = numbers_Numbers_serialize(&v, buf, sizeof buf, &len, &e);
        char *a = numbers_Numbers_print(&v);
        if (ok || e.kind != NUMBERS_ERR_INVALID || buf[0] != '\0' || len != 0 || a)
            bad("invalid UTF-8 #%d: ok %d, kind %s, buf \"%s\", len %zu, print %s", i, ok, numbers_error_kind_name(e.kind), buf, len,
                a ? a : "NULL");
        cJSON_free(a);
        numbers_error_clear(&e);
    }
    report("c_serialize_should_refuse_strings_that_are_not_utf8", checks);
}

static void not_json(void)
{
    int checks = 0;
    double nan_inf[] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        numbers_Numbers r = {0};
        r.d = nan_inf[i];
        r.has_d = true;
        numbers_error e = {0};
        char buf[32] = "x";
        checks++;
        if (numbers_Numbers_serialize(&r, buf, sizeof buf, NULL, &e) || e.kind != NUMBERS_ERR_INVALID || buf[0])
            bad("%g in a double member: kind %s", nan_inf[i], numbers_error_kind_name(e.kind));
        numbers_error_clear(&e);
        numbers_Numbers l = {0};
        double list[] = {1, nan_inf[i]};
        l.l = list;
        l.l_count = 2;
        l.has_l = true;
        checks++;
        if (numbers_Numbers_serialize(&l, buf, sizeof buf, NULL, &e) || e.kind != NUMBERS_ERR_INVALID)
            bad("%g in a list: kind %s", nan_inf[i], numbers_error_kind_name(e.kind));
        numbers_error_clear(&e);
        numbers_Numbers j = {0};
        j.any = cJSON_CreateArray();
        cJSON_AddItemToArray(j.any, cJSON_CreateNumber(nan_inf[i]));
        j.has_any = true;
        checks++;
        if (numbers_Numbers_serialize(&j, buf, sizeof buf, NULL, &e) || e.kind != NUMBERS_ERR_INVALID)
            bad("%g in a cJSON member: kind %s", nan_inf[i], numbers_error_kind_name(e.kind));
        numbers_error_clear(&e);
        cJSON_Delete(j.any);
    }
    numbers_Numbers k = {0};
    k.k = (numbers_Kind)7;
    k.has_k = true;
    numbers_error e = {0};
    checks++;
    if (numbers_Numbers_serialize_alloc(&k, NULL, &e) || e.kind != NUMBERS_ERR_INVALID)
        bad("enum out of range: kind %s", numbers_error_kind_name(e.kind));
    numbers_error_clear(&e);
    checks++;
    if (numbers_Numbers_serialize(NULL, NULL, 0, NULL, &e) || e.kind != NUMBERS_ERR_INVALID)
        bad("NULL record: kind %s", numbers_error_kind_name(e.kind));
    numbers_error_clear(&e);
    report("c_serialize_should_refuse_nan_infinity_and_values_out_of_range", checks);
}

/* Every size from 0 to the text's length and one more: too small is false,
 * _ERR_SPACE, the length needed and "" (size > 0); a buffer exactly as
 * large as it (malloc'd to that size: ASan sees any byte beyond) holds it. */
static int buffer_sizes(const char *label, int (*ser_fn)(const void *, char *, size_t, size_t *, numbers_error *), const void *r,
                        const char *want)
{
    size_t n = strlen(want);
    int checks = 0;
    for (size_t size = 0; size <= n + 1; size++, checks++) {
        char *buf = size ? malloc(size) : NULL;
        if (size)
            memset(buf, 'x', size);
        size_t len = 12345;
        numbers_error e = {0};
        int ok = ser_fn(r, buf, size, &len, &e);
        if (size <= n) {
            if (ok || e.kind != NUMBERS_ERR_SPACE || len != n || (size && buf[0] != '\0'))
                bad("%s size %zu of %zu: ok %d, kind %s, len %zu", label, size, n, ok, numbers_error_kind_name(e.kind), len);
        } else if (!ok || e.kind != NUMBERS_OK || len != n || memcmp(buf, want, n + 1) != 0)
            bad("%s size %zu: ok %d, kind %s, len %zu", label, size, ok, numbers_error_kind_name(e.kind), len);
        numbers_error_clear(&e);
        free(buf);
    }
    return checks;
}

static int rec_ser(const void *r, char *buf, size_t size, size_t *len, numbers_error *e)
{
    return numbers_Numbers_serialize(r, buf, size, len, e);
}

static int msg_ser(const void *r, char *buf, size_t size, size_t *len, numbers_error *e)
{
    return numbers_message_serialize(NUMBERS_MESSAGE_NUMBERS, r, buf, size, len, e);
}

static void buffers(void)
{
    numbers_Numbers r = {0};
    double list[] = {5e-324, 1e21, -0.0, 0.1};
    r.d = 0.1;
    r.has_d = true;
    r.i = INT64_MIN;
    r.has_i = true;
    r.s = "h\xc3\xa9llo \"w\"\n";
    r.has_s = true;
    r.l = list;
    r.l_count = 4;
    r.has_l = true;
    r.k = NUMBERS_KIND_LARGE;
    r.has_k = true;
    r.any = cJSON_Parse("{\"a\":[1,2.5,null,true,\"x\"],\"b\":{}}");
    r.has_any = true;
    r.extra_json = cJSON_Parse("{\"zz\":[false]}");
    const char *want = "{\"d\":0.1,\"i\":-9223372036854775808,\"s\":\"h\xc3\xa9llo \\\"w\\\"\\n\",\"l\":[5e-324,1e+21,-0,0.1],"
                       "\"k\":\"large\",\"any\":{\"a\":[1,2.5,null,true,\"x\"],\"b\":{}},\"zz\":[false]}";
    char *t = ser(&r);
    int checks = 1;
    if (!t || strcmp(t, want) != 0)
        bad("whole record: %s", t ? t : "NULL");
    cJSON_free(t);
    checks += buffer_sizes("T_serialize", rec_ser, &r, want);
    checks += buffer_sizes("message_serialize", msg_ser, &r, want);
    /* len and err may be NULL */
    char small[4];
    checks++;
    if (numbers_Numbers_serialize(&r, small, sizeof small, NULL, NULL) || small[0])
        bad("NULL len and err: not refused or not emptied");
    char *m = numbers_message_serialize_alloc(NUMBERS_MESSAGE_NUMBERS, &r, NULL, NULL), *p = numbers_Numbers_print(&r);
    checks++;
    if (!m || !p || strcmp(m, want) != 0 || strcmp(p, want) != 0)
        bad("message_serialize_alloc / T_print: %s / %s", m ? m : "NULL", p ? p : "NULL");
    cJSON_free(m);
    cJSON_free(p);
    /* longer than the first block of _alloc (1024 bytes): the heap path */
    double many[600];
    for (int i = 0; i < 600; i++)
        many[i] = i * 0.25;
    r.l = many;
    r.l_count = 600;
    r.has_i = false; /* the printed tree rounds int64 through a double */
    char *big = numbers_Numbers_serialize_alloc(&r, NULL, NULL), *bigold = old_print(&r);
    checks++;
    if (!big || !bigold || strcmp(big, bigold) != 0)
        bad("a long text differs from the printed tree: %.80s... / %.80s...", big ? big : "NULL", bigold ? bigold : "NULL");
    cJSON_free(big);
    cJSON_free(bigold);
    cJSON_Delete(r.any);
    cJSON_Delete(r.extra_json);
    report("c_serialize_should_keep_the_buffer_contract_at_every_size", checks);
}

int main(void)
{
    setlocale(LC_ALL, "C");
    char **texts = calloc(2000, sizeof *texts);
    double *vals = calloc(2000, sizeof *vals);
    if (!texts || !vals)
        return 2;
    doubles("c_serialize_should_write_doubles_shortest_and_exact", texts, vals);
    integers();
    strings();
    not_json();
    buffers();
    in_comma_locale(texts, vals);
    for (int i = 0; i < 2000; i++)
        cJSON_free(texts[i]);
    free(texts);
    free(vals);
    numbers_runtime_thread_cleanup();
    return 0;
}
