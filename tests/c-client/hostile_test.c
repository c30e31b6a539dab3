/* hostile_test.c - the generated worker-backend C client against the hostile
 * server (tests/server/hostile.py): every call ends within its deadline, reads
 * a bounded answer, follows no redirect, sends a POST once, refuses header
 * injection and any answer that is not exactly one JSON document.
 *
 * Usage: hostile_test HOSTILE_URL HOSTILE_OTHER_URL EXAMPLE.json
 * Prints one test line per case.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "worker_backend_client.h"

typedef worker_backend_error err_t;

#define TIMEOUT_MS 2000L
#define SLACK_S 1.5

static const char *base, *other;
static cJSON *payload;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report(int good, const char *name, const err_t *err)
{
    if (good)
        printf("ok c_client_%s\n", name);
    else
        printf("not ok c_client_%s: kind %s, status %ld, message '%s'\n", name,
               worker_backend_error_kind_name(err->kind), err->http_status, worker_backend_error_message(err));
}

static worker_backend_client *client(const char *scenario, const worker_backend_client_config *tmpl)
{
    char url[512];
    snprintf(url, sizeof url, "%s/h/%s", base, scenario);
    worker_backend_client_config cfg = {0};
    if (tmpl)
        cfg = *tmpl;
    cfg.base_url = url;
    if (!cfg.timeout_ms)
        cfg.timeout_ms = 10000;
    err_t err = {0};
    worker_backend_client *c = worker_backend_client_new(&cfg, &err);
    if (!c) {
        printf("not ok c_client_new: %s\n", worker_backend_error_message(&err));
        exit(1);
    }
    worker_backend_error_clear(&err);
    return c;
}

static size_t collect(char *p, size_t s, size_t n, void *u)
{
    strncat(u, p, s * n < 200 ? s * n : 200);
    return s * n;
}

/* A counter of /__stats ("requests" or "posts") of a server. */
static long stat_of(const char *server, const char *key)
{
    char url[512], body[256] = "";
    snprintf(url, sizeof url, "%s/__stats", server);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_cleanup(h);
    cJSON *j = rc == CURLE_OK ? cJSON_Parse(body) : NULL;
    long v = j ? (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, key)) : -1;
    cJSON_Delete(j);
    return v;
}

/* One send; true when it failed with `kind` within `within` seconds (0: no limit). */
static void expect_send(const char *scenario, const worker_backend_client_config *cfg, worker_backend_error_kind kind,
                        double within, const char *name)
{
    worker_backend_client *c = client(scenario, cfg);
    err_t err = {0};
    worker_backend_JobResponse *out = NULL;
    double t0 = now();
    bool ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &out, &err);
    double dt = now() - t0;
    int good = !ok && !out && err.kind == kind && (within == 0 || dt <= within);
    if (!good && ok)
        printf("# %s: succeeded\n", name);
    if (!good && within && dt > within)
        printf("# %s: took %.1f s\n", name, dt);
    report(good, name, &err);
    worker_backend_JobResponse_free(out);
    worker_backend_error_clear(&err);
    worker_backend_client_free(c);
}

