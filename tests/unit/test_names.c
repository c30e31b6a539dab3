/* test_names.c - word splitting, casings, reserved words. */
#include "../../generator/names.c"
#include "../../generator/buf.c"
#include "unit.h"

static char got[5][128];

static void casings(const char *raw)
{
    mg_name n;
    mg_name_init(&n, raw);
    for (int c = 0; c < 5; c++)
        snprintf(got[c], sizeof got[c], "%s", n.s[c]);
    mg_name_fini(&n);
}

static void names_should_split_camel_case(void)
{
    casings("fileDownloadRequest");
    CHECK_STR(got[MG_CASE_SNAKE], "file_download_request");
    CHECK_STR(got[MG_CASE_CAMEL], "fileDownloadRequest");
    CHECK_STR(got[MG_CASE_PASCAL], "FileDownloadRequest");
    CHECK_STR(got[MG_CASE_SCREAMING], "FILE_DOWNLOAD_REQUEST");
    CHECK_STR(got[MG_CASE_KEBAB], "file-download-request");
}

static void names_should_split_kebab_snake_and_spaces_alike(void)
{
    const char *inputs[] = {"file-download-request", "file_download_request", "File Download Request",
                            "FILE_DOWNLOAD_REQUEST", "file.download/request", "  file--download__request "};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        casings(inputs[i]);
        CHECK_STR(got[MG_CASE_PASCAL], "FileDownloadRequest");
        CHECK_STR(got[MG_CASE_SNAKE], "file_download_request");
    }
}

static void names_should_split_acronyms_and_keep_digits_with_the_word_before(void)
{
    casings("HTTPServer2Go");
    CHECK_STR(got[MG_CASE_SNAKE], "http_server2_go");
    CHECK_STR(got[MG_CASE_PASCAL], "HttpServer2Go");
    CHECK_STR(got[MG_CASE_CAMEL], "httpServer2Go");
    casings("getHTTPResponseCode");
    CHECK_STR(got[MG_CASE_SNAKE], "get_http_response_code");
    casings("userID");
    CHECK_STR(got[MG_CASE_SNAKE], "user_id");
    casings("v2");
    CHECK_STR(got[MG_CASE_SNAKE], "v2");
}

static void names_should_prefix_identifiers_that_start_with_a_digit(void)
{
    casings("3dModel");
    CHECK_STR(got[MG_CASE_SNAKE], "_3d_model");
    CHECK_STR(got[MG_CASE_PASCAL], "_3dModel");
    CHECK_STR(got[MG_CASE_SCREAMING], "_3D_MODEL");
    CHECK_STR(got[MG_CASE_KEBAB], "3d-model");
}

static void names_should_fold_latin_letters_and_drop_other_non_ascii(void)
{
    casings("café crème");
    CHECK_STR(got[MG_CASE_SNAKE], "cafe_creme");
    casings("Müller Straße");
    CHECK_STR(got[MG_CASE_PASCAL], "MuellerStrasse");
    casings("size\xce\xbcm"); /* Greek mu separates */
    CHECK_STR(got[MG_CASE_SNAKE], "size_m");
    casings("bad\xff\xfe utf8");
    CHECK_STR(got[MG_CASE_SNAKE], "bad_utf8");
}

static void names_should_give_empty_casings_without_letters(void)
{
    mg_name n;
    mg_name_init(&n, "--+--");
    CHECK(mg_name_is_empty(&n));
    CHECK_STR(n.s[MG_CASE_RAW], "--+--");
    mg_name_fini(&n);
    mg_name_init(&n, "");
    CHECK(mg_name_is_empty(&n));
    mg_name_fini(&n);
}

static void names_should_parse_case_styles(void)
{
    mg_case c;
    CHECK_INT(mg_case_parse("snake", &c), 0);
    CHECK_INT(c, MG_CASE_SNAKE);
    CHECK_INT(mg_case_parse("screaming_snake", &c), 0);
    CHECK_INT(c, MG_CASE_SCREAMING);
    CHECK_INT(mg_case_parse("PascalCase", &c), 0);
    CHECK_INT(c, MG_CASE_PASCAL);
    CHECK_INT(mg_case_parse("title", &c), -1);
    CHECK_STR(mg_case_key(MG_CASE_KEBAB), "kebab");
}

static void names_should_match_reserved_words_case_sensitively(void)
{
    cJSON *r = cJSON_Parse("[\"class\", \"from\", \"None\"]");
    CHECK(mg_names_is_reserved(r, "class"));
    CHECK(mg_names_is_reserved(r, "None"));
    CHECK(!mg_names_is_reserved(r, "none"));
    CHECK(!mg_names_is_reserved(r, "klass"));
    CHECK(!mg_names_is_reserved(NULL, "class"));
    cJSON_Delete(r);
}

