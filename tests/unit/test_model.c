/* test_model.c - the message model: messages, named types, fields, unions,
 * recursion, constraints, and the errors of each. Catalogues are in-memory
 * YAML documents loaded through load.h. */
#include "../../generator/model.c"
#include "testfs.h"
#include "unit.h"

static mg_docset *set;
static mg_diag diag;

/* Builds the model of `yaml` (named c.yaml); NULL on errors (see errs). */
static mg_model *build(const char *yaml)
{
    errs_reset();
    set = mg_docset_new(".");
    mg_diag_init_sink(&diag, errs_capture, NULL);
    const mg_doc *doc = mg_docset_load_buffer(set, "c.yaml", yaml, strlen(yaml), &diag);
    if (!doc || mg_resolve_all(set, doc, &diag) < 0)
        return NULL;
    return mg_model_new(set, doc, &diag);
}

static void done(mg_model *m)
{
    mg_model_free(m);
    mg_docset_free(set);
    set = NULL;
}

static const mg_type *type_named(const mg_model *m, const char *pascal)
{
    for (int i = 0; i < m->ntypes; i++)
        if (strcmp(m->types[i]->name.s[MG_CASE_PASCAL], pascal) == 0)
            return m->types[i];
    return NULL;
}

static const mg_field *field_named(const mg_type *t, const char *wire)
{
    for (int i = 0; t && i < t->nfields; i++)
        if (strcmp(t->fields[i]->wire, wire) == 0)
            return t->fields[i];
    return NULL;
}

static double num(const cJSON *c, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, k);
    return v ? v->valuedouble : -12345;
}

#define A3 "asyncapi: 3.0.0\ninfo: {title: Test Catalogue, version: '2.1'}\n"

