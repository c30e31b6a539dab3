/* roundtrip_test.c - the client generated from tests/cproto/roundtrip.yaml
 * talks to itself through a transport: "mem" (an in-memory transport written
 * here against the generated interface, as a user would plug their own),
 * "mqtt URL" or "kafka BOOTSTRAP" (the generated adapters). Prints one TAP-ish
 * line per case, named cproto_<transport>_<what>_should_<behaviour>.
 *
 *   roundtrip_test mem|mqtt|kafka [URL]
 *   roundtrip_test gone mqtt|kafka URL   (the broker is already stopped: typed errors)
 */
#include "lights_roundtrip_bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *kind;
static int failures;

static void check(int cond, const char *what, const char *why)
{
    if (cond) {
        printf("ok cproto_%s_%s\n", kind, what);
    } else {
        printf("not ok cproto_%s_%s: %s\n", kind, what, why);
        failures++;
    }
}

/* ---- an in-memory transport ------------------------------------------------- */

typedef struct msub {
    char *pattern; /* "{x}" matches one non-empty level without '/' */
    lights_roundtrip_transport_handler fn;
    void *ctx;
} msub;

typedef struct mmsg {
    char *address, *data;
    size_t len;
    lights_roundtrip_header h[8];
    size_t nh;
} mmsg;

typedef struct mem {
    msub subs[16];
    int nsubs;
    mmsg q[64];
    int nq;
    int published;
} mem;

static bool mem_match(const char *pat, const char *a)
{
    while (*pat) {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            size_t n = strcspn(a, "/");
            if (!close || n == 0)
                return false;
            pat = close + 1;
            a += n;
        } else if (*pat++ != *a++) {
            return false;
        }
    }
    return *a == '\0';
}

