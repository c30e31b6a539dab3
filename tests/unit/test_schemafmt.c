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

int main(void)
{
    RUN(formats_should_be_classified);
    RUN(avro_should_become_json_schema_at_its_positions);
    RUN(avro_errors_should_be_one_line_at_the_node);
    RUN(typos_should_suggest_only_near_unknown_keywords);
    return unit_done();
}
