/* test_schemafmt.c - schemaFormat values, Avro schemas converted in place
 * (avro.c) with their positions, and likely typos (typo.c). */
#include "../../generator/schemafmt.c"
#include "../../generator/typo.h"
#include "testfs.h"
#include "unit.h"

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

int main(void)
{
    RUN(formats_should_be_classified);
    RUN(avro_should_become_json_schema_at_its_positions);
    RUN(avro_errors_should_be_one_line_at_the_node);
    RUN(typos_should_suggest_only_near_unknown_keywords);
    RUN(typos_should_be_warned_for_every_member_the_tables_name);
    return unit_done();
}
