/* The C bus's plain HTTP bindings adapter (lamps_http_api_http.c, libcurl)
 * against tests/server/httpecho.py.
 *
 *   http_test PORT LOG CLOSED_PORT
 *
 * Built by run.sh with -Wall -Wextra -Werror against the library generated
 * from tests/catalogues/http-bindings-3.0.yaml (make HTTP=1). Prints ok / not
 * ok lines. */
#include "lamps_http_api_bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *port, *logfile, *closed;
static int failures;

static void ok(const char *name)
{
    printf("ok httpproto_c_v3_0_%s\n", name);
}

static void not_ok(const char *name, const char *why, const lamps_http_api_error *e)
{
    printf("not ok httpproto_c_v3_0_%s: %s (kind %d, status %ld: %s)\n", name, why, e ? (int)e->kind : -1,
           e ? e->http_status : 0L, e && e->message ? e->message : "");
    failures++;
}

/* The log's last request (a JSON object; the caller deletes it), and how many there are. */
static cJSON *last_request(int *count)
{
    FILE *f = fopen(logfile, "r");
    static char line[65536];
    char last[65536] = "";
    int n = 0;
    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        n++;
        memcpy(last, line, sizeof last);
    }
    fclose(f);
    if (count)
        *count = n;
    return n ? cJSON_Parse(last) : NULL;
}

static const char *member(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b)
        v = cJSON_GetObjectItemCaseSensitive(v, b);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static lamps_http_api_bus *connect_to(const char *url, lamps_http_api_error *err)
{
    lamps_http_api_server_config cfg = {0};
    lamps_http_api_transport t;
    cfg.url = url;
    cfg.timeout_ms = 5000;
    lamps_http_api_bus *b = NULL;
    if (!lamps_http_api_http_transport(&cfg, &t, err))
        return NULL;
    if (!(b = lamps_http_api_bus_new(&t, err))) {
        t.close(t.self);
        return NULL;
    }
    if (!lamps_http_api_bus_connect(b, err)) {
        lamps_http_api_bus_free(b);
        return NULL;
    }
    return b;
}

static char *url_of(const char *path)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "http://127.0.0.1:%s%s", port, path);
    return buf;
}

static void test_send(void)
{
    const char *name = "send_should_post_json_with_escaped_parameter_and_headers";
    lamps_http_api_error e = {0};
    lamps_http_api_bus *b = connect_to(url_of("/echo/api/v1/"), &e);
    lamps_http_api_SwitchOn p = {.lamp_id = "hall", .on = true, .note = "caf\xc3\xa9", .has_note = true};
    lamps_http_api_SwitchOnHeaders h = {.x_request_id = "req-\xc3\xa9-1", .has_x_request_id = true, .x_attempt = 2,
                                        .has_x_attempt = true};
    lamps_http_api_op_switch_on_params params = {"a b/c?d%e"};
    if (!b || !lamps_http_api_op_switch_on(b, &params, &p, &h, &e)) {
        not_ok(name, "the send failed", &e);
    } else {
        cJSON *r = last_request(NULL);
        cJSON *body = r ? cJSON_Parse(member(r, "body", NULL)) : NULL;
        const cJSON *note = cJSON_GetObjectItemCaseSensitive(body, "note");
        /* The server reads header bytes as latin-1: "é" (UTF-8 C3 A9) arrives as U+00C3 U+00A9. */
        if (!r || strcmp(member(r, "method", NULL), "POST") != 0)
            not_ok(name, "not a POST", NULL);
        else if (strcmp(member(r, "path", NULL), "/echo/api/v1/lamps/a%20b%2Fc%3Fd%25e/on") != 0)
            not_ok(name, member(r, "path", NULL), NULL);
        else if (strcmp(member(r, "headers", "content-type"), "application/json") != 0 ||
                 strcmp(member(r, "headers", "x-attempt"), "2") != 0 ||
                 strcmp(member(r, "headers", "x-request-id"), "req-\xc3\x83\xc2\xa9-1") != 0)
            not_ok(name, "headers differ", NULL);
        else if (!cJSON_IsString(note) || strcmp(note->valuestring, "caf\xc3\xa9") != 0 ||
                 !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "on")))
            not_ok(name, "the body differs", NULL);
        else
            ok(name);
        cJSON_Delete(body);
        cJSON_Delete(r);
    }
    lamps_http_api_error_clear(&e);
    lamps_http_api_bus_free(b);
}