static void expect_status(const char *scenario, worker_backend_error_kind kind, const char *name)
{
    worker_backend_client *c = client(scenario, NULL);
    err_t err = {0};
    worker_backend_JobStatus *out = NULL;
    bool ok = worker_backend_client_get_job_status(c, "j1", &out, &err);
    report(!ok && !out && err.kind == kind, name, &err);
    worker_backend_JobStatus_free(out);
    worker_backend_error_clear(&err);
    worker_backend_client_free(c);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    base = argv[1];
    other = argv[2];
    FILE *f = fopen(argv[3], "rb");
    static char text[1 << 16];
    size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[len] = '\0';
    payload = cJSON_Parse(text);
    if (!payload)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    worker_backend_client_config quick = {0};
    quick.timeout_ms = TIMEOUT_MS;
    double within = (double)TIMEOUT_MS / 1000.0 + SLACK_S;

    /* 1. the timeout is a deadline for the whole call */
    expect_send("slow-status", &quick, WORKER_BACKEND_ERR_TIMEOUT, within, "should_time_out_within_the_deadline_on_slow_status");
    expect_send("slow-headers", &quick, WORKER_BACKEND_ERR_TIMEOUT, within, "should_time_out_within_the_deadline_on_slow_headers");
    expect_send("slow-body", &quick, WORKER_BACKEND_ERR_TIMEOUT, within, "should_time_out_within_the_deadline_on_slow_body");
    expect_send("slow-chunked", &quick, WORKER_BACKEND_ERR_TIMEOUT, within, "should_time_out_within_the_deadline_on_slow_chunked");
    expect_send("continue", &quick, WORKER_BACKEND_ERR_TIMEOUT, within, "should_time_out_within_the_deadline_on_continue");

    {
        /* interim 100 Continue answers are skipped: the final answer counts */
        worker_backend_client *c = client("continue-then-ok", &quick);
        err_t err = {0};
        worker_backend_JobResponse *out = NULL;
        bool ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &out, &err);
        report(ok && out && out->success, "should_skip_100_continue_and_read_the_answer", &err);
        worker_backend_JobResponse_free(out);
        worker_backend_error_clear(&err);
        worker_backend_client_free(c);
    }

    /* 2. bounded answers */
    worker_backend_client_config small = {0};
    small.timeout_ms = 30000;
    small.max_answer_bytes = 1 << 20;
    expect_send("endless", &small, WORKER_BACKEND_ERR_TRANSPORT, 15, "should_refuse_an_endless_answer_endless");
    expect_send("endless-length", &small, WORKER_BACKEND_ERR_TRANSPORT, 15, "should_refuse_an_endless_answer_endless_length");
    small.max_answer_bytes = 0;
    small.timeout_ms = 60000;
    expect_send("endless", &small, WORKER_BACKEND_ERR_TRANSPORT, 45, "should_refuse_an_endless_answer_at_the_default_limit");

    /* 3. no cross-origin redirects */
    static const char *codes[] = {"301", "302", "307", "308"};
    for (int i = 0; i < 4; i++) {
        char sc[32], name[96];
        long before = stat_of(other, "requests");
        snprintf(sc, sizeof sc, "redirect-%s", codes[i]);
        snprintf(name, sizeof name, "should_not_follow_a_%s_redirect_to_another_origin", codes[i]);
        expect_send(sc, NULL, WORKER_BACKEND_ERR_HTTP, 0, name);
        long seen = stat_of(other, "requests") - before;
        snprintf(name, sizeof name, "should_send_nothing_to_the_other_origin_on_%s", codes[i]);
        if (seen)
            printf("# the other origin saw %ld requests\n", seen);
        err_t none = {0};
        report(seen == 0, name, &none);
    }

    /* 4. no double enqueue */
    {
        err_t e1 = {0}, e2 = {0};
        long before = stat_of(base, "posts");
        worker_backend_client *c = client("idle-close", NULL);
        bool ok1 = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, NULL, &e1);
        nanosleep(&(struct timespec){0, 600 * 1000 * 1000L}, NULL);
        bool ok2 = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, NULL, &e2);
        long posts = stat_of(base, "posts") - before;
        report(ok1 && ok2, "should_reconnect_when_the_server_closed_an_idle_connection", ok1 ? &e2 : &e1);
        printf("# %ld POSTs for 2 calls\n", posts);
        report(posts == 2, "should_post_once_per_call_when_the_server_closes_idle_connections", &e1);
        worker_backend_error_clear(&e1);
        worker_backend_error_clear(&e2);
        worker_backend_client_free(c);

        before = stat_of(base, "posts");
        c = client("drop-second", NULL);
        ok1 = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, NULL, &e1);
        ok2 = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, NULL, &e2);
        posts = stat_of(base, "posts") - before;
        report(ok1 && !ok2 && e2.kind == WORKER_BACKEND_ERR_TRANSPORT, "should_report_a_connection_dropped_after_the_request",
               ok1 ? &e2 : &e1);
        printf("# %ld POSTs for 2 calls\n", posts);
        report(posts == 2, "should_not_resend_a_post_the_server_may_have_received", &e2);
        worker_backend_error_clear(&e1);
        worker_backend_error_clear(&e2);
        worker_backend_client_free(c);
    }

    /* 5. only the client's own errors; no header injection */
    static const char *keys[] = {"abc\r\nX-Injected: yes", "abc\nX-Injected: yes", "abc\x01"};
    for (int i = 0; i < 3; i++) {
        worker_backend_client_config cfg = {0};
        char url[512], name[96];
        snprintf(url, sizeof url, "%s/h/ok", base);
        cfg.base_url = url;
        cfg.api_key = keys[i];
        err_t err = {0};
        worker_backend_client *c = worker_backend_client_new(&cfg, &err);
        snprintf(name, sizeof name, "should_refuse_an_api_key_with_control_characters_%d", i + 1);
        report(!c && err.kind == WORKER_BACKEND_ERR_CONFIG, name, &err);
        worker_backend_client_free(c);
        worker_backend_error_clear(&err);
    }
    expect_send("deep", NULL, WORKER_BACKEND_ERR_RESPONSE_JSON, 0, "should_refuse_a_deeply_nested_answer");
    expect_send("chunk-overflow", NULL, WORKER_BACKEND_ERR_TRANSPORT, 0, "should_refuse_an_overflowing_chunk_size");

    /* 6. strict answers */
    expect_send("trailing-garbage", NULL, WORKER_BACKEND_ERR_RESPONSE_JSON, 0, "should_refuse_an_answer_with_trailing_garbage");
    expect_send("concatenated", NULL, WORKER_BACKEND_ERR_RESPONSE_JSON, 0, "should_refuse_an_answer_with_concatenated");
    expect_send("leading-zero", NULL, WORKER_BACKEND_ERR_RESPONSE_JSON, 0, "should_refuse_an_answer_with_leading_zero");
    expect_status("trailing-garbage", WORKER_BACKEND_ERR_RESPONSE_JSON, "should_refuse_a_status_answer_with_trailing_garbage");
    expect_status("concatenated", WORKER_BACKEND_ERR_RESPONSE_JSON, "should_refuse_a_status_answer_with_concatenated");
    expect_status("leading-zero", WORKER_BACKEND_ERR_RESPONSE_JSON, "should_refuse_a_status_answer_with_leading_zero");
    expect_send("nul-in-string", NULL, WORKER_BACKEND_ERR_RESPONSE_JSON, 0, "should_refuse_an_answer_with_nul_in_a_string");
    expect_status("nul-in-string", WORKER_BACKEND_ERR_RESPONSE_JSON, "should_refuse_a_status_answer_with_nul_in_a_string");

    /* 7. real answers; answer checks can be turned off */
    for (int n = 1; n <= 6; n++) {
        char sc[32], id[12], name[96]; /* room for any int: gcc -O1 cannot bound n */
        snprintf(sc, sizeof sc, "bullmq-%d", n);
        snprintf(id, sizeof id, "%d", n);
        snprintf(name, sizeof name, "should_read_a_realistic_bullmq_job_status_%d", n);
        worker_backend_client *c = client(sc, NULL);
        err_t err = {0};
        worker_backend_JobStatus *st = NULL;
        bool ok = worker_backend_client_get_job_status(c, id, &st, &err);
        report(ok && st && st->job_id && !strcmp(st->job_id, id) && st->state, name, &err);
        worker_backend_JobStatus_free(st);
        worker_backend_error_clear(&err);
        worker_backend_client_free(c);
    }
    expect_send("wrong-schema", NULL, WORKER_BACKEND_ERR_RESPONSE_SCHEMA, 0, "should_check_answers_by_default");
    {
        worker_backend_client_config cfg = {0};
        cfg.skip_answer_checks = true;
        worker_backend_client *c = client("wrong-schema", &cfg);
        err_t e0 = {0};
        bool sent = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, NULL, &e0);
        report(sent, "should_send_with_answer_checks_off_per_client", &e0);
        worker_backend_error_clear(&e0);
        worker_backend_client_free(c);
        c = client("bullmq-2", &cfg);
        err_t err = {0};
        worker_backend_JobStatus *st = NULL;
        bool ok = worker_backend_client_get_job_status(c, "2", &st, &err);
        report(ok && st && !strcmp(st->state, "active"), "should_read_answers_with_answer_checks_off", &err);
        worker_backend_JobStatus_free(st);
        worker_backend_error_clear(&err);
        worker_backend_client_free(c);
    }
    {
        /* per call: checks off for one call only, and a call's own deadline */
        worker_backend_client *c = client("wrong-schema", NULL);
        worker_backend_call_options off = {0};
        off.skip_answer_checks = true;
        err_t err = {0};
        worker_backend_JobResponse *out = NULL;
        bool ok = worker_backend_client_send_to_queue_opts(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &off,
                                                           NULL, &err);
        report(ok, "should_send_with_answer_checks_off_per_call", &err);
        ok = worker_backend_client_send_to_queue_opts(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, NULL, NULL, &err);
        report(!ok && err.kind == WORKER_BACKEND_ERR_RESPONSE_SCHEMA, "should_check_the_next_call_again", &err);
        /* unchecked, an answer the record cannot hold is still no record */
        ok = worker_backend_client_send_to_queue_opts(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &off, &out,
                                                      &err);
        report(!ok && !out && err.kind == WORKER_BACKEND_ERR_RESPONSE_SCHEMA,
               "should_refuse_a_record_of_an_unchecked_answer_it_cannot_hold", &err);
        worker_backend_JobResponse_free(out);
        worker_backend_error_clear(&err);
        worker_backend_client_free(c);

        c = client("bullmq-2", NULL);
        worker_backend_JobStatus *st = NULL;
        ok = worker_backend_client_get_job_status_opts(c, "2", &off, &st, &err);
        report(ok && st && !strcmp(st->state, "active"), "should_read_a_status_with_answer_checks_off_per_call", &err);
        worker_backend_JobStatus_free(st);
        worker_backend_error_clear(&err);
        worker_backend_client_free(c);

        c = client("slow-status", NULL); /* the client's deadline: 10 s */
        worker_backend_call_options quick_call = {0};
        quick_call.timeout_ms = TIMEOUT_MS;
        double t0 = now();
        ok = worker_backend_client_get_job_status_opts(c, "j1", &quick_call, &st, &err);
        double dt = now() - t0;
        printf("# per-call deadline %ld ms: the call ended after %.3f s\n", TIMEOUT_MS, dt);
        report(!ok && err.kind == WORKER_BACKEND_ERR_TIMEOUT && dt <= within, "should_keep_a_per_call_deadline", &err);
        worker_backend_error_clear(&err);
        worker_backend_client_free(c);
    }
    cJSON_Delete(payload);
    curl_global_cleanup();
    return 0;
}
