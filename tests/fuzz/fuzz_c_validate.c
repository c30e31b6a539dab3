/* fuzz_c_validate.c - libFuzzer harness for the generated C validators (out/c).
 *
 * The first byte picks a message type; the rest is parsed as JSON and
 * validated with and without an error record. The two verdicts must agree,
 * and an invalid value must come with at least one error. Built by
 * `make fuzz` (rule build-fuzz/fuzz_c_%: links out/c's sources).
 */
#include <stdint.h>
#include <stdlib.h>

#include "worker_backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    worker_backend_message_type t = (worker_backend_message_type)(data[0] % WORKER_BACKEND_MESSAGE_TYPE_COUNT);
    cJSON *json = cJSON_ParseWithLength((const char *)data + 1, size - 1);
    if (!json)
        return 0;
    worker_backend_error err = {0};
    bool quick = worker_backend_message_validate(t, json, NULL);
    bool full = worker_backend_message_validate(t, json, &err);
    if (quick != full || (!full && err.count == 0))
        abort();
    worker_backend_error_clear(&err);
    cJSON_Delete(json);
    return 0;
}
