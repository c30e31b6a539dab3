/* client_test.c - the generated worker-backend C client against the loopback
 * job server (tests/server/jobserver.py).
 *
 * Usage: client_test BASE_URL EXAMPLE.json   (BASE_URL = http://127.0.0.1:PORT)
 * EXAMPLE.json is a valid file-download-request payload. Prints one test line
 * per case.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "worker_backend_client.h"

typedef worker_backend_error err_t;
static int failures;

static void check(int cond, const char *name, const err_t *err)
{
    if (cond) {
        printf("ok %s\n", name);
        return;
    }
    failures++;
    printf("not ok %s: kind %s, status %ld, message '%s'\n", name, worker_backend_error_kind_name(err->kind),
           err->http_status, worker_backend_error_message(err));
}

static worker_backend_client *client_for(const char *base, const char *scenario, const char *key, long timeout_ms)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, scenario);
    worker_backend_client_config cfg = {0};
    cfg.base_url = url;
    cfg.api_key = key;
    cfg.timeout_ms = timeout_ms;
    err_t err = {0};
    worker_backend_client *c = worker_backend_client_new(&cfg, &err);
    if (!c) {
        printf("not ok client_new: %s\n", worker_backend_error_message(&err));
        exit(1);
    }
    worker_backend_error_clear(&err);
    return c;
}

/* A send that must fail with `kind` (and, if given, a message containing `text`). */
static void expect_send_error(const char *base, const char *scenario, const cJSON *payload, worker_backend_error_kind kind,
                              long status, const char *text, const char *name)
{
    worker_backend_client *c = client_for(base, scenario, NULL, 10000);
    err_t err = {0};
    worker_backend_JobResponse *out = NULL;
    bool ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &out, &err);
    check(!ok && !out && err.kind == kind && (status == 0 || err.http_status == status) &&
              (!text || strstr(worker_backend_error_message(&err), text)),
          name, &err);
    worker_backend_error_clear(&err);
    worker_backend_client_free(c);
}

static size_t collect(char *p, size_t s, size_t n, void *u)
{
    strncat(u, p, s * n < 200 ? s * n : 200);
    return s * n;
}

/* /__stats of the server: connections and requests so far. */
static int stats(const char *base, long *conns, long *reqs)
{
    char url[512], body[256] = "";
    snprintf(url, sizeof url, "%s/__stats", base);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_cleanup(h);
    cJSON *j = rc == CURLE_OK ? cJSON_Parse(body) : NULL;
    *conns = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "connections"));
    *reqs = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "requests"));
    cJSON_Delete(j);
    return rc == CURLE_OK;
}

/* A port on 127.0.0.1 that nobody listens on: bound, then closed. */
static int closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(s, (struct sockaddr *)&a, &n) < 0)
        return 9;
    close(s);
    return ntohs(a.sin_port);
}

