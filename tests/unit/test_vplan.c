/* test_vplan.c - the validation plan: literals, pre-rendered messages in the
 * wording of validate.c, keyword order data, sharing of identical functions,
 * field shapes and the x-http-api response types. */
#include "../../generator/vplan.c"
#include "load.h"
#include "unit.h"

typedef struct fixture {
    mg_docset *set;
    mg_model *m;
    mg_diag d;
    cJSON *types, *plan, *opts;
} fixture;

static char last_line[512];

static void quiet(void *user, const char *line)
{
    (void)user;
    snprintf(last_line, sizeof last_line, "%s", line);
    printf("# %s\n", line);
}

/* The plan of a JSON Schema catalogue (`$defs` entries become types). */
static cJSON *plan_of(fixture *f, const char *json, const char *opts)
{
    memset(f, 0, sizeof *f);
    mg_diag_init_sink(&f->d, quiet, NULL);
    f->set = mg_docset_new(".");
    const mg_doc *doc = mg_docset_load_buffer(f->set, "c.json", json, strlen(json), &f->d);
    if (!doc || mg_resolve_all(f->set, doc, &f->d) < 0 || !(f->m = mg_model_new(f->set, doc, &f->d)))
        return NULL;
    f->types = cJSON_CreateArray();
    for (int i = 0; i < f->m->ntypes; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "id", f->m->types[i]->name.s[MG_CASE_RAW]);
        cJSON_AddItemToArray(f->types, t);
    }
    f->opts = opts ? cJSON_Parse(opts) : NULL;
    f->plan = mg_vplan_build(f->m, f->types, f->opts, NULL, &f->d);
    return f->plan;
}

static void fini(fixture *f)
{
    cJSON_Delete(f->plan);
    cJSON_Delete(f->types);
    cJSON_Delete(f->opts);
    mg_model_free(f->m);
    mg_docset_free(f->set);
}

static const cJSON *fn_of(const fixture *f, const char *type)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, f->types)
        if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "id")), type)) {
            const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "validate_fn"));
            const cJSON *fn;
            cJSON_ArrayForEach(fn, cJSON_GetObjectItemCaseSensitive(f->plan, "functions"))
                if (id && !strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fn, "id")), id))
                    return fn;
        }
    return NULL;
}

static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k)); }
static const cJSON *at(const cJSON *o, const char *k, int i) { return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, k), i); }

#define HEAD "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"T\", \"$defs\": {"
#define C_OPTS "{\"literal\": \"c\"}"

static void vplan_should_render_messages_in_the_validator_wording(void)
{
    fixture f;
    CHECK(plan_of(&f, HEAD "\"A\": {\"type\": [\"string\", \"null\"], \"minLength\": 1, \"maxLength\": 3, "
                         "\"enum\": [\"a\", 1.5, null], \"pattern\": \"^[a-z]+$\"}}}", NULL) != NULL);
    const cJSON *fn = fn_of(&f, "A");
    CHECK(fn != NULL);
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(fn, "type_mask")), 16 | 1);
    CHECK_STR(str(fn, "type_expected_lit"), "\"expected string or null\"");
    CHECK_STR(str(fn, "enum_message_lit"), "\"must be one of 'a', 1.5, null\"");
    CHECK_STR(str(at(fn, "string_checks", 0), "message_lit"), "\"must be at least 1 character\"");
    CHECK_STR(str(at(fn, "string_checks", 1), "message_lit"), "\"must be at most 3 characters\"");
    CHECK_STR(str(at(fn, "string_checks", 2), "message_lit"), "\"does not match pattern '^[a-z]+$'\"");
    CHECK_STR(str(at(f.plan, "patterns", 0), "source"), "^[a-z]+$");
    fini(&f);
}

static void vplan_should_compile_patterns_to_programs_and_warn_for_the_rest(void)
{
    fixture f;
    last_line[0] = '\0';
    CHECK(plan_of(&f, HEAD "\"A\": {\"type\": \"object\", \"properties\": {\"s\": {\"pattern\": \"^a$\"}}, "
                         "\"patternProperties\": {\"(a)\\\\1\": true}}}}", NULL) != NULL);
    const cJSON *p0 = at(f.plan, "patterns", 0), *p1 = at(f.plan, "patterns", 1);
    CHECK_STR(str(p0, "source"), "^a$");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p0, "has_prog")));
    CHECK_STR(str(p0, "prog"), "4,1,1,97,97,5,0"); /* start, 'a', end, match */
    CHECK_STR(str(p1, "source"), "(a)\\1");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p1, "has_prog")));
    CHECK(strstr(last_line, "warning: pattern '(a)\\1' has a backreference") != NULL);
    CHECK(f.d.errors == 0);
    fini(&f);
}

/* A const of quote, backslash, "??=", a line feed, e-acute, a comment closer,
 * U+202E and a final backslash as each target's literal: the rules of {{x}}
 * in its files (escape.c), between double quotes. */
