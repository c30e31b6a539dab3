/* test_api.c - the interface (api.h): operations, channels, uses, traits,
 * servers and security, for AsyncAPI 2.x and 3.x. Catalogues are in-memory
 * YAML documents loaded through load.h. */
#include "../../generator/api.c"
#include "unit.h"

static mg_docset *set;
static mg_diag diag;
static char first_error[512];

static void capture(void *user, const char *line)
{
    (void)user;
    if (!first_error[0])
        snprintf(first_error, sizeof first_error, "%s", line);
}

static mg_model *build(const char *yaml)
{
    first_error[0] = '\0';
    set = mg_docset_new(".");
    mg_diag_init_sink(&diag, capture, NULL);
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

static const char *str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const cJSON *at(const cJSON *list, int i)
{
    return cJSON_GetArrayItem(list, i);
}

static void api_should_list_every_use_of_a_message_sent_on_two_channels(void)
{
    mg_model *m = build("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
                        "channels:\n"
                        "  on: {address: 'lamp/on', messages: {sw: {$ref: '#/components/messages/sw'}}}\n"
                        "  off: {address: 'lamp/off', messages: {sw: {$ref: '#/components/messages/sw'}}}\n"
                        "operations:\n"
                        "  turnOn: {action: send, channel: {$ref: '#/channels/on'}}\n"
                        "  turnOff: {action: send, channel: {$ref: '#/channels/off'},\n"
                        "            messages: [{$ref: '#/channels/off/messages/sw'}]}\n"
                        "components:\n"
                        "  messages:\n"
                        "    sw: {name: sw, payload: {type: object}}\n");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_INT(m->nmessages, 1);
    const cJSON *uses = at(m->api->uses, 0);
    CHECK_INT(cJSON_GetArraySize(uses), 2);
    CHECK_STR(str(at(uses, 0), "operation"), "turnOn");
    CHECK_STR(str(at(uses, 0), "channel_address"), "lamp/on");
    CHECK_STR(str(at(uses, 1), "operation"), "turnOff");
    CHECK_STR(str(at(uses, 1), "channel"), "off");
    CHECK_INT(cJSON_GetArraySize(m->api->operations), 2);
    done(m);
}

static void api_should_merge_traits_by_each_versions_rule(void)
{
    /* 2.x: the trait's summary wins; 3.x: the message's own. */
    mg_model *m = build("asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\n"
                        "channels:\n"
                        "  c:\n"
                        "    subscribe:\n"
                        "      operationId: op\n"
                        "      traits: [{bindings: {kafka: {groupId: g}}}]\n"
                        "      bindings: {kafka: {clientId: c}}\n"
                        "      message:\n"
                        "        name: m\n"
                        "        summary: own\n"
                        "        traits: [{summary: trait, headers: {type: object, properties: {h: {type: string}}}}]\n"
                        "        payload: {type: object}\n");
    CHECK(m != NULL);
    if (m) {
        CHECK_STR(m->messages[0]->summary, "trait");
        CHECK(m->messages[0]->headers != NULL);
        if (m->messages[0]->headers)
            CHECK_STR(m->messages[0]->headers->name.s[MG_CASE_PASCAL], "MHeaders");
        const cJSON *op = at(m->api->operations, 0);
        CHECK_STR(str(op, "id"), "op");
        CHECK_STR(str(op, "action"), "send");
        const cJSON *kafka = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(op, "bindings"), "kafka");
        CHECK_STR(str(kafka, "groupId"), "g");
        CHECK_STR(str(kafka, "clientId"), "c");
        done(m);
    }
    m = build("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
              "channels:\n"
              "  c: {messages: {m: {name: m, summary: own, traits: [{summary: trait}], payload: {type: object}}}}\n");
    CHECK(m != NULL);
    if (m) {
        CHECK_STR(m->messages[0]->summary, "own");
        done(m);
    }
}

