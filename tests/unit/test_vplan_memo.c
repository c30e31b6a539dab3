/* test_vplan_memo.c - compiling each distinct schema once (vplan.c,
 * alias_node) makes the plan that compiling every schema makes.
 *
 * A schema equal to one compiled before is not compiled: it and the schemas
 * under it become aliases, numbered as compile would have numbered them. A
 * keyword missing from vplan.c's list, a place alias_children skips or visits
 * out of compile's order, or an alias of the wrong schema would change the
 * functions, their names or their order. This builds the raw plan (every
 * function, pattern and name, before a target's literals) both ways for the
 * flagship catalogue, the catalogues of tests/catalogues, the golden cases'
 * inputs, a schema with every keyword that holds schemas, and each file of
 * the draft-07 suite in ../shared when it is there, and compares them, with
 * the diagnostics each way reported. */
#include "../../generator/vplan.c"

#include <dirent.h>
#include <limits.h>

#include "load.h"
#include "unit.h"
#include "catalogues.h"

typedef struct lines {
    mg_buf text;
} lines;

static void collect(void *user, const char *line)
{
    lines *l = user;
    mg_buf_append_str(&l->text, line);
    mg_buf_putc(&l->text, '\n');
}

static size_t compared, reused; /* plans compared; functions not compiled */

/* Checks that the two raw plans are the same; `what` names the catalogue. */
static void check_same(const char *what, const mg_vplan_raw *a, const mg_vplan_raw *b)
{
    int same = a->nfunctions == b->nfunctions && a->ntypes == b->ntypes &&
               cJSON_Compare(a->functions, b->functions, 1) && cJSON_Compare(a->patterns, b->patterns, 1);
    for (int i = 0; same && i < a->ntypes; i++)
        same = a->type_fn[i] == b->type_fn[i];
    for (int i = 0; same && i < a->nfunctions; i++)
        same = !a->names[i] == !b->names[i] && (!a->names[i] || !strcmp(a->names[i], b->names[i]));
    if (!same)
        unit_note("# %s: the plan differs when schemas are reused\n", what);
    CHECK(same);
    compared++;
    reused += (size_t)(b->ncompiled < a->ncompiled ? a->ncompiled - b->ncompiled : 0);
}

/* Builds the raw plan of `m` both ways and compares plans and diagnostics. */
static void compare_model(const char *what, const mg_model *m)
{
    lines la, lb;
    mg_buf_init(&la.text);
    mg_buf_init(&lb.text);
    mg_diag da, db;
    mg_diag_init_sink(&da, collect, &la);
    mg_diag_init_sink(&db, collect, &lb);
    mg_vplan_raw *a = build_raw(m, 0, &da, NULL);
    mg_vplan_raw *b = build_raw(m, 1, &db, NULL);
    CHECK(!a == !b);
    if (a && b)
        check_same(what, a, b);
    if (strcmp(mg_buf_cstr(&la.text), mg_buf_cstr(&lb.text)))
        unit_note("# %s: other diagnostics when schemas are reused:\n%s# instead of\n%s", what,
                  mg_buf_cstr(&lb.text), mg_buf_cstr(&la.text));
    CHECK_STR(mg_buf_cstr(&lb.text), mg_buf_cstr(&la.text));
    mg_vplan_raw_free(a);
    mg_vplan_raw_free(b);
    mg_buf_fini(&la.text);
    mg_buf_fini(&lb.text);
}

static void compare_file(const char *path)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (m)
        compare_model(path, m);
    mg_model_free(m);
    if (set)
        mg_docset_free(set);
}

/* The plan of JSON Schema text `json` (its $defs are the types), when the
 * model takes it; returns 1 if it did. */
static int compare_text(const char *what, const char *json)
{
    mg_diag d;
    lines quiet; /* what the front end says of the suite's schemas */
    mg_buf_init(&quiet.text);
    mg_diag_init_sink(&d, collect, &quiet);
    mg_docset *set = mg_docset_new(".");
    const mg_doc *doc = mg_docset_load_buffer(set, "c.json", json, strlen(json), &d);
    mg_model *m = NULL;
    if (doc && mg_resolve_all(set, doc, &d) == 0)
        m = mg_model_new(set, doc, &d);
    if (m)
        compare_model(what, m);
    mg_model_free(m);
    mg_docset_free(set);
    mg_buf_fini(&quiet.text);
    return m != NULL;
}

static void vplan_should_make_the_same_plan_when_it_reuses_schemas_of_the_catalogues(void)
{
    compared = reused = 0;
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_file);
    printf("# %zu catalogues, %zu functions not compiled\n", compared, reused);
    CHECK(compared >= 30);
    CHECK(reused > 1000); /* the flagship alone: about 1 100 */
}