#define TRICKY HEAD "\"A\": {\"const\": \"q\\\"\\\\?\?=\\n\\u00e9*/\\u202e\\\\\"}}}"
static void vplan_should_escape_literals_with_the_target_rules(void)
{
    fixture f;
    CHECK(plan_of(&f, TRICKY, C_OPTS) != NULL);
    CHECK_STR(str(cJSON_GetObjectItemCaseSensitive(fn_of(&f, "A"), "const_value"), "lit"),
              "\"q\\\"\\\\\\?\\?=\\n\xc3\xa9*\\057\\u202e\\134\"");
    fini(&f);
    CHECK(plan_of(&f, TRICKY, "{\"literal\": \"python\"}") != NULL);
    CHECK_STR(str(cJSON_GetObjectItemCaseSensitive(fn_of(&f, "A"), "const_value"), "lit"),
              "\"q\\\"\\\\?\?=\\n\xc3\xa9*/\\u202e\\\\\"");
    fini(&f);
    CHECK(plan_of(&f, TRICKY, "{\"literal\": \"typescript\"}") != NULL);
    CHECK_STR(str(cJSON_GetObjectItemCaseSensitive(fn_of(&f, "A"), "const_value"), "lit"),
              "\"q\\\"\\\\?\?=\\n\xc3\xa9*\\/\\u202e\\\\\"");
    fini(&f);
}

static void vplan_should_number_limits_so_every_language_reads_a_double(void)
{
    fixture f;
    CHECK(plan_of(&f, HEAD "\"A\": {\"minimum\": 3, \"exclusiveMaximum\": 0.5, \"multipleOf\": 1e20}}}", NULL) != NULL);
    const cJSON *fn = fn_of(&f, "A");
    CHECK_STR(str(at(fn, "number_checks", 0), "limit"), "3.0");
    CHECK_STR(str(at(fn, "number_checks", 0), "op"), ">=");
    CHECK_STR(str(at(fn, "number_checks", 1), "message_lit"), "\"must be < 0.5\"");
    CHECK_STR(str(at(fn, "number_checks", 2), "limit"), "1e+20");
    fini(&f);
}

static void vplan_should_group_members_by_first_byte_and_list_required_names(void)
{
    fixture f;
    CHECK(plan_of(&f, HEAD "\"A\": {\"type\": \"object\", \"required\": [\"b\", \"zz\"], \"properties\": "
                         "{\"bb\": {\"type\": \"string\"}, \"b\": {\"type\": \"integer\"}, \"a\": true}, "
                         "\"additionalProperties\": false}}}", NULL) != NULL);
    const cJSON *fn = fn_of(&f, "A");
    const cJSON *g0 = at(fn, "member_groups", 0), *g1 = at(fn, "member_groups", 1);
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(g0, "first_byte")), 'a');
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(g1, "members")), 2);
    CHECK_STR(str(at(g1, "members", 0), "name"), "b");
    /* Required names are looked up before the member loop (msggen validate's
     * order), so a required name that is no property needs no case. */
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(fn, "member_groups")), 2);
    CHECK_STR(str(at(fn, "required", 0), "name_lit"), "\"b\"");
    CHECK_STR(str(at(fn, "required", 1), "name_lit"), "\"zz\"");
    CHECK_STR(str(at(fn, "required", 1), "message_lit"), "\"missing required property 'zz'\"");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fn, "additional_false")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fn, "uses_matched")));
    fini(&f);
}

static void vplan_should_hash_member_names_perfectly_or_say_it_could_not(void)
{
    fixture f;
    CHECK(plan_of(&f, HEAD "\"A\": {\"type\": \"object\", \"properties\": {\"mediaFiles\": {}, \"modelFiles\": {}, "
                         "\"a\": {}, \"b\": {}, \"processingDuration\": {}, \"totalSize\": {}}}}}", NULL) != NULL);
    const cJSON *fn = fn_of(&f, "A");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fn, "has_member_hash")));
    int bits = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(fn, "member_hash_bits"));
    CHECK(bits >= 3 && bits <= 6);
    CHECK(strncmp(str(fn, "member_hash_mult"), "0x", 2) == 0);
    /* Every slot holds 0 or 1 + a member's index, each index exactly once. */
    const char *slots = str(fn, "member_hash_slots");
    int seen[7] = {0}, count = 0;
    for (const char *p = slots; p && *p; count++) {
        char *end;
        long v = strtol(p, &end, 10);
        CHECK(v >= 0 && v <= 6);
        if (v > 0 && v <= 6)
            seen[v]++;
        p = *end == ',' ? end + 1 : end;
    }
    CHECK_INT(count, 1 << bits);
    for (int i = 1; i <= 6; i++)
        CHECK_INT(seen[i], 1);
    fini(&f);
    /* Alike in length and in the first and last eight bytes: no hash, the
     * runtime searches the sorted names. */
    CHECK(plan_of(&f, HEAD "\"A\": {\"type\": \"object\", \"properties\": {\"aaaaaaaaXbbbbbbbb\": {}, "
                         "\"aaaaaaaaYbbbbbbbb\": {}}}}}", NULL) != NULL);
    fn = fn_of(&f, "A");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(fn, "has_member_hash")));
    CHECK_STR(str(fn, "member_hash_slots"), "");
    fini(&f);
}

