/* test_tpl_names.c - the names a template reads (mg_tpl_names), the names a
 * target's templates read (mg_target_names), and views pruned to them
 * (mg_view_cache_prune). */
#include "../../generator/view.c"
#include "testfs.h"
#include "unit.h"
#include "view_fixture.h"
#include "run.h"

static mg_buf got;

static void collect(void *user, const char *name, size_t len)
{
    mg_buf *b = user;
    if (b->len)
        mg_buf_putc(b, ' ');
    mg_buf_appendf(b, "%.*s", (int)len, name);
}

/* The names of template `src`, space-separated, in template order; those of
 * its text (mg_tpl_names_text) must be the same for a template that compiles. */
static const char *names(const char *src)
{
    mg_diag d;
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_buf_reset(&got);
    mg_tpl *t = mg_tpl_parse("t", src, strlen(src), &d);
    if (!t)
        return "(parse error)";
    mg_tpl_names(t, collect, &got);
    mg_tpl_free(t);
    mg_buf text;
    mg_buf_init(&text);
    CHECK_INT(mg_tpl_names_text(src, strlen(src), collect, &text), 0);
    CHECK_STR(mg_buf_cstr(&text), mg_buf_cstr(&got));
    mg_buf_fini(&text);
    return mg_buf_cstr(&got);
}

/* The names of text that does not compile, or "(unknown)". */
static const char *text_names(const char *src)
{
    mg_buf_reset(&got);
    if (mg_tpl_names_text(src, strlen(src), collect, &got) < 0)
        return "(unknown)";
    return mg_buf_cstr(&got);
}

static void tpl_names_text_should_read_tags_of_text_that_does_not_compile(void)
{
    CHECK_STR(text_names("{{#open}}{{a.b}} never closed"), "open a b");
    CHECK_STR(text_names("{{#x}}{{/y}}{{z}}"), "x z");
    CHECK_STR(text_names("{{unclosed"), "(unknown)");
    CHECK_STR(text_names("{{bad name}}"), "(unknown)");
    CHECK_STR(text_names("{{=<% =}}"), "(unknown)");
}

static void tpl_names_should_list_every_part_of_variables_and_sections(void)
{
    CHECK_STR(names("{{a}}{{#b.c}}{{^d}}{{{e}}}{{&f.g.h}}{{/d}}{{/b.c}}"), "a b c d e f g h");
    CHECK_STR(names("{{#list}}{{.}}{{/list}}"), "list");
    CHECK_STR(names("text only {{! a comment names nothing }}"), "");
    CHECK_STR(names("{{x}} {{x}}"), "x x");
}

static void tpl_names_should_follow_set_delimiters(void)
{
    CHECK_STR(names("{{=<% %>=}}<% a.b %>{{c}}<%={{ }}=%>{{d}}"), "a b d");
}

static void tpl_names_should_list_dynamic_partial_names_but_not_partial_or_block_names(void)
{
    CHECK_STR(names("{{>row}}{{>*kind.name}}"), "kind name");
    CHECK_STR(names("{{<parent}}{{$doc}}{{summary}}{{/doc}}{{/parent}}"), "summary");
    CHECK_STR(names("{{$doc}}{{#deprecated}}old{{/deprecated}}{{/doc}}"), "deprecated");
}

/* Whether template `src` gives all its text's names once compiled. */
static int complete(const char *src)
{
    mg_diag d;
    mg_diag_init_sink(&d, errs_capture, NULL);
    mg_tpl *t = mg_tpl_parse("t", src, strlen(src), &d);
    CHECK(t != NULL);
    int c = t ? mg_tpl_names_complete(t) : -1;
    mg_tpl_free(t);
    return c;
}