static void api_should_read_reply_servers_and_security(void)
{
    mg_model *m = build("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
                        "servers:\n"
                        "  prod:\n"
                        "    host: '{env}.example.com'\n"
                        "    protocol: mqtt\n"
                        "    variables: {env: {enum: [a, b], default: a}}\n"
                        "    security: [{$ref: '#/components/securitySchemes/pw'}]\n"
                        "channels:\n"
                        "  req: {messages: {q: {name: q, payload: {type: object}}}}\n"
                        "  rep: {messages: {r: {name: r, payload: {type: object}}}}\n"
                        "operations:\n"
                        "  ask:\n"
                        "    action: send\n"
                        "    channel: {$ref: '#/channels/req'}\n"
                        "    reply: {channel: {$ref: '#/channels/rep'}, address: {location: '$message.header#/to'}}\n"
                        "components:\n"
                        "  securitySchemes: {pw: {type: userPassword}}\n");
    CHECK(m != NULL);
    if (!m)
        return;
    const cJSON *reply = cJSON_GetObjectItemCaseSensitive(at(m->api->operations, 0), "reply");
    CHECK_STR(str(reply, "channel"), "rep");
    CHECK_STR(str(reply, "address"), "$message.header#/to");
    const cJSON *ru = at(at(m->api->uses, 1), 0);
    CHECK_STR(str(ru, "action"), "receive");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ru, "reply")));
    const cJSON *srv = at(m->api->servers, 0);
    CHECK_STR(str(srv, "url"), "mqtt://{env}.example.com");
    CHECK_STR(str(at(cJSON_GetObjectItemCaseSensitive(srv, "variables"), 0), "default"), "a");
    CHECK_STR(str(at(cJSON_GetObjectItemCaseSensitive(srv, "security"), 0), "scheme"), "pw");
    done(m);
}

static void api_should_refuse_an_operation_on_a_channel_outside_channels(void)
{
    mg_model *m = build("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
                        "channels:\n"
                        "  c: {messages: {m: {name: m, payload: {type: object}}}}\n"
                        "operations:\n"
                        "  op: {action: send, channel: {$ref: '#/components/channels/x'}}\n"
                        "components:\n"
                        "  channels: {x: {address: x}}\n");
    CHECK(m == NULL);
    CHECK(strstr(first_error, "c.yaml:6:38:") != NULL);
    CHECK(strstr(first_error, "must be a $ref to a channel under 'channels'") != NULL);
    done(m);
}

static const cJSON *path(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    return b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
}

