/* test_names_join.c - the eight-bytes-at-a-time casings (map_words: snake,
 * kebab, screaming) against a byte-by-byte reference, for every length and
 * every mix of letters, digits and word breaks a word buffer can hold. */
#include "../../generator/names.c"

#include "unit.h"

/* The casing as join_into wrote it before, one byte at a time. */
static void reference(char *o, const char *w, size_t n, char sep, int upper)
{
    for (size_t k = 0; k < n; k++)
        o[k] = w[k] ? (upper ? to_upper(w[k]) : w[k]) : sep;
}

static uint32_t rng = 12345;

static char random_word_byte(void)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    rng = rng * 1103515245u + 12345u;
    unsigned r = (rng >> 16) % 48;
    return r < 36 ? set[r] : '\0'; /* a break one byte in four */
}

static void map_words_should_match_the_byte_loop_for_every_length(void)
{
    char w[80], got[80], want[80];
    const char seps[] = {'_', '-'};
    for (size_t n = 0; n < 70; n++)
        for (int round = 0; round < 200; round++) {
            for (size_t k = 0; k < n; k++)
                w[k] = random_word_byte();
            w[n] = '\0';
            for (int s = 0; s < 2; s++)
                for (int upper = 0; upper < 2; upper++) {
                    memset(got, '#', sizeof got);
                    memset(want, '#', sizeof want);
                    map_words(got, w, n, seps[s], upper);
                    reference(want, w, n, seps[s], upper);
                    if (memcmp(got, want, sizeof got) != 0) {
                        unit_failed_checks++;
                        unit_note("# n=%zu sep=%c upper=%d: got %.*s want %.*s\n", n, seps[s], upper, (int)n,
                                  got, (int)n, want);
                        return;
                    }
                }
        }
}

static void names_should_keep_every_casing_of_long_names(void)
{
    mg_name n;
    mg_name_init(&n, "msg0001 payload shippingAddress geoPoint 3dModel");
    CHECK_STR(n.s[MG_CASE_SNAKE], "msg0001_payload_shipping_address_geo_point_3d_model");
    CHECK_STR(n.s[MG_CASE_KEBAB], "msg0001-payload-shipping-address-geo-point-3d-model");
    CHECK_STR(n.s[MG_CASE_SCREAMING], "MSG0001_PAYLOAD_SHIPPING_ADDRESS_GEO_POINT_3D_MODEL");
    CHECK_STR(n.s[MG_CASE_PASCAL], "Msg0001PayloadShippingAddressGeoPoint3dModel");
    mg_name_fini(&n);
    mg_name_init(&n, "9lives zz");
    CHECK_STR(n.s[MG_CASE_SNAKE], "_9lives_zz");
    CHECK_STR(n.s[MG_CASE_KEBAB], "9lives-zz");
    CHECK_STR(n.s[MG_CASE_SCREAMING], "_9LIVES_ZZ");
    mg_name_fini(&n);
}

static void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return mg_xmalloc(size);
}

/* A hoisted name made from its parent's casings is the name made from the
 * whole hint, for parents and suffixes with digits first, runs of capitals,
 * folded letters, separators and single letters. */
static void joined_names_should_equal_names_made_from_the_whole_hint(void)
{
    static const char *const parents[] = {"HTTPServer", "3dModel", "msg0001 payload", "\xc3\x9c" "ber Gr\xc3\xb6\xc3\x9f" "e",
                                          "a", "already_snake_case", "X-Request-ID", "v2Beta"};
    static const char *const suffixes[] = {"HTTPServer", "3d", "x", "ID", "M\xc3\xbc" "ller", "already_snake",
                                           "item", "value2", "kebab-case-key", "getHTTPResponseCode", "\xc3\x86" "on"};
    for (size_t i = 0; i < sizeof parents / sizeof parents[0]; i++)
        for (size_t j = 0; j < sizeof suffixes / sizeof suffixes[0]; j++) {
            mg_name parent, want, got;
            mg_name_init(&parent, parents[i]);
            char hint[256];
            snprintf(hint, sizeof hint, "%s %s", parent.s[MG_CASE_SNAKE], suffixes[j]);
            mg_name_init(&want, hint);
            if (mg_name_init_joined(&got, hint, &parent, suffixes[j], heap_alloc, NULL) != 0) {
                unit_failed_checks++;
                unit_note("# %s + %s: not joined\n", parents[i], suffixes[j]);
            } else {
                for (int c = 0; c < MG_CASE_COUNT; c++)
                    if (strcmp(got.s[c], want.s[c]) != 0) {
                        unit_failed_checks++;
                        unit_note("# %s + %s, %s: got %s want %s\n", parents[i], suffixes[j], mg_case_key((mg_case)c),
                                  got.s[c], want.s[c]);
                    }
                free(got.s[0]); /* one block, starting with the first casing */
            }
            mg_name_fini(&want);
            mg_name_fini(&parent);
        }
    /* No words in the suffix, or none in the parent: not joined. */
    mg_name parent, got;
    mg_name_init(&parent, "Order");
    CHECK(mg_name_init_joined(&got, "order $", &parent, "$", heap_alloc, NULL) == -1);
    mg_name_fini(&parent);
    mg_name_init(&parent, "--");
    CHECK(mg_name_init_joined(&got, " item", &parent, "item", heap_alloc, NULL) == -1);
    mg_name_fini(&parent);
}

int main(void)
{
    RUN(map_words_should_match_the_byte_loop_for_every_length);
    RUN(names_should_keep_every_casing_of_long_names);
    RUN(joined_names_should_equal_names_made_from_the_whole_hint);
    return unit_done();
}
