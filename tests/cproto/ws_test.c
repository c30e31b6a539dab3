/* ws_test.c - the client generated from tests/catalogues/rpc-ws-3.0.yaml talks
 * to itself through the generated WebSocket adapter (libwebsockets) and
 * tests/server/wsrelay.py, which passes every frame sent on a path to the
 * other connections on that path. Prints one TAP-ish line per case, named
 * cproto_ws_<what>_should_<behaviour>.
 *
 *   ws_test run URL               every case against a running relay
 *   ws_test gone URL              the relay is already stopped: typed errors
 *   ws_test killed URL READYFILE  subscribes, creates READYFILE, and polls
 *                                 until the relay (killed by the caller) is gone
 */
#include "quotes_web_socket_api_bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define P(x) quotes_web_socket_api_##x

/* The most a 700 ms request may take before it counts as hanging: ASan and
 * UBSan (make asan) slow libwebsockets' service loop several times over
 * (a .ci/run under ASan once took more than 5 s here). */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW_LIMIT_MS 15000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW_LIMIT_MS 15000
#endif
#endif
#ifndef SLOW_LIMIT_MS
#define SLOW_LIMIT_MS 5000
#endif

/* The longest a poll of 0 or 1 ms may take (a blocked one waits for the
 * server's next frame: its ping, up to 20 s away). */
#define POLL_LIMIT_MS (SLOW_LIMIT_MS / 5)

static int failures;

/* A slow process: with slow_service set, each turn of libwebsockets' loop
 * starts 2 ms late (ws_test is linked with -Wl,--wrap=lws_service), so that
 * the adapter's 1 ms timer is due before libwebsockets waits. */
struct lws_context;
int __real_lws_service(struct lws_context *ctx, int timeout_ms);
int __wrap_lws_service(struct lws_context *ctx, int timeout_ms);
static int slow_service;

int __wrap_lws_service(struct lws_context *ctx, int timeout_ms)
{
    if (slow_service) {
        struct timespec late = {0, 2000000};
        nanosleep(&late, NULL);
    }
    return __real_lws_service(ctx, timeout_ms);
}

static void check(int cond, const char *what, const char *why)
{
    if (cond) {
        printf("ok cproto_ws_%s\n", what);
    } else {
        printf("not ok cproto_ws_%s: %s\n", what, why ? why : "");
        failures++;
    }
}

static long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct seen {
    int quotes, orders, errors, invalid, json_errors, raw;
    char symbol_param[64], symbol[16], note[128], last_error[256];
    double price;
    long long quantity;
    int side;
} seen;

static void on_quote(void *user, const P(op_receive_quote_message) * m)
{
    seen *s = user;
    if (m->type != QUOTES_WEB_SOCKET_API_MESSAGE_QUOTE || !m->quote)
        return;
    s->quotes++;
    snprintf(s->symbol_param, sizeof s->symbol_param, "%s", m->params.symbol ? m->params.symbol : "(null)");
    snprintf(s->symbol, sizeof s->symbol, "%s", m->quote->symbol);
    s->price = m->quote->price;
    if (m->quote_headers)
        s->errors += 100; /* WebSocket messages have no headers */
}

static void on_order(void *user, const P(op_receive_order_message) * m)
{
    seen *s = user;
    if (m->type != QUOTES_WEB_SOCKET_API_MESSAGE_PLACE_ORDER || !m->place_order)
        return;
    s->orders++;
    snprintf(s->symbol, sizeof s->symbol, "%s", m->place_order->symbol);
    snprintf(s->note, sizeof s->note, "%s", m->place_order->has_note ? m->place_order->note : "");
    s->quantity = (long long)m->place_order->quantity;
    s->side = (int)m->place_order->side;
}

static void on_error(void *user, const char *address, const P(error) * err)
{
    seen *s = user;
    (void)address;
    s->errors++;
    if (err->kind == QUOTES_WEB_SOCKET_API_ERR_INVALID && err->count > 0)
        s->invalid++;
    if (err->kind == QUOTES_WEB_SOCKET_API_ERR_JSON)
        s->json_errors++;
    snprintf(s->last_error, sizeof s->last_error, "%s: %s", P(error_kind_name)(err->kind), P(error_message)(err));
}

/* What the raw subscription on the percent-encoded path receives. */
static void on_raw(void *ctx, const char *address, const void *data, size_t len, const P(header) * h, size_t nh)
{
    seen *s = ctx;
    (void)address;
    (void)h;
    s->raw += nh == 0 && len > 0 && memchr(data, '{', len) != NULL;
}

/* The desk: answers price requests; "SILENT" gets no answer, "BAD" an
 * answer that breaks the reply's schema (no price) with the request's id. */