static size_t uris_compared, uris_differ, names_compared, names_differ, hashes_compared, hashes_differ;

/* Compares node_uri_at with mg_resolve_node_uri for `j` and the nodes under
 * it: parents first, or (`post`) children first, so that node_name and
 * node_uri_at make the parents' on the way. */
static void compare_uris(pctx *c, const mg_doc *doc, const cJSON *j, int post)
{
    if (post)
        for (const cJSON *ch = j->child; ch; ch = ch->next)
            compare_uris(c, doc, ch, post);
    char *want = mg_resolve_node_uri(c->m->set, doc, j);
    node_name(c, doc, j);
    size_t at = node_uri_at(c, doc, j);
    const node_ent *e = mg_hmap_get_ptr(&c->nodes, j);
    const char *got = c->uri_text.data + at; /* valid until the next node_uri_at */
    if (strcmp(got, want) && uris_differ++ < 3)
        unit_note("# node_uri_at: %s, not %s\n", got, want);
    uris_compared++;
    /* And its hash, made from the parent's hash state (uri_hash_of), as
     * mg_hash_str makes it of the URI relative to the root folder. */
    uint32_t h;
    if (uri_hash_of(c, doc, j, &h)) {
        uint32_t wh = mg_hash_str(relative_uri(want, c->root_dir));
        if (h != wh && hashes_differ++ < 3)
            unit_note("# uri_hash_of %s: %08x, not %08x\n", want, (unsigned)h, (unsigned)wh);
        hashes_compared++;
    }
    /* And the name it made on the way: name_of_uri's of the URI (a file
     * whose path has a '#' leaves it to name_of_uri). */
    if (e->name_at != NO_NAME) {
        char *wname = name_of_uri(want, 0);
        mg_buf b;
        mg_buf_init(&b);
        const char *gname = made_name(c, e->name_at, e->name_len, mg_hash_str(want), &b);
        if (strcmp(gname, wname) && names_differ++ < 3)
            unit_note("# node_name's name of %s: %s, not %s\n", want, gname, wname);
        names_compared++;
        mg_buf_fini(&b);
        free(wname);
    }
    free(want);
    if (!post)
        for (const cJSON *ch = j->child; ch; ch = ch->next)
            compare_uris(c, doc, ch, post);
}

static void compare_uris_of(const char *path)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    /* The URIs' hashes relative to the root file's folder, as
     * function_names asks them. */
    const char *root = m ? mg_docset_doc(set, 0)->path : "";
    const char *slash = strrchr(root, '/');
    char *dir = mg_xstrdup(root);
    dir[slash ? (size_t)(slash - root) + 1 : 0] = '\0';
    for (int post = 0; m && post < 2; post++) {
        pctx c = {.m = m, .d = &d, .root_dir = dir};
        mg_hmap_init(&c.nodes, sizeof(node_ent));
        mg_buf_init(&c.uri_text);
        mg_buf_init(&c.name_text);
        for (size_t i = 0; i < mg_docset_count(set); i++) {
            const mg_doc *doc = mg_docset_doc(set, i);
            compare_uris(&c, doc, doc->root, post);
        }
        free_uris(&c);
    }
    free(dir);
    mg_model_free(m);
    if (set)
        mg_docset_free(set);
}

/* Functions are named after their schemas' URIs, which node_uri_at makes
 * from the parent's: the same text as mg_resolve_node_uri, for every node of
 * every file the catalogues load; and their names, made from the parent's
 * name a token at a time: the same as name_of_uri makes from the URI
 * (shortened where long, "_root" where empty). */
static void vplan_should_make_the_uris_resolve_makes(void)
{
    uris_compared = uris_differ = names_compared = names_differ = 0;
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_uris_of);
    printf("# %zu nodes, %zu names, %zu hashes\n", uris_compared, names_compared, hashes_compared);
    CHECK(uris_compared > 10000);
    CHECK_INT(uris_differ, 0);
    CHECK(names_compared > 10000);
    CHECK_INT(names_differ, 0);
    CHECK(hashes_compared > 10000);
    CHECK_INT(hashes_differ, 0);
}

/* The hash state of every step a URI takes (uri_state): array indexes,
 * tokens with '~' and '/' (escaped in the URI), under root folders that a
 * file's path starts with or not; and a root folder longer than the path,
 * where relative_uri's test would read the URI past it: that hash is left
 * to the URI's text. */