/* The names of the members of `o`, in order, joined by ','. */
static const char *keys(const cJSON *o)
{
    static char buf[256];
    buf[0] = '\0';
    const cJSON *c;
    cJSON_ArrayForEach(c, o) {
        if (buf[0])
            strncat(buf, ",", sizeof buf - strlen(buf) - 1);
        strncat(buf, c->string ? c->string : "?", sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

static void api_should_merge_2x_trait_headers_property_by_property_trait_winning(void)
{
    mg_model *m = build("asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\n"                      /* 1-2 */
                        "channels:\n"                                                           /* 3 */
                        "  c:\n"                                                                /* 4 */
                        "    subscribe:\n"                                                      /* 5 */
                        "      message: {$ref: '#/components/messages/m'}\n"                    /* 6 */
                        "components:\n"                                                         /* 7 */
                        "  messages:\n"                                                         /* 8 */
                        "    m:\n"                                                              /* 9 */
                        "      name: m\n"                                                       /* 10 */
                        "      payload: {type: object}\n"                                       /* 11 */
                        "      tags: [{name: own}]\n"                                           /* 12 */
                        "      correlationId: {location: '$message.header#/id'}\n"              /* 13 */
                        "      headers:\n"                                                      /* 14 */
                        "        type: object\n"                                                /* 15 */
                        "        required: [b]\n"                                               /* 16 */
                        "        properties:\n"                                                 /* 17 */
                        "          b: {type: string, description: own}\n"                       /* 18 */
                        "          gone: {type: string}\n"                                      /* 19 */
                        "      traits:\n"                                                       /* 20 */
                        "        - $ref: '#/components/messageTraits/t1'\n"                     /* 21 */
                        "        - headers: {properties: {b: {maxLength: 4}}}\n"                /* 22 */
                        "  messageTraits:\n"                                                    /* 23 */
                        "    t1:\n"                                                             /* 24 */
                        "      tags: [{name: trait}]\n"                                         /* 25 */
                        "      correlationId: {description: from the trait}\n"                  /* 26 */
                        "      headers:\n"                                                      /* 27 */
                        "        required: [a]\n"                                               /* 28 */
                        "        properties:\n"                                                 /* 29 */
                        "          a: {type: integer}\n"                                        /* 30 */
                        "          b: {type: number}\n"                                         /* 31 */
                        "          gone: null\n");                                              /* 32 */
    CHECK(m != NULL);
    if (!m)
        return;
    const mg_message *g = m->messages[0];
    const cJSON *h = g->headers_schema;
    /* The trait adds a; its type of b wins; the second trait adds maxLength;
     * b's own description stays; null deletes gone; arrays are replaced. */
    CHECK_STR(keys(path(h, "properties", NULL)), "b,a");
    CHECK_STR(str(path(h, "properties", "b"), "type"), "number");
    CHECK_STR(str(path(h, "properties", "b"), "description"), "own");
    CHECK_INT((int)cJSON_GetNumberValue(path(path(h, "properties", "b"), "maxLength", NULL)), 4);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(path(h, "required", NULL), 0)), "a");
    CHECK_INT(cJSON_GetArraySize(path(h, "required", NULL)), 1);
    CHECK_STR(str(h, "type"), "object");
    /* The merged headers are the message's own: <Message>Headers, with both fields. */
    CHECK(g->headers != NULL);
    if (g->headers) {
        CHECK_STR(g->headers->name.s[MG_CASE_PASCAL], "MHeaders");
        CHECK_INT(g->headers->nfields, 2);
    }
    /* Every node keeps the position it was copied from. */
    CHECK_INT(mg_doc_mark(g->headers_doc, path(path(h, "properties", "a"), "type", NULL)).line, 30);
    CHECK_INT(mg_doc_key_mark(g->headers_doc, path(h, "properties", "a")).line, 30);
    CHECK_INT(mg_doc_mark(g->headers_doc, path(h, "properties", "b")).line, 18);
    CHECK_INT(mg_doc_mark(g->headers_doc, path(path(h, "properties", "b"), "maxLength", NULL)).line, 22);
    CHECK_INT(mg_doc_mark(g->headers_doc, h).line, 15);
    /* The merged member is in the message's place, and asking again gives it. */
    const mg_doc *d1, *d2;
    const cJSON *o1, *o2;
    const cJSON *again = mg_traits_member(m->traits, g->doc, g->node, "headers", &d1, &o1);
    CHECK(again == path(g->node, "headers", NULL));
    CHECK(mg_traits_member(m->traits, g->doc, g->node, "headers", &d2, &o2) == again);
    CHECK(o1 == g->node);
    /* Arrays are replaced (tags); objects merged (correlationId). */
    CHECK_INT(cJSON_GetArraySize(g->tags), 1);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(g->tags, 0)), "trait");
    CHECK_STR(g->correlation_location, "$message.header#/id");
    CHECK_STR(g->correlation_description, "from the trait");
    done(m);
}