typedef struct desk {
    P(bus) * bus;
    P(transport) * t;
    int requests, answered;
} desk;

static void on_price_request(void *user, const P(op_answer_price_message) * m)
{
    desk *d = user;
    P(error) err = {0};
    d->requests++;
    if (!m->price_request || strcmp(m->price_request->symbol, "SILENT") == 0)
        return;
    if (strcmp(m->price_request->symbol, "BAD") == 0) {
        char bad[256];
        snprintf(bad, sizeof bad, "{\"requestId\":\"%s\",\"symbol\":\"BAD\"}",
                 m->price_request->has_request_id ? m->price_request->request_id : "");
        if (d->t->publish(d->t->self, "/rpc/replies", bad, strlen(bad), NULL, 0,
                          &(P(publish_options)){0, false, NULL, -1, NULL}, &err))
            d->answered++;
        P(error_clear)(&err);
        return;
    }
    P(price_reply_payload) p = {.request_id = "", .symbol = m->price_request->symbol, .price = 12.5};
    if (P(op_answer_price_reply)(d->bus, m, &p, NULL, &err))
        d->answered++;
    else
        printf("# reply failed: %s\n", P(error_message)(&err));
    P(error_clear)(&err);
}

static void pump(P(bus) * b, const int *counter, int want)
{
    P(error) err = {0};
    for (int i = 0; i < 100 && *counter < want; i++)
        if (!P(bus_poll)(b, 100, &err))
            break;
    P(error_clear)(&err);
}

static bool make(const char *url, int timeout_ms, P(transport) * t, P(bus) * *b, P(error) * err)
{
    P(server_config) cfg = {0};
    cfg.url = url;
    cfg.timeout_ms = timeout_ms;
    *b = NULL;
    if (!P(ws_transport)(&cfg, t, err))
        return false;
    *b = P(bus_new)(t, err);
    return *b && P(bus_connect)(*b, err);
}

static int run_gone(const char *url)
{
    P(transport) t;
    P(bus) * b;
    P(error) err = {0};
    bool ok = make(url, 2000, &t, &b, &err);
    if (ok) {
        P(place_order_payload) o = {.symbol = "ACME", .side = QUOTES_WEB_SOCKET_API_PLACE_ORDER_SIDE_BUY, .quantity = 1};
        ok = P(op_place_order)(b, NULL, &o, NULL, &err);
    }
    check(!ok && err.kind == QUOTES_WEB_SOCKET_API_ERR_TRANSPORT, "server_gone_should_give_a_typed_error_on_publish",
          ok ? "sent" : P(error_message)(&err));
    P(error_clear)(&err);
    if (b) {
        P(op_receive_order_params) none = {0};
        (void)none;
        seen s = {0};
        ok = P(op_receive_order)(b, NULL, on_order, on_error, &s, &err);
        check(!ok && err.kind == QUOTES_WEB_SOCKET_API_ERR_TRANSPORT, "server_gone_should_give_a_typed_error_on_subscribe",
              ok ? "subscribed" : P(error_message)(&err));
    }
    P(error_clear)(&err);
    P(bus_free)(b);
    return failures != 0;
}

static int run_killed(const char *url, const char *ready)
{
    P(transport) t;
    P(bus) * b;
    P(error) err = {0};
    seen s = {0};
    bool ok = make(url, 2000, &t, &b, &err) && P(op_receive_order)(b, NULL, on_order, on_error, &s, &err);
    check(ok, "subscription_before_the_kill_should_succeed", P(error_message)(&err));
    FILE *f = fopen(ready, "w");
    if (f)
        fclose(f);
    long end = ms_now() + 15000;
    while (ok && ms_now() < end)
        ok = P(bus_poll)(b, 100, &err);
    check(!ok && err.kind == QUOTES_WEB_SOCKET_API_ERR_TRANSPORT, "server_killed_should_give_a_typed_error_on_poll",
          ok ? "poll kept succeeding" : P(error_message)(&err));
    P(error_clear)(&err);
    P(bus_free)(b);
    return failures != 0;
}

/* The longest of up to n polls of ms each (it stops at the first longer than
 * POLL_LIMIT_MS); -1 when a poll fails. */