static void vplan_should_hash_every_step_of_a_uri_as_its_text(void)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_docset *set = mg_docset_new(".");
    static const char json[] = "{\"$defs\": {\"a/b~c\": {\"allOf\": [{\"type\": \"string\"}, {\"properties\": "
                               "{\"x~1/\": {\"type\": \"integer\"}, \"y\": {\"anyOf\": [true, false, {}, {}, {}, {},"
                               " {}, {}, {}, {}, {\"z\": 1}]}}}]}}}";
    const mg_doc *doc = mg_docset_load_buffer(set, "c.json", json, sizeof json - 1, &d);
    CHECK(doc != NULL);
    mg_model m = {.set = set}; /* compare_uris resolves through it */
    static const char *const dirs[] = {"", "c.json", "c.jso", "x/"};
    uris_compared = uris_differ = names_compared = names_differ = hashes_compared = hashes_differ = 0;
    for (size_t i = 0; doc && i < sizeof dirs / sizeof *dirs; i++) {
        for (int post = 0; post < 2; post++) {
            pctx c = {.m = &m, .d = &d, .root_dir = dirs[i]};
            mg_hmap_init(&c.nodes, sizeof(node_ent));
            mg_buf_init(&c.uri_text);
            mg_buf_init(&c.name_text);
            compare_uris(&c, doc, doc->root, post);
            free_uris(&c);
        }
    }
    CHECK_INT(uris_differ, 0);
    CHECK_INT(hashes_compared, uris_compared);
    CHECK(hashes_compared >= 8 * 24);
    CHECK_INT(hashes_differ, 0);
    const cJSON *a = doc ? mg_json_get(mg_json_get(doc->root, "$defs"), "a/b~c") : NULL;
    CHECK(a != NULL);
    if (a) {
        pctx c = {.d = &d, .root_dir = "c.json#/"};
        mg_hmap_init(&c.nodes, sizeof(node_ent));
        mg_buf_init(&c.uri_text);
        mg_buf_init(&c.name_text);
        node_name(&c, doc, a);
        uint32_t h;
        CHECK_INT(uri_hash_of(&c, doc, a, &h), 0);
        free_uris(&c);
    }
    mg_docset_free(set);
}

/* Two copies of a schema with every keyword that holds schemas, in the
 * order compile reads them, and a $ref into the second copy reached first. */
static void vplan_should_make_the_same_plan_when_it_reuses_every_kind_of_subschema(void)
{
    /* A schema's members after its description. */
    static const char every[] = "\"type\": \"object\","
    " \"properties\": {\"a\": {\"type\": \"string\", \"pattern\": \"^x\"}, \"b\": {\"type\": \"integer\"},"
    "   \"t\": {\"type\": \"array\", \"items\": [{\"type\": \"string\"}, {\"const\": 1}],"
    "         \"additionalItems\": {\"type\": \"number\"}, \"contains\": {\"minimum\": 2}},"
    "   \"p\": {\"prefixItems\": [{\"type\": \"boolean\"}], \"items\": {\"enum\": [1, \"x\"]}},"
    "   \"l\": {\"type\": \"array\", \"items\": {\"type\": \"string\", \"maxLength\": 3}},"
    "   \"f\": {\"items\": [{\"type\": \"string\"}], \"additionalItems\": false},"
    "   \"n\": {\"not\": {\"type\": \"null\"}, \"if\": {\"minLength\": 1}, \"then\": {\"maxLength\": 9},"
    "         \"else\": {\"const\": \"\"}}},"
    " \"patternProperties\": {\"^x-\": {\"type\": \"string\"}, \"^y\": true},"
    " \"additionalProperties\": {\"type\": [\"string\", \"null\"]},"
    " \"propertyNames\": {\"maxLength\": 20},"
    " \"dependencies\": {\"a\": [\"b\"], \"b\": {\"required\": [\"a\"], \"properties\": {\"a\": {\"minLength\": 2}}}},"
    " \"allOf\": [{\"required\": [\"a\"]}, {\"minProperties\": 1}],"
    " \"anyOf\": [{\"required\": [\"a\"]}, {\"required\": [\"b\"]}],"
    " \"oneOf\": [{\"required\": [\"t\"]}, {\"properties\": {\"t\": false}}]}";
    char json[8192];
    snprintf(json, sizeof json,
             "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"T\", \"$defs\": {"
             "\"Inner\": {\"$ref\": \"#/$defs/Two/properties/t\"}, \"One\": {\"description\": \"one\", %s,"
             " \"Two\": {\"description\": \"two\", %s, \"Three\": {\"type\": \"object\", \"properties\": {"
             "\"x\": {\"description\": \"three\", %s, \"y\": {\"description\": \"four\", %s}}}}",
             every, every, every, every);
    compared = reused = 0;
    CHECK(compare_text("every keyword", json));
    CHECK_INT(compared, 1);
    CHECK(reused > 40);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* Schemas that read the same in two files are not the same when their $refs
 * are: "v.json" is a string in one folder and an integer in the other. */
static void vplan_should_not_reuse_a_schema_of_another_file(void)
{
    char dir[] = "/tmp/test_vplan_memo.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sub[PATH_MAX];
    static const char *const files[] = {"a/sa.json", "a/v.json", "b/sb.json", "b/v.json", "main.json"};
    static const char *const texts[] = {
        "{\"type\": \"object\", \"properties\": {\"v\": {\"$ref\": \"v.json\"}}}",
        "{\"title\": \"Vs\", \"type\": \"string\"}",
        "{\"type\": \"object\", \"properties\": {\"v\": {\"$ref\": \"v.json\"}}}",
        "{\"title\": \"Vi\", \"type\": \"integer\"}",
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"T\", \"$defs\": {"
        "\"A\": {\"$ref\": \"a/sa.json\"}, \"B\": {\"$ref\": \"b/sb.json\"}}}"};
    snprintf(sub, sizeof sub, "%s/a", dir);
    CHECK(mkdir(sub, 0700) == 0);
    snprintf(sub, sizeof sub, "%s/b", dir);
    CHECK(mkdir(sub, 0700) == 0);
    for (size_t i = 0; i < 5; i++)
        write_file(dir, files[i], texts[i]);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/main.json", dir);
    compared = reused = 0;
    compare_file(path);
    CHECK_INT(compared, 1);
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        CHECK(remove(path) == 0);
    }
    snprintf(sub, sizeof sub, "%s/a", dir);
    CHECK(rmdir(sub) == 0);
    snprintf(sub, sizeof sub, "%s/b", dir);
    CHECK(rmdir(sub) == 0);
    CHECK(rmdir(dir) == 0);
}