static void api_should_merge_3x_traits_in_order_under_the_messages_own_values(void)
{
    mg_model *m = build("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
                        "channels:\n"
                        "  c: {messages: {m: {$ref: '#/components/messages/m'}}}\n"
                        "components:\n"
                        "  messages:\n"
                        "    m:\n"
                        "      name: m\n"
                        "      summary: own\n"
                        "      payload: {type: object}\n"
                        "      headers:\n"
                        "        type: object\n"
                        "        required: [b]\n"
                        "        properties:\n"
                        "          b: {type: string}\n"
                        "      traits:\n"
                        "        - summary: first\n"
                        "          headers:\n"
                        "            type: array\n"
                        "            required: [a, b]\n"
                        "            properties: {a: {type: integer, minimum: 1}, b: {type: integer, maxLength: 9}}\n"
                        "        - headers: {properties: {a: {minimum: 2}, c: {type: boolean}}}\n");
    CHECK(m != NULL);
    if (!m)
        return;
    const mg_message *g = m->messages[0];
    const cJSON *h = g->headers_schema;
    CHECK_STR(g->summary, "own");
    CHECK_STR(str(h, "type"), "object");                          /* own, not the trait's array */
    CHECK_STR(keys(path(h, "properties", NULL)), "a,b,c");         /* traits in order, then own */
    CHECK_STR(str(path(h, "properties", "b"), "type"), "string");  /* own wins at depth */
    CHECK_INT((int)cJSON_GetNumberValue(path(path(h, "properties", "b"), "maxLength", NULL)), 9);
    CHECK_INT((int)cJSON_GetNumberValue(path(path(h, "properties", "a"), "minimum", NULL)), 2); /* later trait */
    CHECK_INT(cJSON_GetArraySize(path(h, "required", NULL)), 1);   /* own array, whole */
    CHECK(g->headers != NULL);
    if (g->headers)
        CHECK_INT(g->headers->nfields, 3);
    done(m);
}

static void api_should_keep_a_traits_headers_whole_when_the_message_has_none(void)
{
    mg_model *m = build("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
                        "channels:\n"
                        "  c: {messages: {m: {$ref: '#/components/messages/m'}, n: {$ref: '#/components/messages/n'}}}\n"
                        "components:\n"
                        "  messages:\n"
                        "    m: {name: m, payload: {type: object}, traits: [{$ref: '#/components/messageTraits/common'}]}\n"
                        "    n: {name: n, payload: {type: object}, traits: [{$ref: '#/components/messageTraits/common'}]}\n"
                        "  messageTraits:\n"
                        "    common: {headers: {type: object, properties: {x: {type: string}}}}\n");
    CHECK(m != NULL);
    if (!m)
        return;
    /* One shared type named after the trait, the trait's own node. */
    CHECK(m->messages[0]->headers != NULL && m->messages[0]->headers == m->messages[1]->headers);
    if (m->messages[0]->headers)
        CHECK_STR(m->messages[0]->headers->name.s[MG_CASE_PASCAL], "CommonHeaders");
    CHECK(path(m->messages[0]->node, "headers", NULL) == NULL);
    done(m);
}

static void api_should_let_a_2x_null_delete_a_member_and_merge_operation_objects(void)
{
    mg_model *m = build("asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\n"
                        "channels:\n"
                        "  c:\n"
                        "    subscribe:\n"
                        "      operationId: op\n"
                        "      externalDocs: {url: 'https://own.example.com'}\n"
                        "      traits: [{externalDocs: {description: from the trait}}]\n"
                        "      message:\n"
                        "        name: m\n"
                        "        payload: {type: object}\n"
                        "        headers: {type: object, properties: {a: {type: string}}}\n"
                        "        traits: [{headers: null}]\n");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(m->messages[0]->headers == NULL);
    CHECK(m->messages[0]->headers_schema == NULL);
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(at(m->api->operations, 0), "external_docs");
    CHECK_STR(str(ed, "url"), "https://own.example.com");
    CHECK_STR(str(ed, "description"), "from the trait");
    done(m);
}

/* Every diagnostic of a build, one per line. */
static char all_errors[2048];

static void capture_all(void *user, const char *line)
{
    (void)user;
    strncat(all_errors, line, sizeof all_errors - strlen(all_errors) - 2);
    strncat(all_errors, "\n", sizeof all_errors - strlen(all_errors) - 1);
}

/* Operations are matched to their channels and to earlier operations of the
 * same identifier through tables (api.c, chan_ent and op_ent), not by
 * scanning: each still names the first one, as the scans did. */
