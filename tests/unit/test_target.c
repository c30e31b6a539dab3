/* test_target.c - loading target folders, partial lookup and overrides, and
 * rendering per item (run.c). */
#include "../../generator/target.c"
#include "../../generator/run.c"
#include "testfs.h"
#include "unit.h"

static char root[256];

static const char *in_root(const char *rel)
{
    static char p[2][512];
    static int k;
    k ^= 1;
    snprintf(p[k], sizeof p[k], "%s/%s", root, rel);
    return p[k];
}

static void put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    testfs_write(p, text);
}

static void setup(void)
{
    testfs_mkroot(root, sizeof root, "mg-target");
}

static void teardown(void)
{
    testfs_rm_rf(root);
}

static mg_target *load_t(const char *rel, const char *override_rel, mg_diag *d)
{
    errs_reset();
    mg_diag_init_sink(d, errs_capture, NULL);
    return mg_target_load_override(in_root(rel), override_rel ? in_root(override_rel) : NULL, d);
}

/* Renders file `i` of `t` with `view` and returns the single output's bytes. */
static char *render_all(mg_target *t, const char *view_json, mg_emit_set *set)
{
    cJSON *view = cJSON_Parse(view_json);
    mg_diag d;
    errs_reset();
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_emit_set_init(set);
    int rc = mg_run_render_target(t, view, NULL, set, &d);
    cJSON_Delete(view);
    if (rc != 0)
        return NULL;
    mg_buf b;
    mg_buf_init(&b);
    for (size_t i = 0; i < set->n; i++)
        mg_buf_appendf(&b, "[%s]%.*s", set->files[i].path, (int)set->files[i].len, set->files[i].data);
    return mg_buf_steal(&b, NULL);
}

static void target_should_load_defaults_and_files(void)
{
    setup();
    put("t/target.yaml", "summary: S\nfiles:\n  - template: a.mustache\n    path: a.txt\n");
    put("t/a.mustache", "{{x}}\n");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    CHECK(t != NULL);
    if (t) {
        CHECK_STR(t->name, "t");
        CHECK_STR(t->summary, "S");
        CHECK_INT(mg_target_file_get(t, 0)->escape, MG_ESCAPE_AUTO);
        CHECK_INT(mg_target_nfiles(t), 1);
        CHECK_INT(mg_target_file_get(t, 0)->per, MG_PER_CATALOGUE);
        CHECK(mg_target_file_get(t, 1) == NULL);
        mg_emit_set set;
        /* No `escape`: by file name; a .txt file is plain text, where only
         * characters inert in any language are kept. */
        char *out = render_all(t, "{\"x\": \"<b>\"}", &set);
        CHECK_STR(out, "[a.txt]_b_\n");
        free(out);
        mg_emit_set_fini(&set);
    }
    mg_target_free(t);
    teardown();
}

static void target_should_report_every_problem_with_positions(void)
{
    setup();
    put("t/target.yaml", "escape: xml\nnaming:\n  field: snakey\nfiles:\n  - template: a.mustache\n"
                         "    path: '{{/x}}'\n    per: row\n");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    CHECK(t == NULL);
    CHECK(strstr(errs, "t/target.yaml:1:9: error: 'escape' must be") != NULL);
    CHECK(strstr(errs, "t/target.yaml:3:10: error: unknown naming style for 'field'") != NULL);
    CHECK(strstr(errs, "t/target.yaml:7:10: error: unknown 'per: row'") != NULL);
    CHECK_INT(d.errors, 3);
    teardown();
}

static void target_files_should_take_the_context_of_their_name_or_their_escape(void)
{
    setup();
    put("t/target.yaml", "escape: auto\nfiles:\n  - template: a.mustache\n    path: a.c\n"
                         "  - template: a.mustache\n    path: README.md\n"
                         "  - template: a.mustache\n    path: x.txt\n    escape: none\n");
    put("t/a.mustache", "{{x}}|{{&x}}\n");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    CHECK(t != NULL);
    if (t) {
        mg_emit_set set;
        char *out = render_all(t, "{\"x\": \"a\\\"*/<b>\"}", &set);
        CHECK_STR(out, "[a.c]a\\\"*\\057<b>|a\"*/<b>\n"
                       "[README.md]a&quot;&#42;/&lt;b&gt;|a\"*/<b>\n"
                       "[x.txt]a\"*/<b>|a\"*/<b>\n");
        free(out);
        mg_emit_set_fini(&set);
    }
    mg_target_free(t);
    teardown();
}

