/* fuzz_c_parse.c - libFuzzer harness for the generated C parsers (out/c).
 *
 * The first byte picks a message type; the rest goes through the typed
 * entry points: `_parse` of three payload types, and for every type
 * message_from_json -> message_to_json, which must give back an equal value.
 * Built by `make fuzz` (rule build-fuzz/fuzz_c_%: links out/c's sources).
 */
#include <stdint.h>
#include <stdlib.h>

#include "worker_backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    worker_backend_error err = {0};
    switch (data[0] % 4) {
    case 0:
        worker_backend_FileDownloadRequestMessage_free(worker_backend_FileDownloadRequestMessage_parse(text, len, &err));
        break;
    case 1:
        worker_backend_JobStatus_free(worker_backend_JobStatus_parse(text, len, &err));
        break;
    case 2:
        worker_backend_JobResponse_free(worker_backend_JobResponse_parse(text, len, &err));
        break;
    default: {
        cJSON *json = cJSON_ParseWithLength(text, len);
        worker_backend_message_type t = (worker_backend_message_type)((data[0] / 4) % WORKER_BACKEND_MESSAGE_TYPE_COUNT);
        void *rec = json ? worker_backend_message_from_json(t, json, &err) : NULL;
        if (rec) {
            cJSON *back = worker_backend_message_to_json(t, rec);
            /* cJSON_Compare matches members by first name, so a value with duplicate
             * member names may not even equal itself; compare only when it does. */
            cJSON *copy = cJSON_Duplicate(json, 1); /* cJSON_Compare(x, x) is always true */
            if (!back || !copy || (cJSON_Compare(json, copy, 1) && !cJSON_Compare(json, back, 1)))
                abort();
            cJSON_Delete(copy);
            char *s = worker_backend_message_type_to_string(t) ? cJSON_PrintUnformatted(back) : NULL;
            cJSON_free(s);
            cJSON_Delete(back);
        }
        worker_backend_message_free(t, rec);
        cJSON_Delete(json);
    }
    }
    worker_backend_error_clear(&err);
    return 0;
}
