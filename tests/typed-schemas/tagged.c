/* The C target on tests/golden/const-union: tagged unions dispatch on their
 * tag (read before anything else), a value without a known tag is refused with
 * an error naming it, tuples and multi-type members are validated JSON, maps
 * from patternProperties are typed, and from_json -> to_json gives the value
 * back. Prints one "ok NAME" / "not ok NAME: why" line per check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "telemetry.h"

static int failures;

static void check(int cond, const char *name, const char *why)
{
    if (cond)
        printf("ok c_tagged_%s\n", name);
    else {
        printf("not ok c_tagged_%s: %s\n", name, why);
        failures++;
    }
}

/* from_json of `text` as a DeviceEvent; *msg gets the error message. */
static telemetry_DeviceEvent *event(const char *text, char *msg, size_t n)
{
    cJSON *j = cJSON_Parse(text);
    telemetry_error err = {0};
    telemetry_DeviceEvent *e = telemetry_DeviceEvent_from_json(j, &err);
    snprintf(msg, n, "%s", e ? "" : telemetry_error_message(&err));
    telemetry_error_clear(&err);
    cJSON_Delete(j);
    return e;
}

static int same_json(const char *text, cJSON *got)
{
    cJSON *want = cJSON_Parse(text);
    int eq = want && got && cJSON_Compare(want, got, 1);
    cJSON_Delete(want);
    cJSON_Delete(got);
    return eq;
}

int main(void)
{
    char msg[512];
    const char *hb = "{\"type\": \"heartbeat\", \"seq\": 1, \"source\": \"sensor \\\"A\\\" */ ${x}\", \"uptime\": 12}";
    const char *rd = "{\"type\": \"reading\", \"seq\": 2, \"source\": \"sensor \\\"A\\\" */ ${x}\", "
                     "\"position\": [1.5, 2.5], \"labels\": {\"room\": \"kitchen\"}, \"id\": 7}";
    telemetry_DeviceEvent *e = event(hb, msg, sizeof msg);
    check(e && e->option == TELEMETRY_DEVICE_EVENT_HEARTBEAT && e->as.option0->uptime == 12, "heartbeat_dispatch", msg);
    check(e && same_json(hb, telemetry_DeviceEvent_to_json(e)), "heartbeat_roundtrip", "to_json differs");
    telemetry_DeviceEvent_free(e);

    e = event(rd, msg, sizeof msg);
    int okr = e && e->option == TELEMETRY_DEVICE_EVENT_READING;
    check(okr, "reading_dispatch", msg);
    if (okr) {
        telemetry_Reading *r = e->as.option1;
        check(cJSON_IsArray(r->position) && cJSON_GetArraySize(r->position) == 2, "tuple_is_json_array", "position");
        check(r->has_labels && r->labels_count == 1 && strcmp(r->labels_keys[0], "room") == 0 &&
                  strcmp(r->labels_values[0], "kitchen") == 0,
              "pattern_map_is_typed", "labels");
        check(r->has_id && cJSON_IsNumber(r->id) && r->id->valuedouble == 7, "multi_type_is_json", "id");
    }
    check(e && same_json(rd, telemetry_DeviceEvent_to_json(e)), "reading_roundtrip", "to_json differs");
    telemetry_DeviceEvent_free(e);

    e = event("{\"type\": \"bogus\", \"seq\": 1}", msg, sizeof msg);
    check(!e && strcmp(msg, "DeviceEvent: unknown type 'bogus' (expected one of 'heartbeat', 'reading')") == 0,
          "unknown_tag_is_named", msg);
    telemetry_DeviceEvent_free(e);
    e = event("{\"seq\": 1}", msg, sizeof msg);
    check(!e && strstr(msg, "no string member 'type'") != NULL, "missing_tag_is_named", msg);
    telemetry_DeviceEvent_free(e);
    /* A known tag on a value that breaks its option: the validator's errors. */
    e = event("{\"type\": \"heartbeat\", \"seq\": \"x\", \"source\": \"sensor \\\"A\\\" */ ${x}\"}", msg, sizeof msg);
    check(!e && msg[0] != '\0', "invalid_option_is_refused", "accepted");
    telemetry_DeviceEvent_free(e);
    /* A pattern map key that does not match is refused by validation. */
    e = event("{\"type\": \"reading\", \"seq\": 2, \"source\": \"sensor \\\"A\\\" */ ${x}\", "
              "\"position\": [1, 2], \"labels\": {\"Room\": \"x\"}}", msg, sizeof msg);
    check(!e, "pattern_map_key_is_checked", "accepted key 'Room'");
    telemetry_DeviceEvent_free(e);

    /* The mapping: "bank-transfer" names Transfer. */
    cJSON *j = cJSON_Parse("{\"kind\": \"bank-transfer\", \"iban\": \"DE00\"}");
    telemetry_error err = {0};
    telemetry_Method *m = telemetry_Method_from_json(j, &err);
    check(m && m->option == TELEMETRY_METHOD_BANK_TRANSFER && strcmp(m->as.option1->iban, "DE00") == 0,
          "mapping_dispatch", telemetry_error_message(&err));
    telemetry_Method_free(m);
    telemetry_error_clear(&err);
    cJSON_Delete(j);
    /* Valid by oneOf (only Transfer matches), but its tag names Card. */
    j = cJSON_Parse("{\"kind\": \"card\", \"iban\": \"DE00\"}");
    m = telemetry_Method_from_json(j, &err);
    check(!m && strstr(telemetry_error_message(&err), "kind is 'card', but the value is not that option") != NULL,
          "tag_and_value_disagree", telemetry_error_message(&err));
    telemetry_Method_free(m);
    telemetry_error_clear(&err);
    cJSON_Delete(j);
    /* Tags that are not identifiers: printed exactly into the C literals. */
    static const char *const quoted[] = {"{\"q\": \"say \\\"hi\\\" */\"}",
                                         "{\"q\": \"back\\\\slash ${x}\", \"n\": 1}",
                                         "{\"q\": \"line\\nbreak\"}"};
    static const int want[] = {TELEMETRY_QUOTED_SAY_HI, TELEMETRY_QUOTED_BACK_SLASH_X, TELEMETRY_QUOTED_LINE_BREAK};
    for (int i = 0; i < 3; i++) {
        j = cJSON_Parse(quoted[i]);
        telemetry_Quoted *q = telemetry_Quoted_from_json(j, &err);
        char name[64];
        snprintf(name, sizeof name, "escaped_tag_%d_dispatch", i);
        check(q && q->option == want[i] && same_json(quoted[i], telemetry_Quoted_to_json(q)), name,
              q ? "wrong option or round trip" : telemetry_error_message(&err));
        telemetry_Quoted_free(q);
        telemetry_error_clear(&err);
        cJSON_Delete(j);
    }
    return failures ? 1 : 0;
}
