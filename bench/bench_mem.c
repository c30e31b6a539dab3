/* bench_mem.c - peak heap of parsing one payload of the generated C (out/c),
 * against its byte size: the one-pass reader (message_parse) and the cJSON
 * path (cJSON_ParseWithLength + message_from_json), each payload alone.
 * Counts every byte the library and cJSON ask malloc for (the library's
 * calls through -Wl,--wrap, cJSON's through cJSON_InitHooks): the peak while
 * parsing, and what the record holds once built.
 * usage: bench_mem WORK SET...   (reads WORK/examples-SET.txt); prints per
 * set: "mem SET bytes AVG_BYTES onepass_peak P onepass_held H cjson_peak P2"
 * (averages over the payloads) and the largest peak/bytes ratio.
 * Built by bench/validators.sh, or by hand:
 *   cc -O2 -Iout/c bench/bench_mem.c libworker_backend.a -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker_backend.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static size_t live, peak;

/* Every block carries its size in 16 bytes before it. */
void *__wrap_malloc(size_t n)
{
    unsigned char *p = __real_malloc(n + 16);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    live += n;
    if (live > peak)
        peak = live;
    return p + 16;
}
void *__wrap_calloc(size_t n, size_t m)
{
    void *p = __wrap_malloc(n * m);
    if (p)
        memset(p, 0, n * m);
    return p;
}
void __wrap_free(void *p)
{
    if (!p)
        return;
    size_t n;
    memcpy(&n, (unsigned char *)p - 16, sizeof n);
    live -= n;
    __real_free((unsigned char *)p - 16);
}
void *__wrap_realloc(void *p, size_t n)
{
    void *q = __wrap_malloc(n);
    if (q && p) {
        size_t old;
        memcpy(&old, (unsigned char *)p - 16, sizeof old);
        memcpy(q, p, old < n ? old : n);
        __wrap_free(p);
    }
    return q;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    cJSON_Hooks hooks = {__wrap_malloc, __wrap_free};
    cJSON_InitHooks(&hooks);
    static char line[1 << 20];
    for (int k = 2; k < argc; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/examples-%s.txt", argv[1], argv[k]);
        FILE *f = fopen(path, "r");
        if (!f)
            return 1;
        double n = 0, bytes = 0, p1 = 0, h1 = 0, p2 = 0, worst = 0;
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            char *tab = strchr(line, '\t');
            worker_backend_message_type t;
            if (!tab || (*tab = '\0', !worker_backend_message_type_from_string(line, &t)))
                continue;
            const char *text = tab + 1;
            size_t len = strlen(text);
            size_t base = live;
            peak = live;
            void *rec = worker_backend_message_parse(t, text, len, NULL);
            size_t pk = peak - base, held = live - base;
            worker_backend_message_free(t, rec);
            base = live;
            peak = live;
            cJSON *j = cJSON_ParseWithLength(text, len);
            void *rec2 = worker_backend_message_from_json(t, j, NULL);
            size_t pk2 = peak - base;
            worker_backend_message_free(t, rec2);
            cJSON_Delete(j);
            if (!rec || !rec2)
                return 1;
            n++;
            bytes += (double)len;
            p1 += (double)pk;
            h1 += (double)held;
            p2 += (double)pk2;
            if ((double)pk / (double)len > worst)
                worst = (double)pk / (double)len;
        }
        fclose(f);
        printf("mem %s bytes %.0f onepass_peak %.0f onepass_held %.0f cjson_peak %.0f worst_peak_per_byte %.2f\n", argv[k],
               bytes / n, p1 / n, h1 / n, p2 / n, worst);
    }
    return 0;
}