static void api_should_name_the_first_channel_and_the_first_colliding_operation(void)
{
    static const char *yaml =
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
        "channels:\n"
        "  a: {$ref: '#/components/channels/x'}\n"
        "  b: {$ref: '#/components/channels/x'}\n"
        "  c: {address: c, messages: {m: {$ref: '#/components/messages/m'}}}\n"
        "operations:\n"
        "  turnOn: {action: send, channel: {$ref: '#/channels/b'}}\n"
        "  dim: {action: send, channel: {$ref: '#/channels/c'}}\n"
        "  turn_on: {action: send, channel: {$ref: '#/channels/c'}}\n"
        "  TurnOn: {action: receive, channel: {$ref: '#/channels/c'}}\n"
        "components:\n"
        "  channels: {x: {address: x, messages: {m: {$ref: '#/components/messages/m'}}}}\n"
        "  messages:\n"
        "    m: {name: m, payload: {type: object}}\n";
    all_errors[0] = '\0';
    set = mg_docset_new(".");
    mg_diag_init_sink(&diag, capture_all, NULL);
    const mg_doc *doc = mg_docset_load_buffer(set, "c.yaml", yaml, strlen(yaml), &diag);
    CHECK(doc != NULL);
    CHECK(doc && mg_resolve_all(set, doc, &diag) == 0);
    mg_model *m = doc ? mg_model_new(set, doc, &diag) : NULL;
    CHECK(m == NULL);
    CHECK(strstr(all_errors, "c.yaml:10:3: error: operation 'turn_on' collides with operation 'turnOn' "
                             "defined at c.yaml:8:3 (both become 'turn_on')\n") != NULL);
    CHECK(strstr(all_errors, "c.yaml:11:3: error: operation 'TurnOn' collides with operation 'turnOn' "
                             "defined at c.yaml:8:3 (both become 'turn_on')\n") != NULL);
    CHECK(strstr(all_errors, "'dim'") == NULL);
    if (strstr(all_errors, "collides") == NULL)
        unit_note("# diagnostics: %s\n", all_errors);
    done(m);

    /* Without the collisions: turnOn's channel is b's target, which a, the
     * first channel, reaches too. */
    static const char *ok =
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
        "channels:\n"
        "  a: {$ref: '#/components/channels/x'}\n"
        "  b: {$ref: '#/components/channels/x'}\n"
        "  c: {address: c, messages: {m: {$ref: '#/components/messages/m'}}}\n"
        "operations:\n"
        "  turnOn: {action: send, channel: {$ref: '#/channels/b'}}\n"
        "  dim: {action: send, channel: {$ref: '#/channels/c'}}\n"
        "components:\n"
        "  channels: {x: {address: x, messages: {m: {$ref: '#/components/messages/m'}}}}\n"
        "  messages:\n"
        "    m: {name: m, payload: {type: object}}\n";
    m = build(ok);
    CHECK(m != NULL);
    if (!m) {
        unit_note("# %s\n", first_error);
        done(m);
        return;
    }
    CHECK_STR(str(at(m->api->operations, 0), "channel"), "a");
    CHECK_STR(str(at(m->api->operations, 1), "channel"), "c");
    /* m is used on a (turnOn), on b (listed, no operation) and on c (dim). */
    const cJSON *uses = at(m->api->uses, 0);
    CHECK(cJSON_GetArraySize(uses) == 3);
    CHECK_STR(str(at(uses, 0), "operation"), "turnOn");
    CHECK_STR(str(at(uses, 0), "channel"), "a");
    CHECK_STR(str(at(uses, 1), "operation"), "dim");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(at(uses, 2), "operation")));
    CHECK_STR(str(at(uses, 2), "channel"), "b");
    done(m);
}

int main(void)
{
    RUN(api_should_list_every_use_of_a_message_sent_on_two_channels);
    RUN(api_should_merge_traits_by_each_versions_rule);
    RUN(api_should_read_reply_servers_and_security);
    RUN(api_should_refuse_an_operation_on_a_channel_outside_channels);
    RUN(api_should_merge_2x_trait_headers_property_by_property_trait_winning);
    RUN(api_should_merge_3x_traits_in_order_under_the_messages_own_values);
    RUN(api_should_keep_a_traits_headers_whole_when_the_message_has_none);
    RUN(api_should_let_a_2x_null_delete_a_member_and_merge_operation_objects);
    RUN(api_should_name_the_first_channel_and_the_first_colliding_operation);
    return unit_done();
}