static long worst_poll(P(bus) * b, int ms, int n)
{
    P(error) err = {0};
    long worst = 0;
    for (int i = 0; i < n && worst <= POLL_LIMIT_MS; i++) {
        long t0 = ms_now();
        if (!P(bus_poll)(b, ms, &err)) {
            printf("# poll failed: %s\n", P(error_message)(&err));
            P(error_clear)(&err);
            return -1;
        }
        if (ms_now() - t0 > worst)
            worst = ms_now() - t0;
    }
    return worst;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    if (strcmp(argv[1], "gone") == 0)
        return run_gone(argv[2]);
    if (strcmp(argv[1], "killed") == 0)
        return argc < 4 ? 2 : run_killed(argv[2], argv[3]);
    if (strcmp(argv[1], "run") != 0)
        return 2;

    P(transport) t;
    P(bus) * b;
    P(error) err = {0};
    if (!make(argv[2], 5000, &t, &b, &err)) {
        printf("not ok cproto_ws_connect: %s\n", P(error_message)(&err));
        P(error_clear)(&err);
        P(bus_free)(b);
        return 1;
    }

    /* Subscriptions: quotes of one symbol (a parameter with a blank and a
     * '/', percent-encoded into the path), orders, the desk. */
    seen q = {0}, o = {0}, raw = {0};
    desk d = {b, &t, 0, 0};
    P(op_receive_quote_params) sym = {.symbol = "AC ME/1"};
    bool ok = P(op_receive_quote)(b, &sym, on_quote, on_error, &q, &err) &&
              P(op_receive_order)(b, NULL, on_order, on_error, &o, &err) &&
              P(op_answer_price)(b, NULL, on_price_request, on_error, &d, &err) &&
              t.subscribe(t.self, "/quotes/AC%20ME%2F1", false, &(P(subscribe_options)){0, NULL, false}, on_raw, &raw, &err);
    check(ok, "subscribe_should_succeed", P(error_message)(&err));
    P(error_clear)(&err);

    /* A subscription without its parameter cannot be a path. */
    ok = P(op_receive_quote)(b, NULL, on_quote, on_error, &q, &err);
    check(!ok && err.kind == QUOTES_WEB_SOCKET_API_ERR_CONFIG, "subscription_without_parameter_should_be_refused",
          ok ? "subscribed" : P(error_message)(&err));
    P(error_clear)(&err);

    /* 1: quote, with its parameter percent-encoded on the wire. */
    P(quote_payload) qp = {.symbol = "ACME", .price = 12.25};
    P(op_publish_quote_params) psym = {.symbol = "AC ME/1"};
    ok = P(op_publish_quote)(b, &psym, &qp, NULL, &err);
    check(ok, "send_quote_should_succeed", P(error_message)(&err));
    P(error_clear)(&err);
    pump(b, &q.quotes, 1);
    pump(b, &raw.raw, 1);
    check(q.quotes == 1 && strcmp(q.symbol, "ACME") == 0 && q.price == 12.25 && q.errors == 0, "quote_should_round_trip",
          q.last_error);
    check(strcmp(q.symbol_param, "AC ME/1") == 0, "parameter_should_round_trip_decoded", q.symbol_param);
    check(raw.raw == 1, "parameter_should_be_percent_encoded_in_the_path", "nothing on /quotes/AC%20ME%2F1");

    /* 2: placeOrder, with a note full of characters JSON escapes. */
    P(place_order_payload) op = {.symbol = "ACME", .side = QUOTES_WEB_SOCKET_API_PLACE_ORDER_SIDE_SELL, .quantity = 10,
                                 .note = "for the \"long\" book */ \\ ok \xc3\xa9", .has_note = true};
    ok = P(op_place_order)(b, NULL, &op, NULL, &err);
    P(error_clear)(&err);
    pump(b, &o.orders, 1);
    check(ok && o.orders == 1 && o.quantity == 10 && o.side == QUOTES_WEB_SOCKET_API_PLACE_ORDER_SIDE_SELL &&
              strcmp(o.note, op.note) == 0,
          "place_order_should_round_trip", o.last_error);

    /* 3: an invalid payload is refused before sending. */
    P(place_order_payload) bad = {.symbol = "acme", .side = QUOTES_WEB_SOCKET_API_PLACE_ORDER_SIDE_BUY, .quantity = 0};
    ok = P(op_place_order)(b, NULL, &bad, NULL, &err);
    check(!ok && err.kind == QUOTES_WEB_SOCKET_API_ERR_INVALID && err.count >= 2, "invalid_payload_should_be_refused_before_sending",
          ok ? "sent" : P(error_message)(&err));
    P(error_clear)(&err);

    /* 4: what another publisher sends that breaks the schema, or is not
     * JSON, goes to the error handler and is not delivered. */
    int orders = o.orders;
    static const char invalid[] = "{\"symbol\":\"ACME\",\"side\":\"hold\",\"quantity\":0}";
    t.publish(t.self, "/orders", invalid, strlen(invalid), NULL, 0, &(P(publish_options)){0, false, NULL, -1, NULL}, &err);
    pump(b, &o.invalid, 1);
    check(o.invalid == 1 && o.orders == orders, "invalid_message_should_be_reported_not_delivered", o.last_error);
    static const char notjson[] = "{\"symbol\":";
    t.publish(t.self, "/orders", notjson, strlen(notjson), NULL, 0, &(P(publish_options)){0, false, NULL, -1, NULL}, &err);
    pump(b, &o.json_errors, 1);
    check(o.json_errors == 1 && o.orders == orders, "undecodable_message_should_be_reported", o.last_error);
    P(error_clear)(&err);

    /* 5: request/reply, correlated in the payload (requestId). */
    P(reply) reply = {0};
    P(price_request_payload) rq = {.symbol = "ACME"};
    ok = P(op_ask_price_request)(b, NULL, &rq, NULL, 5000, &reply, &err);
    const P(price_reply_payload) *rp = reply.payload;
    check(ok && reply.type == QUOTES_WEB_SOCKET_API_MESSAGE_PRICE_REPLY && rp && rp->price == 12.5 && *rp->request_id,
          "request_should_get_its_reply", ok ? "wrong reply" : P(error_message)(&err));
    P(reply_clear)(&reply);
    P(error_clear)(&err);
    rq.request_id = "caller-7";
    rq.has_request_id = true;
    ok = P(op_ask_price_request)(b, NULL, &rq, NULL, 5000, &reply, &err);
    rp = reply.payload;
    check(ok && rp && strcmp(rp->request_id, "caller-7") == 0, "request_should_keep_the_callers_correlation_id",
          ok ? "other id" : P(error_message)(&err));
    P(reply_clear)(&reply);
    P(error_clear)(&err);

    /* 6: no answer: a typed timeout, on time. */
    rq.symbol = "SILENT";
    rq.has_request_id = false;
    long t0 = ms_now();
    ok = P(op_ask_price_request)(b, NULL, &rq, NULL, 700, &reply, &err);
    long took = ms_now() - t0;
    char why[512];
    snprintf(why, sizeof why, "%s (kind %d, took %ld ms, limit %ld ms)", ok ? "answered" : P(error_message)(&err),
             (int)err.kind, took, (long)SLOW_LIMIT_MS);
    check(!ok && err.kind == QUOTES_WEB_SOCKET_API_ERR_TIMEOUT && took >= 650 && took < SLOW_LIMIT_MS && !reply.payload,
          "unanswered_request_should_time_out", why);
    P(error_clear)(&err);

    /* 7: an invalid reply to the waiting request is the request's error,
     * with the violations, at once (not a timeout), and never a reply. */
    rq.symbol = "BAD";
    t0 = ms_now();
    ok = P(op_ask_price_request)(b, NULL, &rq, NULL, 5000, &reply, &err);
    took = ms_now() - t0;
    char first[256] = "";
    if (err.count > 0)
        P(error_format)(&err, 0, first, sizeof first);
    check(!ok && err.kind == QUOTES_WEB_SOCKET_API_ERR_INVALID && err.count > 0 && took < 4000 && !reply.payload,
          "invalid_reply_should_be_reported_to_the_requester", ok ? "answered" : P(error_message)(&err));
    if (err.count > 0)
        printf("# invalid reply: %s\n", first);
    P(error_clear)(&err);
    check(d.requests >= 4, "desk_should_see_every_request", "fewer requests");

    /* 8: an invalid reply no request waits for goes to the bus's error handler. */
    seen stray = {0};
    P(bus_set_error_handler)(b, on_error, &stray);
    static const char lost[] = "{\"requestId\":\"nobody\",\"symbol\":\"X\"}";
    t.publish(t.self, "/rpc/replies", lost, strlen(lost), NULL, 0, &(P(publish_options)){0, false, NULL, -1, NULL}, &err);
    P(error_clear)(&err);
    pump(b, &stray.invalid, 1);
    check(stray.invalid == 1, "stray_invalid_reply_should_reach_the_bus_error_handler", "not reported");

    /* 9: polls end on time, with five connections open and nothing sent: one
     * of 0 ms waits for nothing, and one of 1 ms whose timer is due before
     * libwebsockets waits (a slow process) still ends within the limit. */
    char why_poll[128];
    long worst = worst_poll(b, 0, 200);
    snprintf(why_poll, sizeof why_poll, "a 0 ms poll took %ld ms (limit %d ms)", worst, POLL_LIMIT_MS);
    check(worst >= 0 && worst <= POLL_LIMIT_MS, "poll_of_0_ms_should_not_wait", why_poll);
    slow_service = 1;
    worst = worst_poll(b, 1, 20);
    slow_service = 0;
    snprintf(why_poll, sizeof why_poll, "a 1 ms poll took %ld ms (limit %d ms)", worst, POLL_LIMIT_MS);
    check(worst >= 0 && worst <= POLL_LIMIT_MS, "poll_in_a_slow_process_should_end_on_time", why_poll);

    P(bus_free)(b);
    return failures != 0;
}
