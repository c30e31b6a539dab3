/* fuzz_c_bytes.c - libFuzzer harness for the one-pass byte reader of the
 * generated C (out/c, worker_backend_parse.c), differential against the
 * cJSON path on the same bytes.
 *
 * The first byte picks a message type; the rest is the text. message_parse
 * (the byte reader) and the cJSON path (rt_parse_text -> message_from_json,
 * what `_parse` was before) must give the same verdict, the same error set
 * (kind, message, every pointer and message in order) and, when both give a
 * record, records with equal JSON. The one allowed difference: the reader
 * refuses as invalid JSON what cJSON reads on (duplicate member names,
 * invalid UTF-8, lone surrogates, control characters, bytes after the
 * value, numbers outside the grammar); then its message must say so.
 * Then the serializer (<name>_serialize.c): what parses must serialize
 * (message_serialize_alloc, and message_serialize into a buffer of exactly
 * the text's length + 1 and of one byte less), and the text must parse again
 * into a record with the same JSON that serializes to the same text.
 * Built and run by `make fuzz` (rule build-fuzz/fuzz_c_%: links out/c's
 * sources, ASan + UBSan); any difference aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worker_backend_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_errors(const worker_backend_error *a, const worker_backend_error *b)
{
    if (a->kind != b->kind || a->count != b->count || a->truncated != b->truncated)
        return 0;
    if ((a->message == NULL) != (b->message == NULL) || (a->message && strcmp(a->message, b->message) != 0))
        return 0;
    for (int i = 0; i < a->count; i++)
        if (strcmp(a->items[i].pointer, b->items[i].pointer) != 0 || strcmp(a->items[i].message, b->items[i].message) != 0)
            return 0;
    return 1;
}

/* "invalid JSON at byte N: WHY" from the reader's strict grammar. */
static int strict_refusal(const worker_backend_error *e)
{
    return e->kind == WORKER_BACKEND_ERR_JSON && e->message && strncmp(e->message, "invalid JSON at byte ", 21) == 0 &&
           strchr(e->message, ':') != NULL;
}

/* A parsed record serializes, into a buffer of exactly its size too, and
 * the text parses again into a record with the same JSON and text. */
static void check_serialize(worker_backend_message_type t, const void *rec)
{
    size_t len = 0;
    char *s = worker_backend_message_serialize_alloc(t, rec, &len, NULL);
    if (!s || strlen(s) != len)
        abort(); /* a parsed record does not serialize */
    char *buf = malloc(len + 1);
    size_t len2 = 0;
    worker_backend_error e = {0};
    if (!buf || !worker_backend_message_serialize(t, rec, buf, len + 1, &len2, NULL) || len2 != len || memcmp(buf, s, len + 1) != 0)
        abort(); /* the caller's buffer gets another text */
    if (worker_backend_message_serialize(t, rec, buf, len, &len2, &e) || e.kind != WORKER_BACKEND_ERR_SPACE || len2 != len ||
        (len && buf[0] != '\0'))
        abort(); /* one byte short is not refused as such */
    worker_backend_error_clear(&e);
    free(buf);
    void *back = worker_backend_message_parse(t, s, len, &e);
    if (!back)
        abort(); /* the text does not parse again */
    cJSON *a = worker_backend_message_to_json(t, rec), *b = worker_backend_message_to_json(t, back);
    char *s2 = worker_backend_message_serialize_alloc(t, back, NULL, NULL);
    if (!a || !b || !cJSON_Compare(a, b, 1) || !s2 || strcmp(s, s2) != 0)
        abort(); /* another record, or another text */
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_free(s2);
    cJSON_free(s);
    worker_backend_message_free(t, back);
    worker_backend_error_clear(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    worker_backend_message_type t = (worker_backend_message_type)(data[0] % WORKER_BACKEND_MESSAGE_TYPE_COUNT);
    worker_backend_error e1 = {0}, e2 = {0};
    void *r1 = worker_backend_message_parse(t, text, len, &e1);
    cJSON *json = worker_backend_rt_parse_text(text, len, &e2);
    void *r2 = json ? worker_backend_message_from_json(t, json, &e2) : NULL;
    if (r1 && !r2)
        abort(); /* the reader accepts what the cJSON path refuses */
    if (!r1 && r2 && !strict_refusal(&e1))
        abort(); /* the reader refuses what the cJSON path accepts, not for the grammar */
    if (!r1 && !r2 && !same_errors(&e1, &e2) && !(json && strict_refusal(&e1)))
        abort(); /* both refuse, with different errors */
    if (r1 && r2) {
        cJSON *a = worker_backend_message_to_json(t, r1), *b = worker_backend_message_to_json(t, r2);
        if (!a || !b || !cJSON_Compare(a, b, 1))
            abort(); /* different records */
        cJSON_Delete(a);
        cJSON_Delete(b);
    }
    if (r1)
        check_serialize(t, r1);
    worker_backend_message_free(t, r1);
    worker_backend_message_free(t, r2);
    cJSON_Delete(json);
    worker_backend_error_clear(&e1);
    worker_backend_error_clear(&e2);
    return 0;
}