static void test_put(void)
{
    const char *name = "put_binding_should_send_put";
    lamps_http_api_error e = {0};
    lamps_http_api_bus *b = connect_to(url_of("/echo/api/v1"), &e);
    lamps_http_api_Level p = {.percent = 50};
    lamps_http_api_op_set_level_params params = {"porch"};
    if (!b || !lamps_http_api_op_set_level(b, &params, &p, NULL, &e)) {
        not_ok(name, "the send failed", &e);
    } else {
        cJSON *r = last_request(NULL);
        if (r && strcmp(member(r, "method", NULL), "PUT") == 0 &&
            strcmp(member(r, "path", NULL), "/echo/api/v1/lamps/porch/level") == 0)
            ok(name);
        else
            not_ok(name, "not PUT /echo/api/v1/lamps/porch/level", NULL);
        cJSON_Delete(r);
    }
    lamps_http_api_error_clear(&e);
    lamps_http_api_bus_free(b);
}

static bool query(const char *path, lamps_http_api_reply *reply, lamps_http_api_error *e)
{
    lamps_http_api_bus *b = connect_to(url_of(path), e);
    char *lamps[] = {"hall", "porch"};
    lamps_http_api_StatusQuery q = {.lamps = lamps, .lamps_count = 2};
    lamps_http_api_op_query_status_params params = {0};
    bool okk = b && lamps_http_api_op_query_status_request(b, &params, &q, NULL, 5000, reply, e);
    lamps_http_api_bus_free(b);
    return okk;
}

static void test_reply(void)
{
    const char *name = "reply_should_be_the_decoded_validated_answer";
    lamps_http_api_error e = {0};
    lamps_http_api_reply reply = {0};
    if (!query("/report/api/v1", &reply, &e)) {
        not_ok(name, "the request failed", &e);
    } else {
        const lamps_http_api_StatusReport *r = reply.payload;
        if (reply.type == LAMPS_HTTP_API_MESSAGE_STATUS_REPORT && r && r->lamps_count == 2 &&
            strcmp(r->lamps[1]->lamp_id, "porch") == 0 && r->lamps[1]->on)
            ok(name);
        else
            not_ok(name, "not the statusReport of hall and porch", NULL);
    }
    lamps_http_api_reply_clear(&reply);
    lamps_http_api_error_clear(&e);
}

static void test_bad_reply(void)
{
    const char *name = "invalid_reply_should_fail_with_the_validation_errors";
    lamps_http_api_error e = {0};
    lamps_http_api_reply reply = {0};
    if (query("/badreport/api/v1", &reply, &e))
        not_ok(name, "an invalid reply was accepted", NULL);
    else if (e.kind != LAMPS_HTTP_API_ERR_RESPONSE_SCHEMA || e.count == 0 || !e.response ||
             !strstr(e.response, "\"lampId\": 1"))
        not_ok(name, "not ERR_RESPONSE_SCHEMA with violations and the body", &e);
    else
        ok(name);
    lamps_http_api_reply_clear(&reply);
    lamps_http_api_error_clear(&e);
    name = "non_json_reply_should_fail_with_err_response_json";
    if (query("/notjson/api/v1", &reply, &e))
        not_ok(name, "a non-JSON reply was accepted", NULL);
    else if (e.kind != LAMPS_HTTP_API_ERR_RESPONSE_JSON || !e.response || strcmp(e.response, "not json") != 0)
        not_ok(name, "not ERR_RESPONSE_JSON with the body", &e);
    else
        ok(name);
    lamps_http_api_reply_clear(&reply);
    lamps_http_api_error_clear(&e);
}

static void test_status(void)
{
    const char *name = "non_2xx_should_fail_with_err_http_status_and_body";
    const long statuses[] = {404, 503};
    for (int i = 0; i < 2; i++) {
        char path[64], want[32];
        snprintf(path, sizeof path, "/status-%ld/api/v1", statuses[i]);
        snprintf(want, sizeof want, "forced %ld", statuses[i]);
        lamps_http_api_error e = {0};
        lamps_http_api_bus *b = connect_to(url_of(path), &e);
        lamps_http_api_Level p = {.percent = 3};
        lamps_http_api_op_set_level_params params = {"p"};
        if (!b || lamps_http_api_op_set_level(b, &params, &p, NULL, &e))
            not_ok(name, "no error", &e);
        else if (e.kind != LAMPS_HTTP_API_ERR_HTTP || e.http_status != statuses[i] || !e.response ||
                 !strstr(e.response, want) || !e.message || !strstr(e.message, want))
            not_ok(name, "not ERR_HTTP with the status, body and explanation", &e);
        else if (i == 1)
            ok(name);
        lamps_http_api_error_clear(&e);
        lamps_http_api_bus_free(b);
    }
}