static int has_item(const err_t *err, const char *line)
{
    char buf[512];
    for (int i = 0; i < err->count; i++)
        if (!strcmp(worker_backend_error_format(err, i, buf, sizeof buf), line))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    const char *base = argv[1];
    FILE *f = fopen(argv[2], "rb");
    static char text[1 << 16];
    size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[len] = '\0';
    err_t err = {0};
    worker_backend_FileDownloadRequestMessage *msg = worker_backend_FileDownloadRequestMessage_parse(text, len, &err);
    check(msg != NULL, "c_client_example_should_parse", &err);
    if (!msg)
        return 1;
    cJSON *payload = cJSON_Parse(text);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    /* success, typed function; then keep-alive across three calls */
    long c0, r0, c1, r1;
    int have_stats = stats(base, &c0, &r0);
    worker_backend_client *c = client_for(base, "/s/ok", NULL, 10000);
    worker_backend_JobResponse *job = NULL;
    bool ok = worker_backend_client_file_download_request(c, msg, &job, &err);
    check(ok && job && job->success && job->job_id && !strcmp(job->job_id, "job-file-download-request-1") &&
              job->message_name && !strcmp(job->message_name, "file-download-request"),
          "c_client_typed_send_should_return_the_job_response", &err);
    worker_backend_JobResponse_free(job);
    job = NULL;
    ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &job, &err);
    check(ok && job && job->success, "c_client_send_to_queue_should_succeed", &err);
    worker_backend_JobResponse_free(job);
    /* job id with reserved and non-ASCII characters: URL-encoded, so it comes back intact */
    const char *odd = "job/1 \xc3\xa4?&#%2F";
    worker_backend_JobStatus *st = NULL;
    ok = worker_backend_client_get_job_status(c, odd, &st, &err);
    check(ok && st && st->job_id && !strcmp(st->job_id, odd) && st->state && !strcmp(st->state, "completed"),
          "c_client_get_job_status_should_url_encode_the_job_id", &err);
    worker_backend_JobStatus_free(st);
    worker_backend_error_clear(&err);
    if (have_stats && stats(base, &c1, &r1))
        check(c1 - c0 == 2 && r1 - r0 == 4, "c_client_should_reuse_its_keep_alive_connection", &err);
    else
        check(0, "c_client_should_reuse_its_keep_alive_connection (no /__stats)", &err);
    worker_backend_client_free(c);

    /* auth */
    c = client_for(base, "/s/auth", "secret-key", 10000);
    job = NULL;
    ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &job, &err);
    check(ok && job, "c_client_should_send_the_bearer_token", &err);
    worker_backend_JobResponse_free(job);
    worker_backend_client_free(c);
    expect_send_error(base, "/s/auth", payload, WORKER_BACKEND_ERR_HTTP, 401, "missing or wrong API key",
                      "c_client_without_key_should_get_http_401_with_the_server_message");

    /* HTTP errors */
    expect_send_error(base, "/s/http400-json", payload, WORKER_BACKEND_ERR_HTTP, 400,
                      "Bad Request: payload rejected by test server", "c_client_should_report_http_400_json_text");
    expect_send_error(base, "/s/http500-json", payload, WORKER_BACKEND_ERR_HTTP, 500, "queue unavailable",
                      "c_client_should_report_http_500_json_text");
    expect_send_error(base, "/s/http503-text", payload, WORKER_BACKEND_ERR_HTTP, 503, "Service Unavailable",
                      "c_client_should_report_http_503_plain_text");
    expect_send_error(base, "/s/http404-html", payload, WORKER_BACKEND_ERR_HTTP, 404, "Not Found",
                      "c_client_should_report_http_404_html");
    /* bad answers */
    expect_send_error(base, "/s/malformed", payload, WORKER_BACKEND_ERR_RESPONSE_JSON, 200, "not JSON",
                      "c_client_should_report_a_malformed_answer");
    {
        worker_backend_client *w = client_for(base, "/s/wrong-schema", NULL, 10000);
        job = NULL;
        ok = worker_backend_client_send_to_queue(w, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &job, &err);
        check(!ok && !job && err.kind == WORKER_BACKEND_ERR_RESPONSE_SCHEMA && err.http_status == 200 &&
                  has_item(&err, "/success: expected boolean, got string") &&
                  has_item(&err, "/queue: expected string, got integer") && err.response,
              "c_client_should_report_an_answer_breaking_the_schema", &err);
        worker_backend_error_clear(&err);
        worker_backend_client_free(w);
    }
    /* what the server received, from the echo scenario (not a JobResponse: kept in err.response) */
    {
        worker_backend_client *e = client_for(base, "/s/echo", "tok", 10000);
        job = NULL;
        ok = worker_backend_client_send_to_queue(e, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &job, &err);
        cJSON *echo = err.response ? cJSON_Parse(err.response) : NULL;
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(echo, "headers");
        cJSON *sent = cJSON_Parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(echo, "body")));
        const char *ctype = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "content-type"));
        const char *auth = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "authorization"));
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(echo, "path"));
        const char *method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(echo, "method"));
        check(!ok && echo && method && !strcmp(method, "POST") && path && !strcmp(path, "/api/jobs/file-download-request") &&
                  ctype && !strcmp(ctype, "application/json") && auth && !strcmp(auth, "Bearer tok") &&
                  sent && cJSON_Compare(sent, payload, 1),
              "c_client_should_post_the_payload_with_method_path_and_headers", &err);
        cJSON_Delete(sent);
        cJSON_Delete(echo);
        worker_backend_error_clear(&err);
        worker_backend_client_free(e);
    }
    /* timeout */
    {
        worker_backend_client *s = client_for(base, "/s/slow", NULL, 800);
        job = NULL;
        ok = worker_backend_client_send_to_queue(s, WORKER_BACKEND_MESSAGE_FILE_DOWNLOAD_REQUEST, payload, &job, &err);
        check(!ok && err.kind == WORKER_BACKEND_ERR_TIMEOUT, "c_client_should_time_out_on_a_slow_server", &err);
        worker_backend_error_clear(&err);
        worker_backend_client_free(s);
    }
    /* connection refused; and an invalid payload is refused before any connection */
    char dead[64];
    snprintf(dead, sizeof dead, "http://127.0.0.1:%d", closed_port());
    expect_send_error(dead, "", payload, WORKER_BACKEND_ERR_TRANSPORT, 0, NULL, "c_client_should_report_connection_refused");
    cJSON *bad = cJSON_Parse("{\"modelId\": 12345}");
    expect_send_error(dead, "", bad, WORKER_BACKEND_ERR_INVALID, 0, "expected string, got integer",
                      "c_client_should_refuse_an_invalid_payload_locally");
    cJSON_Delete(bad);
    /* large answer */
    c = client_for(base, "/s/large", NULL, 20000);
    st = NULL;
    ok = worker_backend_client_get_job_status(c, "big", &st, &err);
    const char *blob = st ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st->data, "blob")) : NULL;
    check(ok && blob && strlen(blob) == 4u * 1024 * 1024, "c_client_should_read_a_4mib_answer", &err);
    worker_backend_error_clear(&err);
    worker_backend_JobStatus_free(st);
    worker_backend_client_free(c);

    /* 2^53 - 1 and a large int64 travel exactly: the bignum scenario answers the
     * integers it read from the payload as the jobId, and a JobStatus with
     * integers at the same edges. (2^63 - 1024 is the largest int64 that a
     * double, cJSON's number, holds; INT64_MAX itself is refused locally.) */
    c = client_for(base, "/s/bignum", NULL, 10000);
    cJSON *big = cJSON_Parse("{\"vertices\": 9007199254740991, \"faces\": -9007199254740991, "
                             "\"edges\": 9223372036854774784}");
    worker_backend_JobResponse *bigjob = NULL;
    ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_MODEL_TECHNICAL_METADATA_COMPLETED, big, &bigjob, &err);
    if (ok && bigjob)
        printf("# the server read %s\n", bigjob->job_id);
    check(ok && bigjob && !strcmp(bigjob->job_id, "edges=9223372036854774784,faces=-9007199254740991,vertices=9007199254740991"),
          "c_client_should_send_big_integers_exactly", &err);
    worker_backend_error_clear(&err);
    worker_backend_JobResponse_free(bigjob);
    st = NULL;
    ok = worker_backend_client_get_job_status(c, "big", &st, &err);
    const cJSON *d = st ? st->data : NULL;
    check(ok && st && st->timestamp == 9007199254740991LL && st->has_attempts_made &&
              st->attempts_made == 9223372036854774784LL &&
              cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "max53")) == 9007199254740991.0 &&
              cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "min53")) == -9007199254740991.0 &&
              cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d, "big")) == 9223372036854774784.0,
          "c_client_should_read_big_integers_exactly", &err);
    worker_backend_error_clear(&err);
    worker_backend_JobStatus_free(st);
    cJSON_Delete(big);
    big = cJSON_Parse("{\"vertices\": 9223372036854775807}");
    ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_MODEL_TECHNICAL_METADATA_COMPLETED, big, NULL, &err);
    check(!ok && err.kind == WORKER_BACKEND_ERR_INVALID, "c_client_should_refuse_an_int64_it_cannot_send_exactly", &err);
    worker_backend_error_clear(&err);
    cJSON_Delete(big);
    worker_backend_client_free(c);

    /* configuration from the environment */
    setenv("WORKER_BACKEND_URL", "http://example.invalid:1", 1);
    setenv("WORKER_BACKEND_API_KEY", "k", 1);
    setenv("WORKER_BACKEND_TIMEOUT", "2.5", 1);
    worker_backend_client_config cfg;
    ok = worker_backend_client_config_from_env(&cfg, &err);
    check(ok && !strcmp(cfg.base_url, "http://example.invalid:1") && !strcmp(cfg.api_key, "k") && cfg.timeout_ms == 2500,
          "c_client_config_should_come_from_the_environment", &err);
    setenv("WORKER_BACKEND_TIMEOUT", "soon", 1);
    ok = worker_backend_client_config_from_env(&cfg, &err);
    check(!ok && err.kind == WORKER_BACKEND_ERR_CONFIG, "c_client_config_should_reject_a_bad_timeout", &err);
    worker_backend_error_clear(&err);

    cJSON_Delete(payload);
    worker_backend_FileDownloadRequestMessage_free(msg);
    worker_backend_runtime_thread_cleanup();
    curl_global_cleanup();
    return failures ? 1 : 0;
}
