/* A consumer of the installed worker-backend C library, built with plain
 * -std=c11 and the flags pkg-config gives (and the same file with CMake).
 * Usage: main BASE_URL; prints what it did, exit 0 on success. */
#include <stdio.h>
#include <string.h>

#include <worker_backend_client.h>

int main(int argc, char **argv)
{
    worker_backend_error err = {0};
    worker_backend_client_config cfg = {0};
    cfg.base_url = argc > 1 ? argv[1] : "http://127.0.0.1:9";
    cfg.timeout_ms = 10000;
    worker_backend_client *c = worker_backend_client_new(&cfg, &err);
    if (!c) {
        fprintf(stderr, "client: %s\n", worker_backend_error_message(&err));
        return 1;
    }
    cJSON *payload = cJSON_Parse("{\"query\": \"benchy\", \"options\": {\"pages\": 3}}");
    worker_backend_JobResponse *job = NULL;
    bool ok = worker_backend_client_send_to_queue(c, WORKER_BACKEND_MESSAGE_ANALYTICS_COLLECTION_REQUEST, payload, &job, &err);
    worker_backend_JobStatus *st = NULL;
    if (ok)
        ok = worker_backend_client_get_job_status(c, job->job_id, &st, &err);
    if (ok)
        printf("job %s %s\n", job->job_id, st->state);
    else
        fprintf(stderr, "call: %s\n", worker_backend_error_message(&err));
    /* The typed call, with a record from the _new/_init helpers. */
    static char query[] = "benchy";
    worker_backend_AnalyticsCollectionRequestMessage *msg = worker_backend_AnalyticsCollectionRequestMessage_new();
    worker_backend_AnalyticsCollectionRequestMessage local;
    worker_backend_AnalyticsCollectionRequestMessage_init(&local);
    worker_backend_JobResponse *typed = NULL;
    if (ok && msg && !local.query && !local.has_marketplace) {
        msg->query = query;
        ok = worker_backend_client_analytics_collection_request(c, msg, &typed, &err);
        msg->query = NULL; /* not ours to free */
        if (ok)
            printf("typed %s\n", typed->job_id);
        else
            fprintf(stderr, "typed call: %s\n", worker_backend_error_message(&err));
    }
    worker_backend_JobResponse_free(typed);
    worker_backend_AnalyticsCollectionRequestMessage_free(msg);
    worker_backend_JobStatus_free(st);
    worker_backend_JobResponse_free(job);
    cJSON_Delete(payload);
    worker_backend_error_clear(&err);
    worker_backend_client_free(c);
    return ok ? 0 : 1;
}