static void model_should_read_asyncapi3_channels_operations_and_messages(void)
{
    mg_model *m = build(A3
        "channels:\n"
        "  c1:\n"
        "    address: a/b\n"
        "    messages:\n"
        "      first: {$ref: '#/components/messages/first'}\n"
        "operations:\n"
        "  op: {action: receive, channel: {$ref: '#/channels/c1'}}\n"
        "components:\n"
        "  messages:\n"
        "    second: {payload: {type: object}}\n"
        "    first:\n"
        "      summary: S\n"
        "      contentType: application/json\n"
        "      tags: [{name: t1}]\n"
        "      x-queue: q\n"
        "      payload: {type: object, properties: {a: {type: string}}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    CHECK_INT(m->spec, MG_SPEC_ASYNCAPI3);
    CHECK_STR(m->title, "Test Catalogue");
    CHECK_STR(m->version, "2.1");
    CHECK_STR(m->name.s[MG_CASE_SNAKE], "test_catalogue");
    CHECK_INT(m->nmessages, 2);
    CHECK_STR(m->messages[0]->name.s[MG_CASE_RAW], "first");
    CHECK_STR(m->messages[0]->channel, "a/b");
    CHECK_STR(m->messages[0]->action, "receive");
    CHECK_STR(m->messages[0]->summary, "S");
    CHECK_STR(m->messages[0]->content_type, "application/json");
    CHECK_STR(cJSON_GetArrayItem(m->messages[0]->tags, 0)->valuestring, "t1");
    CHECK(cJSON_GetObjectItem(m->messages[0]->extensions, "x-queue") != NULL);
    CHECK_STR(m->messages[1]->name.s[MG_CASE_RAW], "second");
    CHECK(m->messages[1]->channel == NULL);
    CHECK_STR(m->messages[0]->payload->name.s[MG_CASE_PASCAL], "First");
    done(m);
}

static void model_should_map_asyncapi2_publish_to_receive_and_subscribe_to_send(void)
{
    mg_model *m = build("asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\n"
        "channels:\n"
        "  in:\n"
        "    publish: {message: {name: cmd, payload: {type: string}}}\n"
        "  out:\n"
        "    subscribe:\n"
        "      message:\n"
        "        oneOf:\n"
        "          - {name: ev1, payload: {type: integer}}\n"
        "          - {name: ev2, payload: {type: boolean}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    CHECK_INT(m->spec, MG_SPEC_ASYNCAPI2);
    CHECK_INT(m->nmessages, 3);
    CHECK_STR(m->messages[0]->action, "receive");
    CHECK_STR(m->messages[1]->action, "send");
    CHECK_STR(m->messages[2]->name.s[MG_CASE_RAW], "ev2");
    CHECK_STR(m->messages[2]->channel, "out");
    /* A primitive payload is an alias type named after the message. */
    CHECK_INT(m->messages[0]->payload->kind, MG_TYPE_ALIAS);
    CHECK_INT(m->messages[0]->payload->target->kind, MG_KIND_STRING);
    done(m);
}

static void model_should_hoist_inline_objects_with_parent_and_field_names(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    etsy-analytics-sync-completed:\n      payload:\n"
        "        type: object\n"
        "        properties:\n"
        "          results:\n"
        "            type: array\n"
        "            items:\n"
        "              type: object\n"
        "              properties:\n"
        "                analytics: {type: object, properties: {views: {type: integer}}}\n"
        "          byId:\n"
        "            type: object\n"
        "            additionalProperties: {type: object, properties: {n: {type: integer}}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *p = type_named(m, "EtsyAnalyticsSyncCompleted");
    CHECK(p != NULL);
    CHECK(type_named(m, "EtsyAnalyticsSyncCompletedResultsItem") != NULL);
    CHECK(type_named(m, "EtsyAnalyticsSyncCompletedResultsItemAnalytics") != NULL);
    CHECK(type_named(m, "EtsyAnalyticsSyncCompletedByIdValue") != NULL);
    const mg_field *r = field_named(p, "results");
    CHECK(r && r->type->kind == MG_KIND_ARRAY && r->type->items->kind == MG_KIND_REF);
    const mg_field *b = field_named(p, "byId");
    CHECK(b && b->type->kind == MG_KIND_MAP && b->type->items->kind == MG_KIND_REF);
    CHECK(p && !p->declared);
    /* The hoisted type's raw name reads like the identifier. */
    CHECK_STR(type_named(m, "EtsyAnalyticsSyncCompletedResultsItem")->name.s[MG_CASE_RAW],
              "EtsyAnalyticsSyncCompletedResultsItem");
    done(m);
}

static void model_should_hoist_inline_string_enums_and_keep_other_enums_as_constraints(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    job:\n      payload:\n"
        "        type: object\n"
        "        properties:\n"
        "          state: {type: string, enum: [in-progress, done, null]}\n"
        "          level: {type: integer, enum: [1, 2, 3]}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *e = type_named(m, "JobState");
    CHECK(e && e->kind == MG_TYPE_ENUM && e->nvalues == 2);
    if (e && e->nvalues == 2) {
        CHECK_STR(e->values[0]->name.s[MG_CASE_SCREAMING], "IN_PROGRESS");
        CHECK_STR(e->values[0]->value->valuestring, "in-progress");
    }
    const mg_field *st = field_named(type_named(m, "Job"), "state");
    CHECK(st && st->type->kind == MG_KIND_REF && st->type->nullable);
    const mg_field *lv = field_named(type_named(m, "Job"), "level");
    CHECK(lv && lv->type->kind == MG_KIND_INTEGER);
    CHECK(lv && cJSON_GetArraySize(cJSON_GetObjectItem(lv->type->constraints, "enum")) == 3);
    done(m);
}

static void model_should_read_nullable_forms(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n    R: {type: object}\n  messages:\n    m:\n      payload:\n"
        "        type: object\n"
        "        properties:\n"
        "          a: {type: [string, 'null']}\n"
        "          b: {type: integer, nullable: true}\n"
        "          c: {oneOf: [{$ref: '#/components/schemas/R'}, {type: 'null'}]}\n"
        "          d: {type: string}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *t = type_named(m, "M");
    CHECK(field_named(t, "a")->type->nullable && field_named(t, "a")->type->kind == MG_KIND_STRING);
    CHECK(field_named(t, "b")->type->nullable && field_named(t, "b")->type->kind == MG_KIND_INTEGER);
    CHECK(field_named(t, "c")->type->nullable && field_named(t, "c")->type->kind == MG_KIND_REF);
    CHECK(!field_named(t, "d")->type->nullable);
    done(m);
}

static void model_should_merge_allof_properties_required_and_stricter_bounds(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n"
        "    Base:\n"
        "      type: object\n"
        "      required: [id]\n"
        "      properties:\n"
        "        id: {type: string}\n"
        "        n: {type: integer, minimum: 0, maximum: 10}\n"
        "    Derived:\n"
        "      allOf:\n"
        "        - $ref: '#/components/schemas/Base'\n"
        "        - required: [n]\n"
        "          properties:\n"
        "            n: {minimum: 2, maximum: 20}\n"
        "            extra: {type: boolean}\n"
        "  messages:\n    m: {payload: {$ref: '#/components/schemas/Derived'}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *d = type_named(m, "Derived");
    CHECK(d && d->kind == MG_TYPE_OBJECT && d->nfields == 3);
    const mg_field *n = field_named(d, "n");
    CHECK(n && n->required && n->type->kind == MG_KIND_INTEGER);
    CHECK(n && num(n->type->constraints, "minimum") == 2 && num(n->type->constraints, "maximum") == 10);
    CHECK(field_named(d, "id") && field_named(d, "id")->required);
    CHECK(field_named(d, "extra") && !field_named(d, "extra")->required);
    CHECK(m->messages[0]->payload == d);
    done(m);
}

static void model_should_report_conflicting_allof_types_at_the_later_member(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    m:\n      payload:\n"
        "        allOf:\n"
        "          - {type: integer}\n"
        "          - {type: string}\n");
    CHECK(m == NULL);
    CHECK_STR(errs, "c.yaml:9:20: error: conflicting types in allOf: 'string' here, 'integer' at c.yaml:8:20\n");
    done(m);
}

static void model_should_build_unions_with_discriminator_tags(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n"
        "    Pet:\n"
        "      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}, {type: string}]\n"
        "      discriminator: {propertyName: kind, mapping: {kitty: '#/components/schemas/Cat'}}\n"
        "    Cat: {type: object, properties: {kind: {type: string}}}\n"
        "    Dog: {type: object, properties: {kind: {const: doggo}}}\n"
        "  messages:\n    m: {payload: {$ref: '#/components/schemas/Pet'}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *u = type_named(m, "Pet");
    CHECK(u && u->kind == MG_TYPE_UNION && u->noptions == 3 && !u->any_of);
    CHECK_STR(u->discriminator, "kind");
    if (u && u->noptions == 3) {
        CHECK_STR(u->options[0]->tag, "kitty");
        CHECK_STR(u->options[1]->tag, "doggo");
        CHECK(u->options[2]->tag == NULL);
        CHECK_INT(u->options[2]->type->kind, MG_KIND_STRING);
    }
    done(m);
}

static void model_should_tag_unions_by_a_const_property_every_option_requires(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n"
        "    Ev:\n"
        "      oneOf: [{$ref: '#/components/schemas/Hb'}, {$ref: '#/components/schemas/Rd'}]\n"
        "    Hb: {type: object, required: [seq, type], properties: {seq: {const: 1}, type: {const: heartbeat}}}\n"
        "    Rd: {type: object, required: [seq, type], properties: {seq: {const: 2}, type: {type: string, enum: [reading]}}}\n"
        "    Loose:\n"
        "      oneOf: [{$ref: '#/components/schemas/Hb'}, {$ref: '#/components/schemas/Opt'}]\n"
        "    Opt: {type: object, properties: {type: {const: x}}}\n"
        "  messages:\n    m: {payload: {$ref: '#/components/schemas/Ev'}}\n"
        "    n: {payload: {$ref: '#/components/schemas/Loose'}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *u = type_named(m, "Ev");
    /* `seq` pins numbers, not strings: `type` is the tag. */
    CHECK(u && u->tagged);
    CHECK_STR(u ? u->discriminator : NULL, "type");
    if (u && u->noptions == 2) {
        CHECK_STR(u->options[0]->tag, "heartbeat");
        CHECK_STR(u->options[1]->tag, "reading");
        CHECK(u->options[0]->tag_declared && u->options[1]->tag_declared);
        CHECK_STR(u->options[1]->tag_name.s[MG_CASE_SCREAMING], "READING");
    }
    /* An option that does not require the property: no tag. */
    const mg_type *l = type_named(m, "Loose");
    CHECK(l && !l->tagged && l->discriminator == NULL);
    done(m);
}

static void model_should_build_type_lists_tuples_and_pattern_maps(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n"
        "    T:\n      type: object\n      properties:\n"
        "        id: {type: [string, integer, 'null']}\n"
        "        num: {type: [integer, number]}\n"
        "        pos: {type: array, prefixItems: [{type: number}, {type: string}], items: false, minItems: 2}\n"
        "        old: {type: array, items: [{type: integer}], additionalItems: {type: boolean}}\n"
        "        map: {type: object, patternProperties: {'^[a-z]+$': {type: integer}}, additionalProperties: false}\n"
        "  messages:\n    m: {payload: {$ref: '#/components/schemas/T'}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *t = type_named(m, "T");
    const mg_field *id = field_named(t, "id"), *num_ = field_named(t, "num");
    CHECK(id && id->type->kind == MG_KIND_REF && id->type->nullable && id->type->ref->kind == MG_TYPE_UNION);
    if (id && id->type->kind == MG_KIND_REF) {
        const mg_type *u = id->type->ref;
        CHECK(u->multi_type && u->noptions == 2);
        if (u->noptions == 2) {
            CHECK_INT(u->options[0]->type->kind, MG_KIND_STRING);
            CHECK_INT(u->options[1]->type->kind, MG_KIND_INTEGER);
        }
    }
    /* integer is part of number: no union. */
    CHECK(num_ && num_->type->kind == MG_KIND_NUMBER);
    const mg_field *pos = field_named(t, "pos"), *old = field_named(t, "old"), *map = field_named(t, "map");
    CHECK(pos && pos->type->kind == MG_KIND_ARRAY && pos->type->ntuple == 2 && !pos->type->tuple_rest);
    if (pos && pos->type->ntuple == 2) {
        CHECK_INT(pos->type->tuple[0]->kind, MG_KIND_NUMBER);
        CHECK_INT(pos->type->tuple[1]->kind, MG_KIND_STRING);
    }
    CHECK(old && old->type->ntuple == 1 && old->type->tuple_rest && old->type->items->kind == MG_KIND_BOOLEAN);
    CHECK(map && map->type->kind == MG_KIND_MAP && map->type->items->kind == MG_KIND_INTEGER);
    CHECK_STR(map ? map->type->key_pattern : NULL, "^[a-z]+$");
    done(m);
}

static void model_should_mark_recursive_types_and_keep_self_references(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n"
        "    Node:\n"
        "      type: object\n"
        "      properties:\n"
        "        kids: {type: array, items: {$ref: '#/components/schemas/Node'}}\n"
        "        leaf: {$ref: '#/components/schemas/Leaf'}\n"
        "    Leaf: {type: object, properties: {v: {type: number}}}\n"
        "  messages:\n    m: {payload: {$ref: '#/components/schemas/Node'}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *n = type_named(m, "Node");
    CHECK(n && n->recursive);
    CHECK(n && field_named(n, "kids")->type->items->ref == n);
    CHECK(!type_named(m, "Leaf")->recursive);
    done(m);
}

static void model_should_mark_every_type_of_a_cycle_recursive_but_not_types_that_only_reach_it(void)
{
    /* A -> B -> C -> A through an array, a map and a union; D reaches the
     * cycle without being on it; E refers to itself through a map. */
    mg_model *m = build(A3 "components:\n  schemas:\n"
        "    D: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}\n"
        "    A: {type: object, properties: {b: {type: array, items: {$ref: '#/components/schemas/B'}}}}\n"
        "    B: {type: object, additionalProperties: {$ref: '#/components/schemas/C'}, properties: {x: {type: string}}}\n"
        "    C: {oneOf: [{$ref: '#/components/schemas/A'}, {type: string}]}\n"
        "    E: {type: object, properties: {m: {type: object, additionalProperties: {$ref: '#/components/schemas/E'}}}}\n"
        "  messages:\n    m: {payload: {$ref: '#/components/schemas/D'}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    static const char *const rec[] = {"A", "B", "C", "E"};
    for (size_t i = 0; i < sizeof rec / sizeof rec[0]; i++) {
        const mg_type *t = type_named(m, rec[i]);
        CHECK(t && t->recursive);
    }
    const mg_type *d = type_named(m, "D"), *a = type_named(m, "A"), *e = type_named(m, "E");
    CHECK(d && !d->recursive);
    for (int i = 0; i < m->ntypes; i++)
        CHECK(mg_model_type_of_node(m, m->types[i]->schema) == m->types[i]);
    CHECK(mg_model_type_of_node(m, m->doc->root) == NULL);
    /* Asked many times (the view asks per field), the answers stay right. */
    for (int k = 0; k < 3 && d && a && e; k++) {
        CHECK(mg_typeref_reaches(m, field_named(d, "a")->type, a));
        CHECK(!mg_typeref_reaches(m, field_named(a, "b")->type, d));
        CHECK(mg_typeref_reaches(m, field_named(e, "m")->type, e));
        CHECK(!mg_typeref_reaches(m, field_named(e, "m")->type, a));
    }
    done(m);
}

static void model_should_take_the_action_of_the_first_operation_naming_a_channel_message(void)
{
    /* c1: op1 lists m2 only, op2 names the whole channel, op3 lists m1:
     * m1 -> op2 (receive), m2 -> op1 (send). c2: only a later op lists its message. */
    mg_model *m = build(A3 "channels:\n"
        "  c1:\n    messages:\n      m1: {$ref: '#/components/messages/m1'}\n      m2: {$ref: '#/components/messages/m2'}\n"
        "  c2:\n    messages:\n      m3: {$ref: '#/components/messages/m3'}\n"
        "operations:\n"
        "  op1: {action: send, channel: {$ref: '#/channels/c1'}, messages: [{$ref: '#/channels/c1/messages/m2'}]}\n"
        "  op2: {action: receive, channel: {$ref: '#/channels/c1'}}\n"
        "  op3: {action: send, channel: {$ref: '#/channels/c1'}, messages: [{$ref: '#/channels/c1/messages/m1'}]}\n"
        "  op4: {action: receive, channel: {$ref: '#/channels/c2'}, messages: []}\n"
        "  op5: {action: send, channel: {$ref: '#/channels/c2'}, messages: [{$ref: '#/channels/c2/messages/m3'}]}\n"
        "components:\n  messages:\n"
        "    m1: {payload: {type: string}}\n    m2: {payload: {type: string}}\n    m3: {payload: {type: string}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    CHECK_INT(m->nmessages, 3);
    if (m->nmessages == 3) {
        CHECK_STR(m->messages[0]->action, "receive");
        CHECK_STR(m->messages[1]->action, "send");
        CHECK_STR(m->messages[2]->action, "send");
    }
    done(m);
}

static void model_should_read_json_schema_roots_and_definitions_as_messages(void)
{
    mg_model *m = build("$schema: http://json-schema.org/draft-07/schema#\n"
        "title: Order\n"
        "type: object\n"
        "properties: {item: {$ref: '#/definitions/Item'}}\n"
        "examples: [{item: {sku: a}}]\n"
        "definitions:\n"
        "  Item: {type: object, properties: {sku: {type: string}}}\n"
        "  Sku: {type: string, pattern: '^[a-z]+$'}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    CHECK_INT(m->spec, MG_SPEC_JSON_SCHEMA);
    CHECK_INT(m->nmessages, 3);
    CHECK_STR(m->messages[0]->name.s[MG_CASE_RAW], "Order");
    CHECK_STR(m->messages[1]->name.s[MG_CASE_RAW], "Item");
    CHECK_STR(m->messages[2]->payload->name.s[MG_CASE_RAW], "Sku");
    CHECK_INT(m->messages[0]->nexamples, 1);
    CHECK_INT(m->ntypes, 3);
    CHECK(m->types[0]->declared);
    done(m);
}

static void model_should_collect_every_constraint_kind(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    m:\n      payload:\n"
        "        type: object\n"
        "        minProperties: 1\n"
        "        maxProperties: 9\n"
        "        properties:\n"
        "          s: {type: string, minLength: 1, maxLength: 5, pattern: '^a', format: email}\n"
        "          n: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.5}\n"
        "          o: {type: number, minimum: 1, exclusiveMinimum: true}\n"
        "          l: {type: array, minItems: 1, maxItems: 3, uniqueItems: true, items: {type: string}}\n"
        "          c: {const: 3}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *t = type_named(m, "M");
    CHECK(num(t->constraints, "minProperties") == 1 && num(t->constraints, "maxProperties") == 9);
    const cJSON *s = field_named(t, "s")->type->constraints;
    CHECK(num(s, "minLength") == 1 && num(s, "maxLength") == 5);
    CHECK_STR(cJSON_GetObjectItem(s, "pattern")->valuestring, "^a");
    CHECK_STR(field_named(t, "s")->type->format, "email");
    const cJSON *n = field_named(t, "n")->type->constraints;
    CHECK(num(n, "exclusiveMinimum") == 0 && num(n, "exclusiveMaximum") == 1 && num(n, "multipleOf") == 0.5);
    /* The draft-04 boolean form turns the plain bound exclusive. */
    const cJSON *o = field_named(t, "o")->type->constraints;
    CHECK(num(o, "exclusiveMinimum") == 1 && !cJSON_GetObjectItem(o, "minimum"));
    const cJSON *l = field_named(t, "l")->type->constraints;
    CHECK(num(l, "minItems") == 1 && num(l, "maxItems") == 3 && cJSON_IsTrue(cJSON_GetObjectItem(l, "uniqueItems")));
    CHECK_INT(field_named(t, "c")->type->kind, MG_KIND_INTEGER);
    done(m);
}

static void model_should_keep_field_metadata(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n    Id: {type: string, description: An id.}\n"
        "  messages:\n    m:\n      payload:\n"
        "        type: object\n"
        "        required: [id]\n"
        "        properties:\n"
        "          id: {$ref: '#/components/schemas/Id'}\n"
        "          v: {type: integer, default: 3, readOnly: true, deprecated: true, examples: [1, 2], description: V.}\n"
        "          w: {type: string, writeOnly: true}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *t = type_named(m, "M");
    const mg_field *id = field_named(t, "id"), *v = field_named(t, "v"), *w = field_named(t, "w");
    CHECK(id->required && !v->required);
    CHECK_STR(id->description, "An id.");
    CHECK_STR(v->description, "V.");
    CHECK(cJSON_IsNumber(v->default_value) && v->default_value->valuedouble == 3);
    CHECK(v->read_only && v->deprecated && !v->write_only && w->write_only);
    CHECK_INT(cJSON_GetArraySize(v->examples), 2);
    CHECK_STR(id->name.s[MG_CASE_CAMEL], "id");
    CHECK_INT(id->mark.line, 12);
    done(m);
}

/* A field's metadata comes from the property first, then from its $ref
 * target (fmeta_of reads both): the property's own description and default
 * win, what it lacks comes from the target, and the flags add up. */
static void model_should_take_field_metadata_from_the_property_then_its_target(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n"
        "    Base: {type: string, description: From target., default: dflt, const: c1, examples: [t],"
        " readOnly: true, deprecated: true}\n"
        "  messages:\n    m:\n      payload:\n"
        "        type: object\n"
        "        properties:\n"
        "          a: {$ref: '#/components/schemas/Base', description: Own., default: own}\n"
        "          b: {$ref: '#/components/schemas/Base'}\n"
        "          c: {$ref: '#/components/schemas/Base', writeOnly: true, readOnly: false}\n"
        "          d: {type: string, deprecated: false, examples: [x, y, z]}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_type *t = type_named(m, "M");
    const mg_field *a = field_named(t, "a"), *b = field_named(t, "b"), *c = field_named(t, "c"),
                   *d = field_named(t, "d");
    CHECK(a && b && c && d);
    if (a && b && c && d) {
        CHECK_STR(a->description, "Own.");
        CHECK_STR(cJSON_GetStringValue(a->default_value), "own");
        CHECK_STR(cJSON_GetStringValue(a->const_value), "c1");
        CHECK_INT(cJSON_GetArraySize(a->examples), 1);
        CHECK(a->read_only && a->deprecated && !a->write_only);
        CHECK_STR(b->description, "From target.");
        CHECK_STR(cJSON_GetStringValue(b->default_value), "dflt");
        CHECK(b->read_only && b->deprecated && !b->write_only);
        CHECK(c->read_only && c->write_only && c->deprecated);
        CHECK(d->description == NULL && d->default_value == NULL && d->const_value == NULL);
        CHECK(!d->read_only && !d->write_only && !d->deprecated);
        CHECK_INT(cJSON_GetArraySize(d->examples), 3);
    }
    done(m);
}

static void model_should_name_a_payload_that_collides_with_a_declared_type(void)
{
    mg_model *m = build(A3 "components:\n  schemas:\n    Ping: {type: string}\n"
        "  messages:\n    ping:\n      payload: {type: object, properties: {at: {type: string}}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    CHECK_STR(m->messages[0]->payload->name.s[MG_CASE_PASCAL], "PingPayload");
    done(m);
}

static void model_should_reject_unsupported_versions_naming_supported_ones(void)
{
    mg_model *m = build("asyncapi: 1.2.0\ninfo: {title: t, version: '1'}\n");
    CHECK(m == NULL);
    CHECK_STR(errs, "c.yaml:1:11: error: unsupported AsyncAPI version '1.2.0' (msggen reads 2.0.0 to 2.6.0, 3.0.0 and 3.1.0)\n");
    done(m);
    m = build("$schema: https://json-schema.org/draft/2099-01/schema\ntype: object\n");
    CHECK(m == NULL);
    CHECK(strstr(errs, "msggen reads JSON Schema draft-07, 2019-09 and 2020-12") != NULL);
    done(m);
}

/* The loop search marks each schema searched once it is done (find_loops_at
 * keeps the entry's place across the table's growth): a schema that a chain
 * of in-place $refs reached before is no loop when a later schema reaches
 * it through allOf or oneOf, however many schemas the table holds by then;
 * a real loop among them is still reported, once, at its $ref. */
static void model_should_find_only_real_loops_after_long_searches(void)
{
    mg_buf y;
    mg_buf_init(&y);
    mg_buf_append_str(&y, A3 "components:\n  schemas:\n");
    for (int i = 0; i < 60; i++)
        mg_buf_appendf(&y, "    S%d:\n      oneOf:\n        - $ref: '#/components/schemas/S%d'\n"
                           "        - type: string\n", i, i + 1);
    mg_buf_append_str(&y, "    S60: {type: string}\n");
    for (int i = 0; i < 60; i += 7)
        mg_buf_appendf(&y, "    B%d:\n      allOf:\n        - $ref: '#/components/schemas/S%d'\n", i, i);
    mg_buf_append_str(&y, "  messages:\n    m:\n      payload: {$ref: '#/components/schemas/B7'}\n");
    mg_model *m = build(y.data);
    CHECK(m != NULL);
    unit_note("# errors were:\n%s", errs);
    CHECK_STR(errs, "");
    done(m);
    mg_buf_append_str(&y, "    L0: {oneOf: [{type: string}, {$ref: '#/components/schemas/L1'}]}\n"
                          "    L1: {anyOf: [{$ref: '#/components/schemas/S3'}, {$ref: '#/components/schemas/L0'}]}\n");
    /* the loop's schemas go under components.schemas: move the message last */
    char *msg = strstr(y.data, "  messages:\n");
    mg_buf fixed;
    mg_buf_init(&fixed);
    mg_buf_append(&fixed, y.data, (size_t)(msg - y.data));
    mg_buf_append_str(&fixed, strstr(msg, "    L0:"));
    mg_buf_append(&fixed, msg, (size_t)(strstr(msg, "    L0:") - msg));
    m = build(fixed.data);
    CHECK(m == NULL);
    unit_note("# errors were:\n%s", errs);
    CHECK(strstr(errs, "error: schema loop with no property or item in between") != NULL);
    CHECK(strstr(errs, "#/components/schemas/L0 -> ") != NULL);
    CHECK_INT(strstr(errs, "\n") == errs + strlen(errs) - 1, 1); /* one line */
    done(m);
    mg_buf_fini(&fixed);
    mg_buf_fini(&y);
}

static void model_should_reject_unknown_types_and_bad_keyword_values(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    m:\n      payload:\n"
        "        type: object\n"
        "        properties:\n"
        "          a: {type: int}\n"
        "          b: {type: string, maxLength: 2.5}\n"
        "          c: {type: number, multipleOf: 0}\n"
        "          d: {type: object, additionalProperties: 3}\n");
    CHECK(m == NULL);
    unit_note("# errors were:\n%s", errs);
    CHECK(strstr(errs, "c.yaml:9:21: error: unknown type 'int'") != NULL);
    CHECK(strstr(errs, "c.yaml:10:40: error: 'maxLength' must be a non-negative integer") != NULL);
    CHECK(strstr(errs, "c.yaml:11:41: error: 'multipleOf' must be a positive number") != NULL);
    CHECK(strstr(errs, "'additionalProperties' must be true, false or a schema") != NULL);
    done(m);
}

static void model_should_reject_messages_without_payload_and_duplicates(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    a: {summary: x}\n");
    CHECK(m == NULL);
    CHECK_STR(errs, "c.yaml:5:8: error: message 'a' has no payload (add 'payload:' with a schema)\n");
    done(m);
    /* Two inline messages of one name, with no unique key to fall back on. */
    m = build("asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n"
              "  a: {publish: {message: {name: x, payload: {}}}}\n"
              "  b: {publish: {message: {name: x, payload: {}}}}\n");
    CHECK(m == NULL);
    CHECK_STR(errs, "c.yaml:5:26: error: duplicate message name 'x' (first defined at c.yaml:4:26)\n");
    done(m);
}

static void model_should_name_components_messages_that_share_a_name_by_their_keys(void)
{
    mg_model *m = build(A3 "channels:\n  c: {messages: {m: {$ref: '#/components/messages/b'}}}\n"
                           "components:\n  messages:\n    a: {name: x, payload: {}}\n"
                           "    b: {name: x, payload: {}}\n    c: {name: x, payload: {}}\n    d: {name: y, payload: {}}\n");
    CHECK(m != NULL);
    CHECK_STR(errs, "c.yaml:8:5: warning: components.messages 'b' has the same name 'x' as 'a' (at c.yaml:7:5); msggen names both by their keys\n");
    if (m) {
        CHECK_INT(m->nmessages, 4);
        CHECK_STR(m->messages[0]->name.s[MG_CASE_RAW], "b");
        CHECK_STR(m->messages[1]->name.s[MG_CASE_RAW], "a");
        CHECK_STR(m->messages[2]->name.s[MG_CASE_RAW], "c");
        CHECK_STR(m->messages[3]->name.s[MG_CASE_RAW], "y");
    }
    done(m);
}

static void model_should_name_messages_without_a_name(void)
{
    /* 2.x: messageId, else the components.messages key, else channel +
     * operation (its operationId when it has one) + position in a oneOf. */
    mg_model *m = build("asyncapi: 2.4.0\ninfo: {title: t, version: '1'}\nchannels:\n"
                        "  up:\n    publish: {message: {messageId: upMsg, payload: {}}}\n"
                        "    subscribe: {message: {oneOf: [{payload: {}}, {$ref: '#/components/messages/k'}]}}\n"
                        "  down:\n    publish: {operationId: goDown, message: {payload: {}}}\n"
                        "    subscribe: {message: {payload: {}}}\n"
                        "components:\n  messages:\n    k: {payload: {}}\n");
    CHECK(m != NULL);
    CHECK_STR(errs, "");
    if (m) {
        CHECK_INT(m->nmessages, 5);
        const char *want[] = {"upMsg", "up subscribe 1", "k", "goDown", "down subscribe"};
        for (int i = 0; i < 5 && i < m->nmessages; i++)
            CHECK_STR(m->messages[i]->name.s[MG_CASE_RAW], want[i]);
    }
    done(m);
    /* 3.x has no messageId: the key names the message. */
    m = build("asyncapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
              "channels:\n  c: {messages: {byKey: {messageId: ignored, payload: {}}}}\n");
    CHECK(m != NULL);
    CHECK_STR(errs, "");
    if (m)
        CHECK_STR(m->messages[0]->name.s[MG_CASE_RAW], "byKey");
    done(m);
}

static void model_should_find_messages_by_any_casing(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    file-download-request: {payload: {type: object}}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    CHECK(mg_model_find_message(m, "file-download-request") == m->messages[0]);
    CHECK(mg_model_find_message(m, "FileDownloadRequest") == m->messages[0]);
    CHECK(mg_model_find_message(m, "FILE_DOWNLOAD_REQUEST") == m->messages[0]);
    CHECK(mg_model_find_message(m, "nope") == NULL);
    done(m);
}

static void model_should_keep_document_order_and_be_deterministic(void)
{
    const char *doc = A3 "components:\n  schemas:\n    Z: {type: string}\n    A: {type: string}\n    M: {type: integer}\n"
                      "  messages:\n    zeta: {payload: {$ref: '#/components/schemas/Z'}}\n"
                      "    alpha: {payload: {$ref: '#/components/schemas/A'}}\n";
    for (int round = 0; round < 2; round++) {
        mg_model *m = build(doc);
        CHECK(m != NULL);
        if (!m) { done(m); return; }
        CHECK_STR(m->types[0]->name.s[MG_CASE_RAW], "Z");
        CHECK_STR(m->types[1]->name.s[MG_CASE_RAW], "A");
        CHECK_STR(m->types[2]->name.s[MG_CASE_RAW], "M");
        CHECK_STR(m->messages[0]->name.s[MG_CASE_RAW], "zeta");
        CHECK_STR(m->messages[1]->name.s[MG_CASE_RAW], "alpha");
        done(m);
    }
}

static void model_should_keep_the_raw_payload_schema_and_example_positions(void)
{
    mg_model *m = build(A3 "components:\n  messages:\n    m:\n"
        "      payload: {type: object, properties: {a: {type: integer}}}\n"
        "      examples:\n"
        "        - name: one\n"
        "          payload: {a: 1}\n"
        "        - headers: {x: 1}\n");
    CHECK(m != NULL);
    if (!m) { unit_note("# %s", errs); done(m); return; }
    const mg_message *g = m->messages[0];
    CHECK(g->payload_schema && cJSON_GetObjectItem(g->payload_schema, "properties"));
    CHECK_INT(g->nexamples, 1);
    CHECK_STR(g->examples[0]->name, "one");
    CHECK_INT(g->examples[0]->mark.line, 9);
    CHECK_INT(g->examples[0]->mark.col, 20);
    done(m);
}

int main(void)
{
    RUN(model_should_read_asyncapi3_channels_operations_and_messages);
    RUN(model_should_map_asyncapi2_publish_to_receive_and_subscribe_to_send);
    RUN(model_should_hoist_inline_objects_with_parent_and_field_names);
    RUN(model_should_hoist_inline_string_enums_and_keep_other_enums_as_constraints);
    RUN(model_should_read_nullable_forms);
    RUN(model_should_merge_allof_properties_required_and_stricter_bounds);
    RUN(model_should_report_conflicting_allof_types_at_the_later_member);
    RUN(model_should_build_unions_with_discriminator_tags);
    RUN(model_should_tag_unions_by_a_const_property_every_option_requires);
    RUN(model_should_build_type_lists_tuples_and_pattern_maps);
    RUN(model_should_mark_recursive_types_and_keep_self_references);
    RUN(model_should_mark_every_type_of_a_cycle_recursive_but_not_types_that_only_reach_it);
    RUN(model_should_take_the_action_of_the_first_operation_naming_a_channel_message);
    RUN(model_should_read_json_schema_roots_and_definitions_as_messages);
    RUN(model_should_collect_every_constraint_kind);
    RUN(model_should_keep_field_metadata);
    RUN(model_should_take_field_metadata_from_the_property_then_its_target);
    RUN(model_should_name_a_payload_that_collides_with_a_declared_type);
    RUN(model_should_reject_unsupported_versions_naming_supported_ones);
    RUN(model_should_find_only_real_loops_after_long_searches);
    RUN(model_should_reject_unknown_types_and_bad_keyword_values);
    RUN(model_should_reject_messages_without_payload_and_duplicates);
    RUN(model_should_name_components_messages_that_share_a_name_by_their_keys);
    RUN(model_should_name_messages_without_a_name);
    RUN(model_should_find_messages_by_any_casing);
    RUN(model_should_keep_document_order_and_be_deterministic);
    RUN(model_should_keep_the_raw_payload_schema_and_example_positions);
    return unit_done();
}
