/* test_schemafmt.c - schemaFormat values, Avro schemas converted in place
 * (avro.c) with their positions, and likely typos (typo.c). */
#include "../../generator/schemafmt.c"
#include "../../generator/typo.h"
#include "testfs.h"
#include "unit.h"
#include "catalogues.h"

static mg_docset *set;
static mg_diag diag;

/* Loads `yaml` as c.yaml and applies the formats; the document, or NULL. */
static const mg_doc *apply(const char *yaml, int *rc)
{
    errs_reset();
    set = mg_docset_new(".");
    mg_diag_init_sink(&diag, errs_capture, NULL);
    const mg_doc *doc = mg_docset_load_buffer(set, "c.yaml", yaml, strlen(yaml), &diag);
    *rc = doc ? mg_schema_formats_apply(set, &diag) : -1;
    return doc;
}

static const cJSON *at(const cJSON *n, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *k = strtok(buf, "/"); k && n; k = strtok(NULL, "/"))
        n = cJSON_IsArray(n) ? cJSON_GetArrayItem(n, atoi(k)) : cJSON_GetObjectItemCaseSensitive(n, k);
    return n;
}

static const char *str(const cJSON *n, const char *path)
{
    const cJSON *v = at(n, path);
    return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static void formats_should_be_classified(void)
{
    CHECK_INT(mg_schema_format_kind("application/vnd.aai.asyncapi;version=2.6.0"), MG_SFMT_JSON_SCHEMA);
    CHECK_INT(mg_schema_format_kind("application/vnd.aai.asyncapi+yaml;version=3.0.0"), MG_SFMT_JSON_SCHEMA);
    CHECK_INT(mg_schema_format_kind("application/schema+json;version=draft-07"), MG_SFMT_JSON_SCHEMA);
    CHECK_INT(mg_schema_format_kind("Application/Schema+YAML; version=2020-12"), MG_SFMT_JSON_SCHEMA);
    CHECK_INT(mg_schema_format_kind("application/vnd.oai.openapi;version=3.0.0"), MG_SFMT_JSON_SCHEMA);
    CHECK_INT(mg_schema_format_kind("application/vnd.apache.avro;version=1.9.0"), MG_SFMT_AVRO);
    CHECK_INT(mg_schema_format_kind("application/vnd.apache.avro+json;version=1.8.2"), MG_SFMT_AVRO);
    CHECK_INT(mg_schema_format_kind("application/vnd.apache.avro+yaml;version=1.11.3"), MG_SFMT_AVRO);
    CHECK_INT(mg_schema_format_kind("application/vnd.apache.avro"), MG_SFMT_AVRO);
    CHECK_INT(mg_schema_format_kind("application/vnd.apache.avro;version=1.7.7"), MG_SFMT_REFUSED);
    CHECK_INT(mg_schema_format_kind("application/vnd.apache.avro;version=2.0.0"), MG_SFMT_REFUSED);
    CHECK_INT(mg_schema_format_kind("application/vnd.google.protobuf;version=3"), MG_SFMT_REFUSED);
    CHECK_INT(mg_schema_format_kind("application/raml+yaml;version=1.0"), MG_SFMT_REFUSED);
    CHECK_INT(mg_schema_format_kind("application/schema"), MG_SFMT_REFUSED);
    CHECK_INT(mg_schema_format_kind("application/vnd.aai.asyncapiX"), MG_SFMT_REFUSED);
}

static void avro_should_become_json_schema_at_its_positions(void)
{
    int rc;
    const mg_doc *doc = apply("asyncapi: 2.6.0\n"
                              "m:\n"
                              "  schemaFormat: application/vnd.apache.avro;version=1.9.0\n"
                              "  payload:\n"
                              "    type: record\n"
                              "    name: User\n"
                              "    namespace: com.example\n"
                              "    fields:\n"
                              "      - {name: id, type: long}\n"
                              "      - name: kind\n"
                              "        type: {type: enum, name: Kind, symbols: [A, B]}\n"
                              "      - {name: again, type: [\"null\", com.example.Kind], default: null}\n"
                              "      - {name: me, type: [\"null\", User]}\n",
                              &rc);
    CHECK_INT(rc, 0);
    const cJSON *p = at(doc->root, "m/payload");
    CHECK_STR(str(p, "type"), "object");
    CHECK_STR(str(p, "properties/id/format"), "int64");
    CHECK_STR(str(p, "properties/kind/$ref"), "#/m/payload/$defs/Kind");
    CHECK_STR(str(p, "properties/again/oneOf/0/$ref"), "#/m/payload/$defs/Kind");
    CHECK_STR(str(p, "properties/again/oneOf/1/type"), "null");
    CHECK_STR(str(p, "properties/me/oneOf/0/$ref"), "#/m/payload");
    CHECK_STR(str(p, "$defs/Kind/enum/1"), "B");
    CHECK_INT(cJSON_GetArraySize(at(p, "required")), 2); /* id, kind; not the nullable ones */
    /* Positions are the Avro nodes': the record at 5:5, the enum at 11:15. */
    mg_mark mk = mg_doc_mark(doc, p);
    CHECK_INT(mk.line, 5);
    CHECK_INT(mk.col, 5);
    mk = mg_doc_mark(doc, at(p, "$defs/Kind"));
    CHECK_INT(mk.line, 11);
    CHECK_INT(mk.col, 15);
    /* The document finds the new node by key (mg_doc_member) and by pointer. */
    CHECK(mg_doc_member(doc, at(doc->root, "m"), "payload") == p);
    mg_docset_free(set);
}

static void avro_errors_should_be_one_line_at_the_node(void)
{
    int rc;
    apply("m:\n"
          "  schemaFormat: application/vnd.apache.avro;version=1.9.0\n"
          "  payload: {type: array, items: Nope}\n",
          &rc);
    CHECK_INT(rc, -1);
    CHECK_STR(errs,
              "c.yaml:3:33: error: unknown Avro type 'Nope' (a primitive type, or a record, enum or fixed named earlier in this schema)\n");
    mg_docset_free(set);
}

static void typos_should_suggest_only_near_unknown_keywords(void)
{
    CHECK_STR(mg_typo_suggest("schema", "minimun"), "minimum");
    CHECK_STR(mg_typo_suggest("schema", "requried"), "required");
    CHECK_STR(mg_typo_suggest("schema", "additonalProperties"), "additionalProperties");
    CHECK_STR(mg_typo_suggest("message", "paylod"), "payload");
    CHECK(mg_typo_suggest("schema", "minimum") == NULL);       /* known */
    CHECK(mg_typo_suggest("schema", "dependentRequired") == NULL); /* 2019-09 */
    CHECK(mg_typo_suggest("schema", "id") == NULL);            /* draft-04 */
    CHECK(mg_typo_suggest("schema", "x-minimun") == NULL);     /* an extension */
    CHECK(mg_typo_suggest("schema", "unit") == NULL);          /* far from every keyword */
    CHECK(mg_typo_suggest("message", "messageId") == NULL);    /* 2.x */
    CHECK(mg_typo_suggest("operation", "action") == NULL);     /* 3.x */
}

/* The typo walk's warnings for a schema with more distinct member names than
 * its memo of member ids has slots (typo.c, MEMO_SLOTS), so that names share
 * slots: one warning per member that mg_typo_suggest (no memo) reports, in
 * document order, at the member's key. */
static const char *const typo_words[] = {"minimun", "requried", "tpye", "maxLenght", "patern", "descripton",
                                         "itmes", "enun", "x-minimun", "minimum", "type", "title",
                                         "format", "deprecated", "unit", "$ref"};
static const char *const typo_bases[10] = {"minimum", "maximum", "pattern", "required", "format",
                                           "items", "title", "default", "examples", "properties"};
#define TYPO_WORDS (sizeof typo_words / sizeof *typo_words)
#define TYPO_PROPS 400
#define TYPO_KEYS 8 /* per property: two names made for it, six of typo_words */

static char typo_want[TYPO_PROPS * TYPO_KEYS][160];
static size_t typo_nwant, typo_seen, typo_wrong;

static void typo_sink(void *user, const char *line)
{
    (void)user;
    if (typo_seen >= typo_nwant || strcmp(line, typo_want[typo_seen]) != 0) {
        if (typo_wrong++ == 0)
            unit_note("# first wrong warning (%zu): %s\n#   want: %s\n", typo_seen, line,
                      typo_seen < typo_nwant ? typo_want[typo_seen] : "(none)");
    }
    typo_seen++;
}

static void typos_should_be_warned_for_every_member_the_tables_name(void)
{
    mg_buf y;
    mg_buf_init(&y);
    mg_buf_append_str(&y, "type: object\nproperties:\n");
    int line = 3;
    typo_nwant = typo_seen = typo_wrong = 0;
    for (int p = 0; p < TYPO_PROPS; p++, line++) {
        mg_buf_appendf(&y, "  p%d:\n", p);
        for (int j = 0; j < TYPO_KEYS; j++) {
            char own[32];
            const char *key = own;
            if (j == 0)
                snprintf(own, sizeof own, "k%d", p); /* far from every keyword */
            else if (j == 1) /* a keyword and a digit: a typo of it */
                snprintf(own, sizeof own, "%s%d", typo_bases[p % 10], p / 10 % 10);
            else
                key = typo_words[((size_t)p + (size_t)j) % TYPO_WORDS];
            mg_buf_appendf(&y, "    %s: %s\n", key, strcmp(key, "$ref") == 0 ? "'#/properties/p0'" : "1");
            line++;
            const char *near = mg_typo_suggest("schema", key);
            if (near && strcmp(key, "$ref") != 0)
                snprintf(typo_want[typo_nwant++], sizeof typo_want[0],
                         "c.yaml:%d:5: warning: unknown keyword '%s' (did you mean '%s'?)", line, key, near);
        }
    }
    set = mg_docset_new(".");
    mg_diag_init_sink(&diag, typo_sink, NULL);
    const mg_doc *doc = mg_docset_load_buffer(set, "c.yaml", y.data, y.len, &diag);
    CHECK(doc != NULL);
    if (doc)
        mg_typos_check(set, doc, MG_TYPO_SCHEMA, &diag);
    CHECK(typo_nwant > TYPO_PROPS); /* the words above give warnings */
    CHECK_INT(typo_seen, typo_nwant);
    CHECK_INT(typo_wrong, 0);
    mg_docset_free(set);
    mg_buf_fini(&y);
}

/* search as it was written before members_of: three mg_json_get scans per
 * object and a strcmp per data member name. The one-pass search must find
 * the same nodes, in the same order, with the same `multi`. */
static int old_is_data_member(const char *name)
{
    static const char *const data[] = {"enum", "const", "default", "examples", "example"};
    for (size_t i = 0; i < sizeof data / sizeof *data; i++)
        if (strcmp(name, data[i]) == 0)
            return 1;
    return 0;
}

static void old_search(finder *f, const mg_doc *doc, cJSON *node, int depth)
{
    if (depth > 1000)
        return;
    if (cJSON_IsObject(node) && cJSON_IsString(mg_json_get(node, "schemaFormat"))) {
        int multi = mg_json_get(node, "schema") != NULL;
        if (multi || mg_json_get(node, "payload")) {
            f->v = mg_xgrow(f->v, f->n, &f->cap, sizeof *f->v);
            f->v[f->n++] = (found){doc, node, multi};
        }
    } else if (cJSON_IsObject(node) && mg_json_get(node, "payload") &&
               cJSON_IsArray(mg_json_get(node, "traits"))) {
        f->v = mg_xgrow(f->v, f->n, &f->cap, sizeof *f->v);
        f->v[f->n++] = (found){doc, node, 0};
    }
    for (cJSON *c = node->child; c; c = c->next) {
        if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
            continue;
        if (cJSON_IsObject(node) && c->string && old_is_data_member(c->string))
            continue;
        old_search(f, doc, c, depth + 1);
    }
}

static size_t searched_finds;

/* Both searches over every document of `s`: the same finds. */
static void compare_searches(mg_docset *s, const char *what)
{
    finder a = {0}, b = {0};
    for (size_t i = 0; i < mg_docset_count(s); i++) {
        const mg_doc *doc = mg_docset_doc(s, i);
        if (!doc->root)
            continue;
        search(&a, doc, doc->root, 0);
        old_search(&b, doc, doc->root, 0);
    }
    CHECK_INT(a.n, b.n);
    int same = a.n == b.n;
    for (size_t i = 0; same && i < a.n; i++)
        same = a.v[i].doc == b.v[i].doc && a.v[i].node == b.v[i].node && a.v[i].multi == b.v[i].multi;
    if (!same)
        unit_note("# %s: the finds differ\n", what);
    CHECK(same);
    searched_finds += b.n;
    free(a.v);
    free(b.v);
}

static void search_catalogue(const char *path)
{
    mg_diag d;
    mg_diag_init(&d);
    d.max_errors = 0;
    mg_docset *s = mg_docset_new(NULL);
    const mg_doc *doc = mg_docset_load(s, path, (mg_mark){0}, &d);
    if (doc) {
        mg_resolve_all(s, doc, &d);
        compare_searches(s, path);
    }
    mg_docset_free(s);
}

static void search_should_find_what_the_member_scans_find(void)
{
    /* Keys that share a first byte with the ones search reads or skips,
     * members that are not collections, first of two names, a root list. */
    static const char *const docs[] = {
        "a: {schemaFormat: x, schema: {type: string}}\n"
        "b: {schemaFormat: x, payload: {type: string}}\n"
        "c: {schemaFormat: x, schemas: {}, payloads: {}}\n"
        "d: {schemaFormat: 1, schema: {}}\n"
        "e: {payload: {}, traits: [{}]}\n"
        "f: {payload: {}, traits: {}}\n"
        "g: {payload: 1, traits: [], schemaFormatX: y}\n"
        "h: {schemaFormat: x, traits: [], payload: {}}\n"
        "i: {schema: {}, schemaFormat: x}\n"
        "j: {schemaFormat: x, traits: [{}]}\n",
        "enum: [{schemaFormat: x, schema: {}}]\n"
        "enumerate: [{schemaFormat: x, schema: {}}]\n"
        "example: {payload: {}, traits: []}\n"
        "examples: [{payload: {}, traits: []}]\n"
        "exampleX: {payload: {}, traits: []}\n"
        "const: {schemaFormat: x, schema: {}}\n"
        "constant: {schemaFormat: x, schema: {}}\n"
        "default: {schemaFormat: x, payload: {}}\n"
        "defaults: {schemaFormat: x, payload: {}}\n"
        "d: {default: 1}\n"
        "e: 1\n"
        "\"\": {schemaFormat: x, schema: {}}\n",
        "- enum: [{schemaFormat: x, schema: {}}]\n"
        "- [{schemaFormat: x, schema: {}}, {enum: {schemaFormat: x, schema: {}}}]\n"
        "- {p: {schemaFormat: x, schema: {schemaFormat: y, payload: {}}}}\n",
        "{\"schemaFormat\": \"x\", \"schema\": {\"examples\": [{\"payload\": {}, \"traits\": []}]},"
        " \"s\": [{\"traits\": [], \"payload\": null}]}\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        mg_docset *s = mg_docset_new(".");
        mg_diag d;
        mg_diag_init(&d);
        char name[32];
        snprintf(name, sizeof name, "s%zu.yaml", i);
        CHECK(mg_docset_load_buffer(s, name, docs[i], strlen(docs[i]), &d) != NULL);
        compare_searches(s, name);
        mg_docset_free(s);
    }
    CHECK_INT(searched_finds, 16);
    /* Every shipped catalogue, with the files its $refs reach. */
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(search_catalogue);
    unit_note("# %zu finds\n", searched_finds);
    CHECK(searched_finds > 16);
}

/* The typo walk marks each object it checks (load.h): a schema reached
 * from two places is warned about once per walk, and a second walk over
 * the same documents warns again. */
static void typos_should_be_warned_once_per_object_and_walk(void)
{
    static const char *const yaml = "asyncapi: 3.0.0\n"
                                    "components:\n"
                                    "  schemas:\n"
                                    "    A: {type: object, properties: {x: {$ref: '#/components/schemas/B'}}}\n"
                                    "    B: {type: string, maxLenght: 3}\n"
                                    "    C: {$ref: '#/components/schemas/B'}\n"
                                    "    D: {items: {$ref: '#/components/schemas/A'}}\n";
    errs_reset();
    mg_docset *s = mg_docset_new(".");
    mg_diag d;
    mg_diag_init_sink(&d, errs_capture, NULL);
    const mg_doc *doc = mg_docset_load_buffer(s, "t.yaml", yaml, strlen(yaml), &d);
    CHECK(doc != NULL);
    if (doc) {
        CHECK_INT(mg_resolve_all(s, doc, &d), 0);
        mg_typos_check(s, doc, MG_TYPO_ASYNCAPI3, &d);
        CHECK_STR(errs, "t.yaml:5:23: warning: unknown keyword 'maxLenght' (did you mean 'maxLength'?)\n");
        errs_reset();
        mg_typos_check(s, doc, MG_TYPO_ASYNCAPI3, &d);
        CHECK_STR(errs, "t.yaml:5:23: warning: unknown keyword 'maxLenght' (did you mean 'maxLength'?)\n");
    }
    mg_docset_free(s);
}

int main(void)
{
    RUN(formats_should_be_classified);
    RUN(avro_should_become_json_schema_at_its_positions);
    RUN(avro_errors_should_be_one_line_at_the_node);
    RUN(typos_should_suggest_only_near_unknown_keywords);
    RUN(typos_should_be_warned_for_every_member_the_tables_name);
    RUN(search_should_find_what_the_member_scans_find);
    RUN(typos_should_be_warned_once_per_object_and_walk);
    return unit_done();
}