static void tpl_names_should_be_complete_unless_a_parent_tag_drops_content(void)
{
    CHECK_INT(complete("{{a}}{{#b}}{{c}}{{/b}}{{>p}}{{$blk}}{{d}}{{/blk}}"), 1);
    CHECK_INT(complete("{{=<% %>=}}<% a %><%={{ }}=%>{{b}}"), 1); /* delimiters alone */
    CHECK_INT(complete("{{<base}}{{/base}}"), 0);
    CHECK_INT(complete("x\n  {{#s}}\n{{<base}}{{$b}}{{/b}}{{/base}}{{/s}}"), 0);
    CHECK_INT(complete("{{=<% %>=}}<%<base%><%/base%>"), 0);
    CHECK_INT(complete("{{<*dyn}}{{/*dyn}}"), 0);
}

static char root[256];

static void put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    testfs_write(p, text);
}

static int has(const mg_hmap *h, const char *name)
{
    return h && mg_hmap_get_str(h, name) != NULL;
}

static mg_target *load_root(const char *sub, mg_diag *d)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, sub);
    errs_reset();
    mg_diag_init_sink(d, errs_capture, NULL);
    return mg_target_load(p, d);
}

static void target_names_should_cover_files_paths_partials_and_type_maps(void)
{
    testfs_mkroot(root, sizeof root, "mg-names");
    put("t/target.yaml", "files:\n  - template: a.tpl\n    path: \"{{name.file_name}}.txt\"\n    per: message\n"
                         "types:\n  string: \"{{string_type}}\"\n");
    put("t/a.tpl", "{{#fields}}{{>row}}{{/fields}}{{axb}}{{ayb}}{{axb}}{{ab}}{{ayb}}{{>*a.b}}");
    put("t/partials/row.mustache", "{{field_key}}");
    put("t/partials/deep/unused.mustache", "{{only_in_an_unused_partial}}");
    mg_diag d;
    mg_target *t = load_root("t", &d);
    CHECK(t != NULL);
    const mg_hmap *h = t ? mg_target_names(t) : NULL;
    CHECK(h != NULL);
    CHECK(has(h, "fields"));                     /* a file's template (not a .mustache) */
    CHECK(has(h, "field_key"));                  /* a partial */
    CHECK(has(h, "only_in_an_unused_partial"));  /* any file a dynamic name could reach */
    CHECK(has(h, "name") && has(h, "file_name")); /* the output path */
    CHECK(has(h, "string_type"));                /* the type map */
    CHECK(has(h, "axb") && has(h, "ayb") && has(h, "ab") && has(h, "a") && has(h, "b")); /* alike names, all kept */
    CHECK(!has(h, "row") && !has(h, "description"));
    CHECK(t == NULL || mg_target_names(t) == h); /* gathered once */
    mg_target_free(t);
    testfs_rm_rf(root);
}

/* A file's compiled template keeps only the blocks of a parent tag, so its
 * names (mg_tpl_names) lack what the parent's other content names; the
 * folder walk must still read that file's text (it is tokenized again only
 * when it has a parent or set-delimiter tag). */
static void target_names_should_cover_a_parents_other_content(void)
{
    testfs_mkroot(root, sizeof root, "mg-names");
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: a.txt\n"
                         "  - template: b.mustache\n    path: b.txt\n"
                         "  - template: c.mustache\n    path: c.txt\n");
    put("t/a.mustache", "{{in_a}}{{<base}}{{outside_any_block}}{{$blk}}{{in_block}}{{/blk}}{{/base}}");
    put("t/b.mustache", "{{=<% %>=}}<%<base%><%after_new_delims%><%/base%>");
    put("t/c.mustache", "{{in_c}}");
    put("t/partials/base.mustache", "{{$blk}}{{in_base}}{{/blk}}");
    mg_diag d;
    mg_target *t = load_root("t", &d);
    CHECK(t != NULL);
    const mg_hmap *h = t ? mg_target_names(t) : NULL;
    CHECK(h != NULL);
    CHECK(has(h, "in_a") && has(h, "in_block") && has(h, "in_c") && has(h, "in_base"));
    CHECK(has(h, "outside_any_block"));
    CHECK(has(h, "after_new_delims"));
    mg_target_free(t);
    testfs_rm_rf(root);
}

