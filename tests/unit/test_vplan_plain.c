/* test_vplan_plain.c - whether a converted function's literals, all
 * written as they are by the converted functions' context, read the same in
 * another code context (vplan.c canon_plain_in, which lets a lazy target
 * with other literals refer to the converted function instead of a copy) is
 * read from the function's "lit\0raw\0" pairs and the few bytes only the
 * first context writes as they are (plain_extra) as it was from a second
 * text of its raw literals one after the other, single quotes left out
 * (escaping is byte by byte where nothing is replaced).
 *   - hand-made pairs, after C: a literal plain in C but not in HTML,
 *     second of three; a `$`, which TypeScript escapes and Python does not;
 *     single quotes, which every context writes as they are; none;
 *   - every converted function of every catalogue of tests/catalogues and
 *     the flagship one whose literals C writes as they are, in every escape
 *     context, agrees with that text. */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "view.h"
#include "catalogues.h"

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

static int escapes_none(void *arg, const char *key)
{
    (void)arg;
    (void)key;
    return 0;
}

/* The reference: every raw text, single quotes left out, one after the
 * other, plain in `e` as a whole. */
static int plain_by_text(const fn_copies *fl, mg_escape e)
{
    mg_buf cat;
    mg_buf_init(&cat);
    const char *p = fl->canon, *end = fl->canon ? fl->canon + fl->canon_len : NULL;
    while (p && p < end) {
        const char *raw = p + strlen(p) + 1;
        for (const char *q = raw; *q; q++)
            if (*q != '\'')
                mg_buf_putc(&cat, *q);
        p = raw + strlen(raw) + 1;
    }
    int plain = mg_escape_is_plain(e, cat.data ? cat.data : "", cat.len);
    mg_buf_fini(&cat);
    return plain;
}

static const mg_escape contexts[] = {MG_ESCAPE_HTML,   MG_ESCAPE_NONE,  MG_ESCAPE_C,        MG_ESCAPE_PYTHON,
                                     MG_ESCAPE_TS,     MG_ESCAPE_JSON,  MG_ESCAPE_TOML,     MG_ESCAPE_MAKEFILE,
                                     MG_ESCAPE_PKGCONFIG, MG_ESCAPE_SHELL, MG_ESCAPE_MARKDOWN, MG_ESCAPE_TEXT};
#define NCONTEXTS (sizeof contexts / sizeof *contexts)

static fn_copies pairs(const char *text, size_t len)
{
    fn_copies fl;
    memset(&fl, 0, sizeof fl);
    fl.canon = (char *)(uintptr_t)text;
    fl.canon_len = len;
    return fl;
}

/* canon_plain_in of `fl` in context `e`, for functions converted for C. */
static int plain_after_c(const fn_copies *fl, mg_escape e)
{
    char extra[256];
    plain_extra(MG_ESCAPE_C, e, extra);
    return canon_plain_in(fl, extra);
}

static void literals_should_be_plain_only_where_every_raw_text_is(void)
{
    static const char three[] = "\"ab\"\0ab\0\"a<b\"\0a<b\0\"c\"\0c";
    fn_copies fl = pairs(three, sizeof three);
    CHECK(plain_after_c(&fl, MG_ESCAPE_C) == 1);
    CHECK(plain_after_c(&fl, MG_ESCAPE_HTML) == 0);
    CHECK(plain_after_c(&fl, MG_ESCAPE_HTML) == plain_by_text(&fl, MG_ESCAPE_HTML));
    static const char dollar[] = "\"a\"\0a\0\"$b\"\0$b";
    fl = pairs(dollar, sizeof dollar);
    CHECK(plain_after_c(&fl, MG_ESCAPE_PYTHON) == 1);
    CHECK(plain_after_c(&fl, MG_ESCAPE_TS) == plain_by_text(&fl, MG_ESCAPE_TS));
    CHECK(plain_after_c(&fl, MG_ESCAPE_TS) == 0);
    static const char quoted[] = "\"it's\"\0it's\0\"\"\0";
    fl = pairs(quoted, sizeof quoted);
    CHECK(plain_after_c(&fl, MG_ESCAPE_C) == 1);
    CHECK(plain_after_c(&fl, MG_ESCAPE_HTML) == plain_by_text(&fl, MG_ESCAPE_HTML));
    fl = pairs(NULL, 0);
    CHECK(plain_after_c(&fl, MG_ESCAPE_HTML) == 1);
}

static size_t models, checked, differ, not_plain;

static void check_file(const char *path)
{
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (m) {
        cJSON *v = mg_view_build(m, NULL, &d);
        CHECK(v != NULL);
        mg_vplan_raw *raw = NULL;
        cJSON *p = mg_vplan_build_shared(m, cJSON_GetObjectItemCaseSensitive(v, "types"), NULL, &raw, escapes_none,
                                         NULL, NULL, NULL, &d);
        CHECK(p != NULL && raw != NULL && raw->converted && raw->canon_literal == MG_ESCAPE_C);
        for (size_t k = 0; raw && k < raw->ncopies; k++)
            for (size_t i = 0; raw->copies[k].canon_plain && i < NCONTEXTS; i++) {
                int got = plain_after_c(&raw->copies[k], contexts[i]);
                int want = plain_by_text(&raw->copies[k], contexts[i]);
                checked++;
                not_plain += !got;
                if (got != want) {
                    if (!differ++)
                        unit_note("#   %s: function %zu, context %d: %d, want %d\n", path, k, (int)contexts[i], got,
                                  want);
                }
            }
        cJSON_Delete(p);
        cJSON_Delete(v);
        mg_vplan_raw_free(raw);
        models++;
    }
    mg_model_free(m);
    if (set)
        mg_docset_free(set);
}

static void every_function_should_agree_with_its_raw_texts(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(check_file);
    printf("# %zu catalogues, %zu (function, context) pairs, %zu not plain, %zu differ\n", models, checked, not_plain,
           differ);
    /* A walk that found nothing must not pass. */
    CHECK(models >= 30);
    CHECK(not_plain > 100);
    CHECK(differ == 0);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(literals_should_be_plain_only_where_every_raw_text_is);
    RUN(every_function_should_agree_with_its_raw_texts);
    return unit_done();
}