static void test_down(void)
{
    const char *name = "server_down_should_fail_with_err_transport";
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%s/api/v1", closed);
    lamps_http_api_error e = {0};
    lamps_http_api_bus *b = connect_to(url, &e);
    lamps_http_api_Level p = {.percent = 4};
    lamps_http_api_op_set_level_params params = {"p"};
    if (!b || lamps_http_api_op_set_level(b, &params, &p, NULL, &e))
        not_ok(name, "no error", &e);
    else if (e.kind != LAMPS_HTTP_API_ERR_TRANSPORT)
        not_ok(name, "not ERR_TRANSPORT", &e);
    else
        ok(name);
    lamps_http_api_error_clear(&e);
    lamps_http_api_bus_free(b);
}

static void test_refused(void)
{
    const char *name = "invalid_payload_and_header_should_be_refused_before_sending";
    int before = 0, after = 0;
    cJSON_Delete(last_request(&before));
    lamps_http_api_error e = {0};
    lamps_http_api_bus *b = connect_to(url_of("/echo"), &e);
    lamps_http_api_Level p = {.percent = 101};
    lamps_http_api_op_set_level_params lp = {"p"};
    bool sent1 = !b || lamps_http_api_op_set_level(b, &lp, &p, NULL, &e);
    bool kind1 = e.kind == LAMPS_HTTP_API_ERR_INVALID;
    lamps_http_api_error_clear(&e);
    lamps_http_api_SwitchOn s = {.lamp_id = "a", .on = true};
    lamps_http_api_SwitchOnHeaders h = {.x_request_id = "a\r\nX-Evil: 1", .has_x_request_id = true};
    lamps_http_api_op_switch_on_params sp = {"p"};
    bool sent2 = !b || lamps_http_api_op_switch_on(b, &sp, &s, &h, &e);
    bool kind2 = e.kind == LAMPS_HTTP_API_ERR_INVALID;
    cJSON_Delete(last_request(&after));
    if (sent1 || sent2 || !kind1 || !kind2)
        not_ok(name, "a call did not fail with ERR_INVALID", &e);
    else if (after != before)
        not_ok(name, "something was sent", NULL);
    else
        ok(name);
    lamps_http_api_error_clear(&e);
    lamps_http_api_bus_free(b);
}

static void test_server_config(void)
{
    const char *name = "server_from_the_catalogue_and_env_should_be_used";
    lamps_http_api_server_config cfg = {0};
    char buf[256];
    lamps_http_api_error e = {0};
    unsetenv("LAMPS_HTTP_API_SERVER_URL");
    bool a = lamps_http_api_server_config_from_env(&cfg, NULL, buf, sizeof buf, &e) &&
             strcmp(cfg.url, "http://localhost:8080/api/v1") == 0;
    setenv("LAMPS_HTTP_API_SERVER_URL", url_of("/fromenv"), 1);
    bool c = lamps_http_api_server_config_from_env(&cfg, NULL, buf, sizeof buf, &e) &&
             strcmp(cfg.url, url_of("/fromenv")) == 0;
    unsetenv("LAMPS_HTTP_API_SERVER_URL");
    if (a && c)
        ok(name);
    else
        not_ok(name, "the first (http) server or the environment's URL was not taken", &e);
    lamps_http_api_error_clear(&e);
}

static void test_subscribe(void)
{
    const char *name = "subscribe_over_http_should_fail_with_err_config";
    lamps_http_api_server_config cfg = {0};
    lamps_http_api_transport t;
    lamps_http_api_error e = {0};
    cfg.url = url_of("");
    if (!lamps_http_api_http_transport(&cfg, &t, &e)) {
        not_ok(name, "no transport", &e);
    } else {
        if (t.subscribe(t.self, "/x", false, NULL, NULL, NULL, &e) || e.kind != LAMPS_HTTP_API_ERR_CONFIG)
            not_ok(name, "not ERR_CONFIG", &e);
        else
            ok(name);
        t.close(t.self);
    }
    lamps_http_api_error_clear(&e);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: http_test PORT LOG CLOSED_PORT\n");
        return 2;
    }
    port = argv[1];
    logfile = argv[2];
    closed = argv[3];
    test_send();
    test_put();
    test_reply();
    test_bad_reply();
    test_status();
    test_down();
    test_refused();
    test_server_config();
    test_subscribe();
    return failures ? 1 : 0;
}