static void names_should_compute_single_casings_like_the_full_name(void)
{
    char *s = mg_name_case_new("EtsyAnalyticsSyncCompleted results item", MG_CASE_PASCAL);
    CHECK_STR(s, "EtsyAnalyticsSyncCompletedResultsItem");
    free(s);
    s = mg_name_case_new("keep As-is", MG_CASE_RAW);
    CHECK_STR(s, "keep As-is");
    free(s);
}

/* mg_name_init_with: the casings mg_name_init gives, in one block from the
 * caller's allocator, sized to the byte (the block is filled with 'x' first,
 * so a missing terminator or a casing written past its room shows). */
static size_t block_size;
static void *block_alloc(void *ctx, size_t size)
{
    (void)ctx;
    block_size = size;
    char *p = malloc(size);
    memset(p, 'x', size);
    return p;
}

static void names_should_give_the_same_casings_in_one_block(void)
{
    const char *raws[] = {"fileDownloadRequest", "3dModel HTTPServer2Go", "", "+", "Müller straße Œuvre",
                          "EtsyAnalyticsSyncCompleted results item", "a\xff\xc3" "b"};
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        mg_name a, b;
        mg_name_init(&a, raws[i]);
        mg_name_init_with(&b, raws[i], block_alloc, NULL);
        for (int c = 0; c < MG_CASE_COUNT; c++) {
            CHECK_STR(b.s[c], a.s[c]);
            CHECK(b.s[c] >= b.s[0] && b.s[c] + strlen(b.s[c]) < b.s[0] + block_size);
        }
        mg_name_fini(&a);
        free(b.s[0]);
    }
}

/* split_into's one pass over ASCII against split_folded (fold, then split),
 * on every string of up to five bytes over an alphabet with each byte class
 * and an acronym's shapes, and on longer ones from a fixed generator; and a
 * name with a UTF-8 letter after ASCII text, which split_into hands over. */
static int split_agree(const char *raw, int report)
{
    char a[2 * 64 + 2], b[2 * 64 + 2];
    size_t n = strlen(raw), la = 0, lb = 0;
    int ca = split_into(a, &la, raw, n), cb = split_folded(b, &lb, raw, n);
    if (ca == cb && la == lb && memcmp(a, b, la) == 0)
        return 1;
    if (report)
        unit_note("# split of '%s' differs\n", raw);
    return 0;
}

static void names_should_split_ascii_in_one_pass_as_after_folding(void)
{
    static const char alpha[] = "aZB9_ .c";
    const size_t na = sizeof alpha - 1;
    char raw[64];
    int wrong = 0;
    size_t total = 0;
    for (size_t len = 0; len <= 5; len++) {
        size_t count = 1;
        for (size_t i = 0; i < len; i++)
            count *= na;
        for (size_t v = 0; v < count; v++, total++) {
            size_t x = v;
            for (size_t i = 0; i < len; i++, x /= na)
                raw[i] = alpha[x % na];
            raw[len] = '\0';
            wrong += !split_agree(raw, wrong < 8);
        }
    }
    unsigned seed = 12345;
    static const char wide[] = "abcxyzABCXYZ0189_-. /$@";
    for (int t = 0; t < 20000; t++, total++) {
        size_t len = 6 + (seed >> 16) % 50;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            raw[i] = wide[(seed >> 16) % (sizeof wide - 1)];
        }
        raw[len] = '\0';
        wrong += !split_agree(raw, wrong < 8);
    }
    CHECK_INT(wrong, 0);
    CHECK_INT(total, 57449);
    CHECK(split_agree("HTTPServer M\xc3\xbcllerID", 1));
    casings("HTTPServer M\xc3\xbcllerID");
    CHECK_STR(got[MG_CASE_SNAKE], "http_server_mueller_id");
}

int main(void)
{
    RUN(names_should_split_ascii_in_one_pass_as_after_folding);
    RUN(names_should_split_camel_case);
    RUN(names_should_split_kebab_snake_and_spaces_alike);
    RUN(names_should_split_acronyms_and_keep_digits_with_the_word_before);
    RUN(names_should_prefix_identifiers_that_start_with_a_digit);
    RUN(names_should_fold_latin_letters_and_drop_other_non_ascii);
    RUN(names_should_give_empty_casings_without_letters);
    RUN(names_should_parse_case_styles);
    RUN(names_should_match_reserved_words_case_sensitively);
    RUN(names_should_compute_single_casings_like_the_full_name);
    RUN(names_should_give_the_same_casings_in_one_block);
    return unit_done();
}
