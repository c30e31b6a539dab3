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

int main(void)
{
    RUN(api_should_list_every_use_of_a_message_sent_on_two_channels);
    RUN(api_should_merge_traits_by_each_versions_rule);
    RUN(api_should_read_reply_servers_and_security);
    RUN(api_should_refuse_an_operation_on_a_channel_outside_channels);
    return unit_done();
}