/* Each file of the draft-07 suite, its groups' schemas the types. */
static void vplan_should_make_the_same_plan_when_it_reuses_schemas_of_the_draft7_suite(void)
{
    char dir[PATH_MAX * 2];
    CHECK(unit_find_top() == 0);
    snprintf(dir, sizeof dir, "%s/../shared/conformance/json-schema-draft7", unit_top);
    DIR *dp = opendir(dir);
    if (!dp) {
        printf("# no draft-07 suite in ../shared: skipped\n");
        return;
    }
    compared = reused = 0;
    size_t files = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || strcmp(dot, ".json"))
            continue;
        char path[PATH_MAX * 3];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "rb");
        CHECK(fp != NULL);
        if (!fp)
            continue;
        mg_buf text;
        mg_buf_init(&text);
        char chunk[4096];
        for (size_t n; (n = fread(chunk, 1, sizeof chunk, fp)) > 0;)
            mg_buf_append(&text, chunk, n);
        fclose(fp);
        cJSON *groups = cJSON_Parse(mg_buf_cstr(&text));
        mg_buf_fini(&text);
        cJSON *defs = cJSON_CreateObject();
        int i = 0;
        const cJSON *g;
        cJSON_ArrayForEach(g, groups) {
            char name[32];
            snprintf(name, sizeof name, "G%d", i++);
            cJSON_AddItemToObject(defs, name, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(g, "schema"), 1));
        }
        cJSON *cat = cJSON_CreateObject();
        cJSON_AddStringToObject(cat, "$schema", "http://json-schema.org/draft-07/schema#");
        cJSON_AddStringToObject(cat, "title", "Suite");
        cJSON_AddItemToObject(cat, "$defs", defs);
        char *json = cJSON_PrintUnformatted(cat);
        files += (size_t)compare_text(e->d_name, json);
        free(json);
        cJSON_Delete(cat);
        cJSON_Delete(groups);
    }
    closedir(dp);
    printf("# %zu suite files taken by the model, %zu functions not compiled\n", files, reused);
    CHECK(files >= 20);
    CHECK_INT(compared, files);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h: not needed here */
    RUN(vplan_should_make_the_same_plan_when_it_reuses_schemas_of_the_catalogues);
    RUN(vplan_should_make_the_same_plan_when_it_reuses_every_kind_of_subschema);
    RUN(vplan_should_make_the_uris_resolve_makes);
    RUN(vplan_should_hash_every_step_of_a_uri_as_its_text);
    RUN(vplan_should_not_reuse_a_schema_of_another_file);
    RUN(vplan_should_make_the_same_plan_when_it_reuses_schemas_of_the_draft7_suite);
    return unit_done();
}