static void target_partials_should_prefer_the_override_folder(void)
{
    setup();
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: a.txt\n  - template: b.mustache\n    path: b.txt\n");
    put("t/a.mustache", "A {{>p}} {{>q}}\n");
    put("t/b.mustache", "B\n");
    put("t/partials/p.mustache", "shipped-p");
    put("t/q.mustache", "shipped-q");
    put("o/partials/p.mustache", "override-p");
    put("o/b.mustache", "{{<t/b}}{{/t/b}}+\n");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    mg_emit_set set;
    char *out = t ? render_all(t, "{}", &set) : NULL;
    CHECK_STR(out, "[a.txt]A shipped-p shipped-q\n[b.txt]B\n");
    free(out);
    if (t)
        mg_emit_set_fini(&set);
    mg_target_free(t);
    /* With the override: p is replaced; b extends the shipped b through "t/b". */
    t = load_t("t", "o", &d);
    out = t ? render_all(t, "{}", &set) : NULL;
    CHECK_STR(out, "[a.txt]A override-p shipped-q\n[b.txt]B\n+\n");
    free(out);
    if (t)
        mg_emit_set_fini(&set);
    mg_target_free(t);
    teardown();
}

static void target_should_reject_unknown_partials_and_escaping_names(void)
{
    setup();
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: a.txt\n");
    put("t/a.mustache", "{{>../secret}}");
    put("secret.mustache", "leak");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    mg_emit_set set;
    char *out = t ? render_all(t, "{}", &set) : NULL;
    CHECK(out == NULL);
    CHECK(strstr(errs, "../secret") != NULL);
    free(out);
    if (t)
        mg_emit_set_fini(&set);
    mg_target_free(t);
    teardown();
}

static void render_should_put_the_item_over_the_root_view(void)
{
    setup();
    put("t/target.yaml", "files:\n  - template: m.mustache\n    path: '{{pkg}}/{{id}}.txt'\n    per: message\n"
                         "  - template: e.mustache\n    path: '{{id}}.enum'\n    per: enum\n");
    put("t/m.mustache", "{{id}} in {{pkg}} of {{#messages}}{{id}},{{/messages}}\n");
    put("t/e.mustache", "{{id}}\n");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    mg_emit_set set;
    /* No `enums` list: per enum takes the `types` of kind "enum". */
    char *out = t ? render_all(t, "{\"pkg\": \"p\", \"messages\": [{\"id\": \"m1\"}, {\"id\": \"m2\", \"pkg\": \"own\"}],"
                                  " \"types\": [{\"id\": \"T\", \"kind\": \"object\"}, {\"id\": \"E\", \"kind\": \"enum\"}]}",
                                  &set)
                      : NULL;
    CHECK_STR(out, "[p/m1.txt]m1 in p of m1,m2,\n[own/m2.txt]m2 in own of m1,m2,\n[E.enum]E\n");
    CHECK(strstr(set.files[0].origin, "/t/m.mustache for message #1") != NULL);
    free(out);
    if (t)
        mg_emit_set_fini(&set);
    mg_target_free(t);
    teardown();
}

static void targets_should_be_listed_sorted_from_msggen_templates(void)
{
    setup();
    put("b/target.yaml", "files: []\n");
    put("a/target.yaml", "files: []\n");
    put("c/readme", "not a target\n");
    setenv("MSGGEN_TEMPLATES", root, 1);
    mg_diag d;
    mg_diag_init_sink(&d, errs_capture, NULL);
    char **names = mg_target_names_new(&d);
    CHECK(names && names[0] && names[1] && !names[2]);
    if (names && names[0] && names[1]) {
        CHECK_STR(names[0], "a");
        CHECK_STR(names[1], "b");
    }
    mg_target_names_free(names);
    /* A shipped target by name; its `files: []` is an error. */
    errs_reset();
    mg_target *t = mg_target_load("a", &d);
    CHECK(t == NULL);
    CHECK(strstr(errs, "a/target.yaml:1:8: error: 'files' must be a non-empty list") != NULL);
    unsetenv("MSGGEN_TEMPLATES");
    teardown();
}