static char *dupmem(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

static bool mem_connect(void *self, lights_roundtrip_error *err)
{
    (void)self;
    (void)err;
    return true;
}

static bool mem_publish(void *self, const char *address, const void *data, size_t len, const lights_roundtrip_header *h,
                        size_t nh, const lights_roundtrip_publish_options *o, lights_roundtrip_error *err)
{
    mem *m = self;
    (void)o;
    (void)err;
    mmsg *x = &m->q[m->nq++];
    x->address = dupmem(address, strlen(address));
    x->data = dupmem(data, len);
    x->len = len;
    x->nh = nh;
    for (size_t i = 0; i < nh && i < 8; i++) {
        x->h[i].name = dupmem(h[i].name, strlen(h[i].name));
        x->h[i].value = dupmem(h[i].value, h[i].len);
        x->h[i].len = h[i].len;
    }
    m->published++;
    return true;
}

static bool mem_subscribe(void *self, const char *address, bool is_template, const lights_roundtrip_subscribe_options *o,
                          lights_roundtrip_transport_handler fn, void *ctx, lights_roundtrip_error *err)
{
    mem *m = self;
    (void)is_template;
    (void)o;
    (void)err;
    m->subs[m->nsubs++] = (msub){dupmem(address, strlen(address)), fn, ctx};
    return true;
}

static void mmsg_free(mmsg *x)
{
    free(x->address);
    free(x->data);
    for (size_t i = 0; i < x->nh; i++) {
        free((char *)x->h[i].name);
        free((char *)x->h[i].value);
    }
}

static bool mem_poll(void *self, int timeout_ms, lights_roundtrip_error *err)
{
    mem *m = self;
    (void)timeout_ms;
    (void)err;
    for (int i = 0; i < m->nq; i++) {
        for (int s = 0; s < m->nsubs; s++)
            if (mem_match(m->subs[s].pattern, m->q[i].address))
                m->subs[s].fn(m->subs[s].ctx, m->q[i].address, m->q[i].data, m->q[i].len, m->q[i].h, m->q[i].nh);
        mmsg_free(&m->q[i]);
    }
    m->nq = 0;
    return true;
}

static void mem_close(void *self)
{
    mem *m = self;
    for (int i = 0; i < m->nq; i++)
        mmsg_free(&m->q[i]);
    for (int s = 0; s < m->nsubs; s++)
        free(m->subs[s].pattern);
    free(m);
}

/* ---- what the handlers saw ---------------------------------------------------- */

typedef struct seen {
    int measured, alarms, errors, invalid, json_errors;
    char light[64], trace[64], last_error[256];
    int64_t id, lumens, count;
    int level;
    int other_light; /* deliveries to the filtered subscription with another id */
    int l9;          /* deliveries from light l-9: step 6 publishes only what must not be delivered */
} seen;

static void on_events(void *user, const lights_roundtrip_op_receive_events_message *m)
{
    seen *s = user;
    snprintf(s->light, sizeof s->light, "%s", m->params.light_id ? m->params.light_id : "(null)");
    if (m->params.light_id && strcmp(m->params.light_id, "l-9") == 0)
        s->l9++;
    if (m->type == LIGHTS_ROUNDTRIP_MESSAGE_MEASURED && m->measured) {
        s->measured++;
        s->id = m->measured->id;
        s->lumens = m->measured->lumens;
        if (m->measured_headers) {
            snprintf(s->trace, sizeof s->trace, "%s", m->measured_headers->has_x_trace ? m->measured_headers->x_trace : "");
            s->count = m->measured_headers->has_x_count ? m->measured_headers->x_count : -1;
        }
    } else if (m->type == LIGHTS_ROUNDTRIP_MESSAGE_ALARM && m->alarm) {
        s->alarms++;
        s->level = (int)m->alarm->level;
    }
}

static void on_filtered(void *user, const lights_roundtrip_op_receive_events_message *m)
{
    seen *s = user;
    if (!m->params.light_id || strcmp(m->params.light_id, "only") != 0)
        s->other_light++;
    else
        s->measured++;
}

static void on_error(void *user, const char *address, const lights_roundtrip_error *err)
{
    seen *s = user;
    (void)address;
    s->errors++;
    if (err->kind == LIGHTS_ROUNDTRIP_ERR_INVALID && err->count > 0)
        s->invalid++;
    if (err->kind == LIGHTS_ROUNDTRIP_ERR_JSON)
        s->json_errors++;
    snprintf(s->last_error, sizeof s->last_error, "%s: %s", lights_roundtrip_error_kind_name(err->kind),
             lights_roundtrip_error_message(err));
}

/* The responder of askStatus: answers every request but "silent"'s. */
typedef struct responder {
    lights_roundtrip_bus *bus;
    int requests, answered, errors;
    lights_roundtrip_transport *t;
} responder;

static void on_status_request(void *user, const lights_roundtrip_op_answer_status_message *m)
{
    responder *r = user;
    lights_roundtrip_error err = {0};
    r->requests++;
    if (!m->status_request || strcmp(m->status_request->light_id, "silent") == 0)
        return;
    if (strcmp(m->status_request->light_id, "bad") == 0) {
        /* A reply that breaks its schema (no "on"), with the request's id. */
        static const char bad[] = "{\"lightId\":\"bad\"}";
        const char *id = m->status_request_headers && m->status_request_headers->has_correlation_id
                             ? m->status_request_headers->correlation_id : "";
        lights_roundtrip_header h = {"correlationId", id, strlen(id)};
        if (r->t->publish(r->t->self, "lights-status-replies", bad, strlen(bad), &h, 1,
                          &(lights_roundtrip_publish_options){1, false, NULL, -1, NULL}, &err))
            r->answered++;
        lights_roundtrip_error_clear(&err);
        return;
    }
    lights_roundtrip_status_reply_payload p = {.light_id = m->status_request->light_id, .on = true};
    if (lights_roundtrip_op_answer_status_reply(r->bus, m, &p, NULL, &err))
        r->answered++;
    else
        printf("# reply failed: %s\n", lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);
}

/* The responder of askRuntime: answers on the address the request carries. */
typedef struct runtime_responder {
    lights_roundtrip_bus *bus;
    int answered;
    char reply_to[128];
} runtime_responder;

static void on_runtime_request(void *user, const lights_roundtrip_op_answer_runtime_message *m)
{
    runtime_responder *r = user;
    lights_roundtrip_error err = {0};
    const lights_roundtrip_status_request_headers *h = m->status_request_headers;
    snprintf(r->reply_to, sizeof r->reply_to, "%s", h && h->has_reply_to ? h->reply_to : "");
    lights_roundtrip_status_reply_payload p = {.light_id = m->status_request->light_id, .on = false};
    if (lights_roundtrip_op_answer_runtime_reply(r->bus, m, &p, NULL, &err))
        r->answered++;
    else
        printf("# runtime reply failed: %s\n", lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);
}

static void on_status_error(void *user, const char *address, const lights_roundtrip_error *err)
{
    responder *r = user;
    (void)address;
    (void)err;
    r->errors++;
}

static long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The generated adapter for `which`, when this program was built with it. */
static bool make_transport(const char *which, const lights_roundtrip_server_config *cfg, lights_roundtrip_transport *t,
                           lights_roundtrip_error *err)
{
#ifdef WITH_MQTT
    if (strcmp(which, "mqtt") == 0)
        return lights_roundtrip_mqtt_transport(cfg, t, err);
#endif
#ifdef WITH_KAFKA
    if (strcmp(which, "kafka") == 0)
        return lights_roundtrip_kafka_transport(cfg, t, err);
#endif
    (void)cfg;
    (void)t;
    err->kind = LIGHTS_ROUNDTRIP_ERR_CONFIG;
    printf("# no %s adapter built in\n", which);
    return false;
}

/* How long a request that should be answered may wait for its reply. The
 * first Kafka request makes the reply consumer, which joins a consumer group
 * of its own; under load librdkafka 2.0 rejoins at once after its first
 * JoinGroup ("Metadata for subscribed topic(s) has changed"), and the mock
 * cluster answers a member that rejoins while the group is syncing only after
 * session.timeout.ms - 1 s (44 s), where a broker answers once every member
 * has rejoined. A 15 s wait failed then; this one covers such a rejoin. */
#define REPLY_WAIT_MS 60000

/* Polls until `counter` reaches `want` or about 30 s: brokers deliver
 * asynchronously, and a Kafka consumer group takes seconds to join on a
 * loaded machine (.ci/run once saw every Kafka case miss a 5 s wait). */
static void pump(lights_roundtrip_bus *b, const int *counter, int want)
{
    lights_roundtrip_error err = {0};
    for (int i = 0; i < 300 && *counter < want; i++) {
        if (!lights_roundtrip_bus_poll(b, 100, &err))
            break;
    }
    lights_roundtrip_error_clear(&err);
}

static int run_gone(const char *which, const char *url)
{
    lights_roundtrip_transport t;
    lights_roundtrip_error err = {0};
    lights_roundtrip_server_config cfg = {0};
    cfg.url = url;
    cfg.timeout_ms = 2000;
    kind = which;
    bool made = make_transport(which, &cfg, &t, &err);
    if (!made) {
        check(err.kind == LIGHTS_ROUNDTRIP_ERR_TRANSPORT || err.kind == LIGHTS_ROUNDTRIP_ERR_CONFIG,
              "broker_gone_should_give_a_typed_error", lights_roundtrip_error_message(&err));
        lights_roundtrip_error_clear(&err);
        return failures != 0;
    }
    lights_roundtrip_bus *b = lights_roundtrip_bus_new(&t, &err);
    bool ok = lights_roundtrip_bus_connect(b, &err);
    if (ok) {
        lights_roundtrip_measured_payload p = {.id = 1, .lumens = 2};
        lights_roundtrip_op_publish_events_params pp = {.light_id = "l1"};
        ok = lights_roundtrip_op_publish_events(b, &pp, &p, NULL, &err);
        for (int i = 0; ok && i < 30; i++)
            ok = lights_roundtrip_bus_poll(b, 100, &err);
    }
    check(!ok && err.kind == LIGHTS_ROUNDTRIP_ERR_TRANSPORT, "broker_gone_should_give_a_typed_error",
          ok ? "every call succeeded" : lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);
    lights_roundtrip_bus_free(b);
    return failures != 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    if (strcmp(argv[1], "gone") == 0)
        return argc < 4 ? 2 : run_gone(argv[2], argv[3]);
    if (strcmp(argv[1], "publish") == 0 && argc >= 4) {
        /* One measured message for another client to read (cross-client wire check). */
        lights_roundtrip_transport t;
        lights_roundtrip_error err = {0};
        lights_roundtrip_server_config cfg = {.url = argv[3], .client_id = "cproto-publisher"};
        lights_roundtrip_bus *b = NULL;
        bool ok = make_transport(argv[2], &cfg, &t, &err) && (b = lights_roundtrip_bus_new(&t, &err)) &&
                  lights_roundtrip_bus_connect(b, &err);
        lights_roundtrip_measured_payload p = {.id = 42, .lumens = 7, .note = "h\u00e9", .has_note = true};
        lights_roundtrip_measured_headers h = {.x_trace = "from-c", .has_x_trace = true, .x_count = 5, .has_x_count = true};
        lights_roundtrip_op_publish_events_params pp = {.light_id = "x-1"};
        ok = ok && lights_roundtrip_op_publish_events(b, &pp, &p, &h, &err);
        if (!ok)
            fprintf(stderr, "%s\n", lights_roundtrip_error_message(&err));
        lights_roundtrip_error_clear(&err);
        lights_roundtrip_bus_free(b);
        return ok ? 0 : 1;
    }
    kind = argv[1];
    lights_roundtrip_transport t;
    lights_roundtrip_error err = {0};
    mem *m = NULL;
    if (strcmp(kind, "mem") == 0) {
        m = calloc(1, sizeof *m);
        t = (lights_roundtrip_transport){m, LIGHTS_ROUNDTRIP_ADDR_TOPIC, mem_connect, mem_publish, mem_subscribe, mem_poll, mem_close, NULL};
    } else {
        lights_roundtrip_server_config cfg = {0};
        char buf[512];
        if (argc > 2) {
            cfg.url = argv[2];
        } else if (!lights_roundtrip_server_config_from_env(&cfg, NULL, buf, sizeof buf, &err)) {
            printf("not ok cproto_%s_config: %s\n", kind, lights_roundtrip_error_message(&err));
            return 1;
        }
        cfg.client_id = "cproto-roundtrip";
        bool made = make_transport(kind, &cfg, &t, &err);
        if (!made) {
            printf("not ok cproto_%s_transport: %s\n", kind, lights_roundtrip_error_message(&err));
            return 1;
        }
    }
    lights_roundtrip_bus *b = lights_roundtrip_bus_new(&t, &err);
    if (!b || !lights_roundtrip_bus_connect(b, &err)) {
        printf("not ok cproto_%s_connect: %s\n", kind, lights_roundtrip_error_message(&err));
        lights_roundtrip_error_clear(&err);
        lights_roundtrip_bus_free(b);
        return 1;
    }
    if (strcmp(kind, "kafka") == 0) {
        /* A pattern subscription sees a topic created later only after a
         * consumer-group rebalance (slow on the mock cluster): create the
         * topics first (what arrives from them now is reset below). */
        static const char *const topics[] = {"lights.l-7.events", "lights.only.events", "lights.l-9.events",
                                             "lights-status-requests", "lights-status-replies"};
        for (int i = 0; i < 5; i++)
            t.publish(t.self, topics[i], "{}", 2, NULL, 0, &(lights_roundtrip_publish_options){0, false, NULL, -1, NULL}, &err);
        lights_roundtrip_error_clear(&err);
    }
    seen all = {0}, only = {0};
    lights_roundtrip_op_receive_events_params filter = {.light_id = "only"};
    bool sub_ok = lights_roundtrip_op_receive_events(b, NULL, on_events, on_error, &all, &err) &&
                  lights_roundtrip_op_receive_events(b, &filter, on_filtered, on_error, &only, &err);
    responder resp = {b, 0, 0, 0, &t};
    runtime_responder rresp = {b, 0, ""};
    bool runtime = strcmp(kind, "kafka") != 0; /* a fresh Kafka topic per client: not on the mock cluster */
    sub_ok = sub_ok && lights_roundtrip_op_answer_status(b, NULL, on_status_request, on_status_error, &resp, &err);
    sub_ok = sub_ok && (!runtime || lights_roundtrip_op_answer_runtime(b, NULL, on_runtime_request, on_status_error, &rresp, &err));
    check(sub_ok, "subscribe_should_succeed", lights_roundtrip_error_message(&err));
    /* Let the subscriptions settle on a broker (Kafka assigns partitions). */
    for (int i = 0; i < 10 && !m; i++)
        lights_roundtrip_bus_poll(b, 200, &err);
    if (strcmp(kind, "kafka") == 0) {
        /* The records that created the topics: both counts in one wait (of
         * up to 90 s: the consumer group's join can take a rejoin, see
         * REPLY_WAIT_MS), so that none of them arrives after the reset
         * below and counts in a later step. */
        for (long end = ms_now() + 90000; (all.errors < 3 || only.errors < 1) && ms_now() < end;)
            if (!lights_roundtrip_bus_poll(b, 100, &err))
                break;
    }
    memset(&all, 0, sizeof all);
    memset(&only, 0, sizeof only);
    lights_roundtrip_error_clear(&err);

    /* 1: a measured message with parameters and typed headers. */
    lights_roundtrip_measured_payload p = {.id = 7, .lumens = 250};
    lights_roundtrip_measured_headers h = {.x_trace = "trace-1", .has_x_trace = true, .x_count = 3, .has_x_count = true};
    lights_roundtrip_op_publish_events_params pp = {.light_id = "l-7"};
    bool sent = lights_roundtrip_op_publish_events(b, &pp, &p, &h, &err);
    check(sent, "send_measured_should_succeed", lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);
    pump(b, &all.measured, 1);
    check(all.measured == 1 && all.id == 7 && all.lumens == 250, "measured_should_round_trip", "payload not delivered");
    check(strcmp(all.light, "l-7") == 0, "parameter_should_round_trip", all.light);
    check(strcmp(all.trace, "trace-1") == 0 && all.count == 3, "headers_should_round_trip", all.trace);

    /* 2: the operation's second message is told apart by its schema. */
    lights_roundtrip_alarm_payload a = {.level = LIGHTS_ROUNDTRIP_ALARM_LEVEL_HIGH};
    sent = lights_roundtrip_op_publish_events_as_alarm(b, &pp, &a, NULL, &err);
    lights_roundtrip_error_clear(&err);
    pump(b, &all.alarms, 1);
    check(sent && all.alarms == 1 && all.level == LIGHTS_ROUNDTRIP_ALARM_LEVEL_HIGH, "alarm_should_round_trip_as_second_message",
          "not delivered as alarm");

    /* 3: the filtered subscription sees its light only. */
    pp.light_id = "only";
    sent = lights_roundtrip_op_publish_events(b, &pp, &p, NULL, &err);
    lights_roundtrip_error_clear(&err);
    pump(b, &only.measured, 1);
    check(sent && only.measured == 1 && only.other_light == 0, "filtered_subscription_should_get_its_parameter_only",
          "filter broken");

    /* 4: an invalid payload is refused before any I/O. */
    int before = m ? m->published : 0;
    lights_roundtrip_measured_payload bad = {.id = -1, .lumens = 1};
    pp.light_id = "l-7";
    sent = lights_roundtrip_op_publish_events(b, &pp, &bad, NULL, &err);
    check(!sent && err.kind == LIGHTS_ROUNDTRIP_ERR_INVALID && err.count > 0 && (!m || m->published == before),
          "invalid_payload_should_be_refused_before_sending", lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);

    /* 5: a parameter that would change the address's structure is refused. */
    pp.light_id = "a/b";
    sent = lights_roundtrip_op_publish_events(b, &pp, &p, NULL, &err);
    check(!sent && err.kind == LIGHTS_ROUNDTRIP_ERR_INVALID, "parameter_with_separator_should_be_refused",
          sent ? "sent" : lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);
    pp.light_id = NULL;
    sent = lights_roundtrip_op_publish_events(b, &pp, &p, NULL, &err);
    check(!sent && err.kind == LIGHTS_ROUNDTRIP_ERR_INVALID, "unset_parameter_should_be_refused", "sent");
    lights_roundtrip_error_clear(&err);

    /* 6: what another publisher sends that breaks the schema goes to the
     * error handler with the violations, and is not delivered. */
    /* "Not delivered" is checked on light l-9, which only this step uses:
     * a total of all deliveries would count a late delivery of an earlier
     * step's message (a Kafka regex subscription finds a new topic on its
     * next metadata refresh). */
    int errors = all.errors;
    char why[512];
    const char *topic = strcmp(kind, "kafka") == 0 ? "lights.l-9.events" : "lights/l-9/events";
    static const char invalid[] = "{\"id\":-5,\"lumens\":1}";
    t.publish(t.self, topic, invalid, strlen(invalid), NULL, 0, &(lights_roundtrip_publish_options){1, false, NULL, -1, NULL}, &err);
    pump(b, &all.errors, errors + 1);
    snprintf(why, sizeof why, "%d invalid reported, %d delivered from l-9; last error %s", all.invalid, all.l9,
             all.last_error);
    check(all.invalid == 1 && all.l9 == 0, "invalid_message_should_be_reported_not_delivered", why);
    static const char notjson[] = "{\"id\":";
    t.publish(t.self, topic, notjson, strlen(notjson), NULL, 0, &(lights_roundtrip_publish_options){1, false, NULL, -1, NULL}, &err);
    pump(b, &all.json_errors, 1);
    snprintf(why, sizeof why, "%d undecodable reported, %d delivered from l-9; last error %s", all.json_errors, all.l9,
             all.last_error);
    check(all.json_errors == 1 && all.l9 == 0, "undecodable_message_should_be_reported", why);
    static const char good[] = "{\"id\":1,\"lumens\":1}";
    lights_roundtrip_header badh = {"x-count", "\"many\"", 6};
    errors = all.invalid;
    t.publish(t.self, topic, good, strlen(good), &badh, 1, &(lights_roundtrip_publish_options){1, false, NULL, -1, NULL}, &err);
    pump(b, &all.invalid, errors + 1);
    snprintf(why, sizeof why, "%d invalid reported (want %d), %d delivered from l-9; last error %s", all.invalid,
             errors + 1, all.l9, all.last_error);
    check(all.invalid == errors + 1 && all.l9 == 0, "invalid_header_should_be_reported", why);
    lights_roundtrip_error_clear(&err);

    /* 7: request/reply: a fresh correlation id, the reply matched by it. */
    resp.requests = resp.answered = 0;
    lights_roundtrip_status_request_payload rq = {.light_id = "l-7"};
    lights_roundtrip_reply reply = {0};
    bool asked = lights_roundtrip_op_ask_status_request(b, NULL, &rq, NULL, REPLY_WAIT_MS, &reply, &err);
    const lights_roundtrip_status_reply_payload *rp = reply.payload;
    const lights_roundtrip_status_reply_headers *rh = reply.headers;
    check(asked && reply.type == LIGHTS_ROUNDTRIP_MESSAGE_STATUS_REPLY && rp && strcmp(rp->light_id, "l-7") == 0 && rp->on &&
              rh && rh->has_correlation_id && *rh->correlation_id,
          "request_should_get_its_reply", asked ? "wrong reply" : lights_roundtrip_error_message(&err));
    lights_roundtrip_reply_clear(&reply);
    lights_roundtrip_error_clear(&err);
    /* The caller's own correlation id is kept and comes back. */
    lights_roundtrip_status_request_headers rqh = {.correlation_id = "caller-id-1", .has_correlation_id = true};
    asked = lights_roundtrip_op_ask_status_request(b, NULL, &rq, &rqh, REPLY_WAIT_MS, &reply, &err);
    rh = reply.headers;
    check(asked && rh && rh->has_correlation_id && strcmp(rh->correlation_id, "caller-id-1") == 0,
          "request_should_keep_the_callers_correlation_id", asked ? "other id" : lights_roundtrip_error_message(&err));
    lights_roundtrip_reply_clear(&reply);
    lights_roundtrip_error_clear(&err);
    /* No answer: a clean typed timeout, on time. */
    rq.light_id = "silent";
    long t0 = ms_now();
    asked = lights_roundtrip_op_ask_status_request(b, NULL, &rq, NULL, 700, &reply, &err);
    long took = ms_now() - t0;
    check(!asked && err.kind == LIGHTS_ROUNDTRIP_ERR_TIMEOUT && took >= 650 && took < 5000 && !reply.payload,
          "unanswered_request_should_time_out", asked ? "answered" : lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);
    /* An invalid reply with the request's id: the request's error, with the
     * violations, before the timeout; no reply record. */
    rq.light_id = "bad";
    t0 = ms_now();
    asked = lights_roundtrip_op_ask_status_request(b, NULL, &rq, NULL, REPLY_WAIT_MS, &reply, &err);
    took = ms_now() - t0;
    check(!asked && err.kind == LIGHTS_ROUNDTRIP_ERR_INVALID && err.count > 0 && took < REPLY_WAIT_MS - 1000 &&
              !reply.payload,
          "invalid_reply_should_be_reported_to_the_requester", asked ? "answered" : lights_roundtrip_error_message(&err));
    lights_roundtrip_error_clear(&err);

    /* reply.address at run time: the request carries this client's own
     * reply address in its replyTo header, the responder answers there. */
    if (runtime) {
        rq.light_id = "l-8";
        asked = lights_roundtrip_op_ask_runtime_request(b, NULL, &rq, NULL, REPLY_WAIT_MS, &reply, &err);
        rp = reply.payload;
        check(asked && rp && strcmp(rp->light_id, "l-8") == 0 && !rp->on && rresp.answered == 1 &&
                  strncmp(rresp.reply_to, "lights_roundtrip-replies-", 25) == 0,
              "request_should_get_its_reply_at_the_address_it_carries",
              asked ? rresp.reply_to : lights_roundtrip_error_message(&err));
        lights_roundtrip_reply_clear(&reply);
        lights_roundtrip_error_clear(&err);
        /* The caller's own reply address is kept and answered on. */
        lights_roundtrip_status_request_headers own = {.reply_to = "lights/my-replies", .has_reply_to = true};
        asked = lights_roundtrip_op_ask_runtime_request(b, NULL, &rq, &own, REPLY_WAIT_MS, &reply, &err);
        check(asked && reply.payload && strcmp(rresp.reply_to, "lights/my-replies") == 0,
              "request_should_keep_the_callers_reply_address", asked ? rresp.reply_to : lights_roundtrip_error_message(&err));
        lights_roundtrip_reply_clear(&reply);
        lights_roundtrip_error_clear(&err);
        /* A reply address that is a wildcard on MQTT is refused before sending. */
        own.reply_to = "lights/#";
        asked = lights_roundtrip_op_ask_runtime_request(b, NULL, &rq, &own, 2000, &reply, &err);
        check(!asked && err.kind == LIGHTS_ROUNDTRIP_ERR_INVALID && rresp.answered == 2,
              "wildcard_reply_address_should_be_refused", asked ? "answered" : lights_roundtrip_error_message(&err));
        lights_roundtrip_error_clear(&err);
    }

    lights_roundtrip_bus_free(b);
    return failures != 0;
}