static void target_names_should_be_unknown_when_a_template_tag_does_not_read(void)
{
    testfs_mkroot(root, sizeof root, "mg-names");
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: a.txt\n");
    put("t/a.mustache", "{{name}}");
    put("t/partials/broken.mustache", "{{open tag never closed");
    mg_diag d;
    mg_target *t = load_root("t", &d);
    CHECK(t != NULL);
    CHECK(t == NULL || mg_target_names(t) == NULL);
    mg_target_free(t);
    testfs_rm_rf(root);
}

/* The folder walk looks 8 folder levels deep (the target folder is level
 * 0): a deeper folder makes the names unknown, and its files are not
 * searched by mg_target_mentions. Both read the texts of one walk. */
static void target_names_should_be_unknown_below_eight_folder_levels(void)
{
    testfs_mkroot(root, sizeof root, "mg-names");
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: a.txt\n");
    put("t/a.mustache", "{{name}}");
    put("t/1/2/3/4/5/6/7/seven.mustache", "{{at_seven}}");
    mg_diag d;
    mg_target *t = load_root("t", &d);
    CHECK(t != NULL);
    const mg_hmap *h = t ? mg_target_names(t) : NULL;
    CHECK(has(h, "at_seven") && has(h, "name"));
    CHECK(t && mg_target_mentions(t, "at_seven") && !mg_target_mentions(t, "at_eight"));
    mg_target_free(t);
    put("t/1/2/3/4/5/6/7/8/eight.mustache", "{{at_eight}}");
    t = load_root("t", &d);
    CHECK(t != NULL);
    CHECK(t == NULL || mg_target_names(t) == NULL);
    CHECK(t && mg_target_mentions(t, "at_seven") && !mg_target_mentions(t, "at_eight"));
    CHECK(t && mg_target_mentions(t, "a.mustache")); /* target.yaml is searched too */
    mg_target_free(t);
    testfs_rm_rf(root);
}

static void target_names_should_be_unknown_for_a_target_made_in_memory(void)
{
    mg_target t;
    memset(&t, 0, sizeof t);
    CHECK(mg_target_names(&t) == NULL);
}

/* Renders target folder t/ (made by the caller) with view `json`. */
static int render_json(const char *json)
{
    mg_diag d;
    mg_target *t = load_root("t", &d);
    CHECK(t != NULL);
    if (!t)
        return -2;
    cJSON *view = cJSON_Parse(json);
    mg_emit_set set;
    mg_emit_set_init(&set);
    int rc = mg_run_render_target(t, view, NULL, &set, &d);
    mg_emit_set_fini(&set);
    cJSON_Delete(view);
    mg_target_free(t);
    return rc;
}

static void render_target_should_say_when_a_template_prints_a_container(void)
{
    testfs_mkroot(root, sizeof root, "mg-names");
    put("t/target.yaml", "files:\n  - template: a.mustache\n    path: a.txt\n");
    put("t/a.mustache", "{{#list}}{{{.}}} {{/list}}{{n}}");
    CHECK_INT(render_json("{\"list\": [\"s\", 1, true], \"n\": 2}"), 0);
    CHECK_INT(render_json("{\"list\": [{\"a\": 1}], \"n\": 2}"), 1); /* an object as JSON */
    CHECK_INT(render_json("{\"list\": [[1]], \"n\": 2}"), 1);       /* a list as JSON */
    CHECK_INT(render_json("{\"list\": [], \"n\": {}}"), 1);
    CHECK_INT(render_json("{\"list\": []}"), -1); /* no 'n': an error wins */
    testfs_rm_rf(root);
}

/* Deletes, everywhere, the members whose names are not in `keep`: what a
 * template reading only those names can see of a view. */
static void prune_all(cJSON *o, const mg_hmap *keep)
{
    for (cJSON *c = o->child, *next; c; c = next) {
        next = c->next;
        if (c->string && !mg_hmap_get_str(keep, c->string))
            cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
        else
            prune_all(c, keep);
    }
}