static void release_should_free_templates_and_keep_what_emit_reads(void)
{
    setup();
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: \"{{x}}.txt\"\n");
    put("t/a.mustache", "{{x}}{{>p}}\n");
    put("t/partials/p.mustache", "!");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    CHECK(t != NULL);
    if (!t) {
        teardown();
        return;
    }
    CHECK(mg_target_names(t) != NULL);
    CHECK(mg_target_mentions(t, "x"));
    mg_emit_set set;
    char *out = render_all(t, "{\"x\": \"a\"}", &set);
    CHECK_STR(out, "[a.txt]a!\n");
    free(out);
    mg_target_release_templates(t);
    CHECK(mg_target_file_get(t, 0)->tpl == NULL);
    /* The rendered files keep their paths, origins and positions. */
    CHECK_STR(set.files[0].path, "a.txt");
    CHECK(set.files[0].origin && strstr(set.files[0].origin, "a.mustache") != NULL);
    CHECK(set.files[0].pointer != NULL);
    /* Asked again, the names and texts are read again. */
    CHECK(mg_target_mentions(t, "x"));
    CHECK(mg_target_names(t) && mg_hmap_get_str(mg_target_names(t), "x"));
    mg_emit_set_fini(&set);
    mg_target_free(t);
    teardown();
}

/* find_word (mg_target_mentions' search) against a plain scan of every
 * position, on words at the start, the end, overlapping their own prefix,
 * with repeated bytes, across a NUL between files, and absent. */
static void mentions_should_find_a_word_wherever_it_is(void)
{
    static const char text[] = "aab_generated_example\0http_pathx aaab ab_cd required_fields";
    size_t n = sizeof text - 1;
    static const struct {
        const char *w;
        size_t len;
    } words[] = {{"aab", 3}, {"generated_example", 17}, {"http_path", 9}, {"pathx", 5}, {"aaab", 4},
                 {"required_fields", 15}, {"fields", 6}, {"s", 1}, {"a", 1}, {"ab_c", 4}, {"b_cd r", 6},
                 {"example\0http", 12}, {"generated_headers_example", 25}, {"http_curl", 9},
                 {"aaaa", 4}, {"abab", 4}, {"fieldsx", 7}, {"x", 1}, {"quired_field", 12}, {"requi", 5}};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        int want = 0;
        for (size_t at = 0; at + words[i].len <= n && !want; at++)
            want = memcmp(text + at, words[i].w, words[i].len) == 0;
        CHECK(find_word(text, n, words[i].w, words[i].len) == want);
    }
    CHECK(find_word(text, n, "generated_example", 17));
    CHECK(!find_word(text, n, "http_curl", 9));
    CHECK(!find_word("ab", 2, "abc", 3));
    CHECK(find_word("abc", 3, "abc", 3));
}

/* Mustache strings of target.yaml (output paths, type-map entries) are
 * checked; one without "{{" is plain text, whatever else it holds. */
static void target_should_check_only_mustache_strings_that_open_a_tag(void)
{
    setup();
    put("t/a.mustache", "x\n");
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: 'x}}/a.txt'\n"
                         "  - template: a.mustache\n    path: '{{#a}}.txt'\n"
                         "types:\n  string: 'int32_t'\n  integer: '{{^x}}'\n");
    mg_diag d;
    mg_target *t = load_t("t", NULL, &d);
    CHECK(t == NULL);
    CHECK(strstr(errs, "t/target.yaml:5:11: error: output path '{{#a}}.txt' is not a valid mustache template: end of template inside section 'a' opened at 1:1 (add '{{/a}}')") != NULL);
    CHECK(strstr(errs, "t/target.yaml:8:12: error: ") != NULL && strstr(errs, "'{{^x}}' is not a valid mustache template") != NULL);
    CHECK_INT(d.errors, 2);
    mg_target_free(t);
    teardown();
}

int main(void)
{
    RUN(target_should_load_defaults_and_files);
    RUN(target_should_report_every_problem_with_positions);
    RUN(target_files_should_take_the_context_of_their_name_or_their_escape);
    RUN(target_partials_should_prefer_the_override_folder);
    RUN(target_should_reject_unknown_partials_and_escaping_names);
    RUN(render_should_put_the_item_over_the_root_view);
    RUN(targets_should_be_listed_sorted_from_msggen_templates);
    RUN(release_should_free_templates_and_keep_what_emit_reads);
    RUN(mentions_should_find_a_word_wherever_it_is);
    RUN(target_should_check_only_mustache_strings_that_open_a_tag);
    return unit_done();
}
