/* tests/crosslang: the C publisher. Built against the C client generated
 * from tests/catalogues/streetlights-3.0.yaml (MQTT) or, with -DKAFKA,
 * streetlights-kafka-3.0.yaml; it publishes exactly what plan-mqtt.json or
 * plan-kafka.json lists (the Python subscriber checks it against the plan),
 * through the typed operations where the catalogue has a send operation for
 * the message, else (MQTT's lightMeasured, which the application only
 * receives) as the message's JSON through the transport interface, as any
 * other publisher of the catalogue would.
 *
 *     cpub URL        exit 0 when every publish was acknowledged
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef KAFKA
#include "streetlights_kafka_api_bus.h"
#define N(x) streetlights_kafka_api_##x
#define M(x) STREETLIGHTS_KAFKA_API_##x
#define TRANSPORT streetlights_kafka_api_kafka_transport
#define REQ(field) /* required members have no has_ flag */
#else
#include "streetlights_mqtt_api_bus.h"
#define N(x) streetlights_mqtt_api_##x
#define M(x) STREETLIGHTS_MQTT_API_##x
#define TRANSPORT streetlights_mqtt_api_mqtt_transport
#define REQ(field) .has_##field = true, /* optional members in this catalogue */
#endif

static int failed;

static void check(int ok, const char *what, N(error) *err)
{
    if (!ok) {
        fprintf(stderr, "cpub: %s: %s\n", what, N(error_message)(err));
        failed = 1;
    }
    N(error_clear)(err);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cpub URL\n");
        return 2;
    }
    N(error) err = {0};
    N(server_config) cfg = {.url = argv[1], .client_id = "crosslang-cpub"};
    N(transport) t;
    if (!TRANSPORT(&cfg, &t, &err)) {
        fprintf(stderr, "cpub: %s\n", N(error_message)(&err));
        return 1;
    }
    N(bus) *bus = N(bus_new)(&t, &err);
    if (!bus || !N(bus_connect)(bus, &err)) {
        fprintf(stderr, "cpub: connect: %s\n", N(error_message)(&err));
        N(error_clear)(&err);
        N(bus_free)(bus);
        return 1;
    }
    char sent_at[] = "2024-05-02T06:00:00Z";

    N(light_measured_payload) lm = {.id = 7, REQ(id) .lumens = 250, REQ(lumens)
                                    .sent_at = sent_at, .has_sent_at = true};
#ifdef KAFKA
    char trace_lm[] = "trace-42", trace_on[] = "trace-on-1";
    N(light_measured_headers) lm_h = {.trace_id = trace_lm, .has_trace_id = true};
    N(op_send_light_measurement_params) lm_p = {.streetlight_id = "lamp-7"};
    check(N(op_send_light_measurement)(bus, &lm_p, &lm, &lm_h, &err), "sendLightMeasurement", &err);
#else
    /* No send operation for lightMeasured here: its JSON, published on the
     * channel's address through the transport the bus runs on. */
    cJSON *j = N(message_to_json)(M(MESSAGE_LIGHT_MEASURED), &lm);
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    N(publish_options) po = {.qos = 1, .partition = -1};
    check(text && t.publish(t.self, "smartylighting/streetlights/1/0/event/lamp-7/lighting/measured", text,
                            strlen(text), NULL, 0, &po, &err),
          "lightMeasured", &err);
    free(text);
    cJSON_Delete(j);
#endif

    N(turn_on_off_payload) on = {.command = M(TURN_ON_OFF_PAYLOAD_COMMAND_ON), REQ(command)
                                 .sent_at = sent_at, .has_sent_at = true};
    N(op_turn_on_params) on_p = {.streetlight_id = "lamp-1"};
#ifdef KAFKA
    N(turn_on_off_headers) on_h = {.trace_id = trace_on, .has_trace_id = true};
    check(N(op_turn_on)(bus, &on_p, &on, &on_h, &err), "turnOn", &err);
#else
    check(N(op_turn_on)(bus, &on_p, &on, NULL, &err), "turnOn", &err);
    N(turn_on_off_payload) off = {.command = M(TURN_ON_OFF_PAYLOAD_COMMAND_OFF), .has_command = true};
    N(op_turn_off_params) off_p = {.streetlight_id = "lamp-2"};
    check(N(op_turn_off)(bus, &off_p, &off, NULL, &err), "turnOff", &err);
#endif

    N(dim_light_payload) dim = {.percentage = 30, REQ(percentage)};
    N(op_dim_light_params) dim_p = {.streetlight_id = "lamp-4"};
    check(N(op_dim_light)(bus, &dim_p, &dim, NULL, &err), "dimLight", &err);

    N(bus_poll)(bus, 100, &err); /* lets the adapter finish its acknowledgements */
    N(error_clear)(&err);
    N(bus_free)(bus);
    return failed;
}