static void vplan_should_share_functions_that_differ_only_in_annotations(void)
{
    fixture f;
    CHECK(plan_of(&f, HEAD "\"A\": {\"type\": \"object\", \"properties\": {"
                         "\"x\": {\"type\": \"string\", \"maxLength\": 3, \"description\": \"one\"}, "
                         "\"y\": {\"type\": \"string\", \"maxLength\": 3, \"description\": \"two\"}, "
                         "\"z\": {\"type\": \"integer\", \"description\": \"three\"}}}}}", NULL) != NULL);
    const cJSON *fn = fn_of(&f, "A");
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(fn, "member_groups");
    const char *x = str(at(cJSON_GetArrayItem(g, 0), "members", 0), "prop_fn");
    const char *y = str(at(cJSON_GetArrayItem(g, 1), "members", 0), "prop_fn");
    const char *z = str(at(cJSON_GetArrayItem(g, 2), "members", 0), "prop_fn");
    /* The shared function has the smaller of the two names; one that checks
     * only its type is named by the type, wherever it is used. */
    CHECK_STR(x, "_A_x");
    CHECK_STR(y, "_A_x");
    CHECK_STR(z, "_integer");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f.plan, "functions")), 3);
    fini(&f);
}

/* Names come from where the schema is, so a new property renames nothing;
 * pointers that read the same as identifiers get a hash. */
static void vplan_should_name_functions_after_their_schemas(void)
{
    fixture f;
    CHECK(plan_of(&f, HEAD "\"A\": {\"type\": \"object\", \"properties\": {"
                         "\"b\": {\"type\": \"array\", \"items\": {\"minimum\": 1}}, "
                         "\"c_d\": {\"maxLength\": 1}, "
                         "\"c\": {\"properties\": {\"d\": {\"maxLength\": 2}}}}, "
                         "\"additionalProperties\": {\"type\": \"boolean\"}}}}", NULL) != NULL);
    const cJSON *fn = fn_of(&f, "A");
    CHECK_STR(str(fn, "id"), "_A");
    CHECK_STR(str(fn, "additional_fn"), "_boolean"); /* {"type": "boolean"}: named by its content */
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(fn, "member_groups");
    CHECK_STR(str(at(cJSON_GetArrayItem(g, 0), "members", 0), "prop_fn"), "_A_b");
    /* "c_d" and "c" > "d" both read _A_c_d. */
    const char *cd1 = str(at(cJSON_GetArrayItem(g, 1), "members", 1), "prop_fn");
    const cJSON *cfn = NULL, *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f.plan, "functions"))
        if (!strcmp(str(e, "id"), "_A_c"))
            cfn = e;
    const char *cd2 = str(at(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cfn, "member_groups"), 0), "members", 0), "prop_fn");
    CHECK(cd1 && cd2 && strncmp(cd1, "_A_c_d_", 7) == 0 && strncmp(cd2, "_A_c_d_", 7) == 0);
    CHECK(cd1 && cd2 && strcmp(cd1, cd2) != 0);
    const cJSON *items = NULL;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f.plan, "functions"))
        if (!strcmp(str(e, "id"), "_A_b"))
            items = e;
    CHECK_STR(str(items, "items_fn"), "_A_b_items");
    fini(&f);
}

static void vplan_should_compile_recursive_refs_once(void)
{
    fixture f;
    CHECK(plan_of(&f, HEAD "\"Node\": {\"type\": \"object\", \"properties\": {\"kids\": {\"type\": \"array\", "
                         "\"items\": {\"$ref\": \"#/$defs/Node\"}}}}}}", NULL) != NULL);
    const cJSON *fn = fn_of(&f, "Node");
    CHECK(fn != NULL);
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f.plan, "functions"));
    CHECK(n >= 3 && n <= 4);
    fini(&f);
}

int main(void)
{
    RUN(vplan_should_render_messages_in_the_validator_wording);
    RUN(vplan_should_compile_patterns_to_programs_and_warn_for_the_rest);
    RUN(vplan_should_escape_literals_with_the_target_rules);
    RUN(vplan_should_number_limits_so_every_language_reads_a_double);
    RUN(vplan_should_group_members_by_first_byte_and_list_required_names);
    RUN(vplan_should_hash_member_names_perfectly_or_say_it_could_not);
    RUN(vplan_should_share_functions_that_differ_only_in_annotations);
    RUN(vplan_should_name_functions_after_their_schemas);
    RUN(vplan_should_compile_recursive_refs_once);
    return unit_done();
}