static void pruned_view_should_read_as_the_full_view_for_the_kept_names(void)
{
    fixture f;
    cJSON *full = view_of(&f, CAT "        type: object\n        required: [id]\n"
                                  "        properties:\n          id: {type: string, description: The key.}\n"
                                  "          tags: {type: array, items: {type: string}}\n",
                          "files:\n  - template: a.mustache\n    path: a.txt\n");
    CHECK(full != NULL);
    if (!full)
        return;
    mg_hmap keep;
    mg_hmap_init_str(&keep, sizeof(char *));
    static const char *const kept[] = {"types", "fields", "name", "snake", "is_array", "items", "is_string",
                                       "doc_lines", "catalogue", "title", "messages"};
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
        mg_hmap_put_str(&keep, kept[i], NULL);
    mg_view_cache *cache = mg_view_cache_new();
    mg_view_cache_prune(cache, &keep);
    cJSON *pruned = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    CHECK(pruned != NULL);
    if (pruned) {
        /* Unread members of fields and types are gone ... */
        const cJSON *field = at(pruned, "types/0/fields/1");
        CHECK(field && !cJSON_GetObjectItemCaseSensitive(field, "read_only"));
        CHECK(field && !cJSON_GetObjectItemCaseSensitive(field, "description_lines"));
        CHECK(!at(pruned, "types/0/has_fields"));
        /* ... those the view stage reads back itself stay ... */
        CHECK_STR(str_at(pruned, "types/0/fields/0/id"), str_at(full, "types/0/fields/0/id"));
        /* ... and for the kept names the two views are the same. */
        cJSON *a = cJSON_Duplicate(full, 1), *b = cJSON_Duplicate(pruned, 1);
        prune_all(a, &keep);
        prune_all(b, &keep);
        CHECK(cJSON_Compare(a, b, 1));
        CHECK(at(a, "types/0/fields/1/items/is_string") != NULL);
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
    cJSON_Delete(pruned);
    /* Without a keep set (or without a target) the cache builds full views. */
    mg_view_cache_prune(cache, NULL);
    cJSON *again = mg_view_build_cached(f.m, &f.t, cache, &f.d);
    CHECK(again && cJSON_Compare(again, full, 1));
    cJSON_Delete(again);
    mg_view_cache_free(cache);
    mg_hmap_fini(&keep);
    fixture_fini(&f, full);
}

/* The files of `set`, path and content, one after the other. */
static void files_of(const mg_emit_set *set, mg_buf *out)
{
    for (size_t i = 0; i < set->n; i++) {
        mg_buf_append(out, set->files[i].path, set->files[i].path_len);
        mg_buf_putc(out, '\n');
        mg_buf_append(out, set->files[i].data, set->files[i].len);
        mg_buf_putc(out, '\n');
    }
}

static void lazy_view_should_render_as_the_full_view_without_falling_back(void)
{
    testfs_mkroot(root, sizeof root, "mg-names");
    put("t/target.yaml",
        "helpers:\n"
        "  escapes:\n"
        "    md: {keys: [description, summary], pairs: [{from: '<', to: '&lt;'}]}\n"
        "files:\n"
        "  - template: all.mustache\n    path: all.txt\n"
        "  - template: one.mustache\n    path: \"{{name.snake}}.txt\"\n    per: message\n");
    /* Escaped members read at an item's top level, in lists, in shares
     * (objects, required_fields), through references (example) and up the
     * context stack (a field without a description finds its type's). */
    put("t/all.mustache", "{{&catalogue.description_md}}\n"
                          "{{#types}}{{&description_md}}:{{#fields}}[{{&description_md}}]{{/fields}}{{/types}}\n"
                          "{{#objects}}{{&description_md}}{{#required_fields}}({{&description_md}}){{/required_fields}}{{/objects}}\n");
    put("t/one.mustache", "{{&description_md}}|{{&example.summary_md}}|{{#fields}}{{&description_md}};{{/fields}}\n");
    fixture f;
    cJSON *unused = view_of(&f, "asyncapi: 3.0.0\ninfo: {title: T, version: '1', description: 'c <1>'}\n"
                                "components:\n  messages:\n    m:\n      description: 'm <2>'\n      payload:\n"
                                "        type: object\n        description: 't <3>'\n        required: [a]\n"
                                "        properties:\n          a: {type: string, description: 'a <4>'}\n"
                                "          b: {type: string}\n"
                                "      examples:\n        - {summary: 's <5>', payload: {a: x}}\n", NULL);
    CHECK(unused != NULL);
    mg_diag d;
    mg_target *t = load_root("t", &d);
    CHECK(t != NULL);
    if (!unused || !t) {
        unit_note("# %s", errs);
        mg_target_free(t);
        fixture_fini(&f, unused);
        testfs_rm_rf(root);
        return;
    }
    mg_view_cache *eager_cache = mg_view_cache_new(), *lazy_cache = mg_view_cache_new();
    mg_view_escapes *esc = NULL;
    mg_view_cache_escapes_lazy(lazy_cache, &esc);
    cJSON *eager = mg_view_build_cached(f.m, t, eager_cache, &d);
    cJSON *lazy = mg_view_build_cached(f.m, t, lazy_cache, &d);
    CHECK(eager != NULL && lazy != NULL && esc != NULL);
    mg_emit_set a, b;
    mg_emit_set_init(&a);
    mg_emit_set_init(&b);
    CHECK_INT(mg_run_render_target(t, eager, NULL, &a, &d), 0);
    /* Strict: a member the lazy view failed to make would be an error here
     * (and generate would then render the full view instead). */
    CHECK_INT(mg_run_render_target(t, lazy, esc, &b, &d), 0);
    CHECK_INT(d.errors, 0);
    mg_buf x, y;
    mg_buf_init(&x);
    mg_buf_init(&y);
    files_of(&a, &x);
    files_of(&b, &y);
    CHECK_STR(mg_buf_cstr(&y), mg_buf_cstr(&x));
    CHECK(strstr(mg_buf_cstr(&y), "\nm &lt;2>|s &lt;5>|a &lt;4>;;\n") != NULL);
    CHECK(strstr(mg_buf_cstr(&y), "\nt &lt;3>(a &lt;4>)\n") != NULL);
    mg_buf_fini(&x);
    mg_buf_fini(&y);
    mg_emit_set_fini(&a);
    mg_emit_set_fini(&b);
    mg_view_escapes_free(esc);
    cJSON_Delete(eager);
    cJSON_Delete(lazy);
    mg_view_cache_free(eager_cache);
    mg_view_cache_free(lazy_cache);
    mg_target_free(t);
    fixture_fini(&f, unused);
    testfs_rm_rf(root);
}

int main(void)
{
    mg_buf_init(&got);
    RUN(tpl_names_should_list_every_part_of_variables_and_sections);
    RUN(tpl_names_should_follow_set_delimiters);
    RUN(tpl_names_should_list_dynamic_partial_names_but_not_partial_or_block_names);
    RUN(tpl_names_text_should_read_tags_of_text_that_does_not_compile);
    RUN(tpl_names_should_be_complete_unless_a_parent_tag_drops_content);
    RUN(target_names_should_cover_files_paths_partials_and_type_maps);
    RUN(target_names_should_cover_a_parents_other_content);
    RUN(target_names_should_be_unknown_when_a_template_tag_does_not_read);
    RUN(target_names_should_be_unknown_below_eight_folder_levels);
    RUN(target_names_should_be_unknown_for_a_target_made_in_memory);
    RUN(render_target_should_say_when_a_template_prints_a_container);
    RUN(pruned_view_should_read_as_the_full_view_for_the_kept_names);
    RUN(lazy_view_should_render_as_the_full_view_without_falling_back);
    mg_buf_fini(&got);
    return unit_done();
}
