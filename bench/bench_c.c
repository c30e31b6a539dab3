/* bench_c.c - throughput of the generated C (out/c) on the catalogue's message
 * examples: validation of pre-parsed values, parse (cJSON) + validate from
 * bytes, and parse + validate + typed record (message_from_json) + free.
 * Prints one line per measure: "c MEASURE msgs/s MB/s".
 * usage: bench_c EXAMPLES.txt SECONDS   (lines "MESSAGE<TAB>JSON")
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker_backend.h"

typedef struct ex {
    worker_backend_message_type type;
    char *text;
    size_t len;
    cJSON *json;
} ex;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static ex cases[4096];
static int ncases;
static size_t nbytes;

static int run(int what)
{
    int ok = 0;
    for (int i = 0; i < ncases; i++) {
        ex *e = &cases[i];
        if (what == 0)
            ok += worker_backend_message_validate(e->type, e->json, NULL);
        else if (what == 1) {
            cJSON *j = cJSON_ParseWithLength(e->text, e->len);
            ok += worker_backend_message_validate(e->type, j, NULL);
            cJSON_Delete(j);
        } else {
            cJSON *j = cJSON_ParseWithLength(e->text, e->len);
            void *rec = worker_backend_message_from_json(e->type, j, NULL);
            ok += rec != NULL;
            worker_backend_message_free(e->type, rec);
            cJSON_Delete(j);
        }
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    double seconds = atof(argv[2]);
    FILE *f = fopen(argv[1], "r");
    static char line[1 << 16];
    while (f && ncases < 4096 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        ex *e = &cases[ncases];
        if (!worker_backend_message_type_from_string(line, &e->type))
            continue;
        e->len = strlen(tab + 1);
        e->text = malloc(e->len + 1);
        memcpy(e->text, tab + 1, e->len + 1);
        e->json = cJSON_Parse(e->text);
        nbytes += e->len;
        ncases++;
    }
    if (f)
        fclose(f);
    if (!ncases || run(0) != ncases || run(2) != ncases) {
        fprintf(stderr, "bench_c: no examples, or an example is invalid\n");
        return 1;
    }
    static const char *const names[] = {"validate-preparsed", "parse+validate", "parse+validate+record"};
    for (int what = 0; what < 3; what++) {
        long rounds = 0;
        int ok = 0;
        double start = now(), t = start;
        while (t - start < seconds) {
            for (int r = 0; r < 20; r++, rounds++)
                ok += run(what);
            t = now();
        }
        double s = t - start;
        if (ok != rounds * ncases)
            return 1;
        printf("c %s %.0f %.1f\n", names[what], (double)rounds * ncases / s, (double)rounds * (double)nbytes / s / 1e6);
    }
    for (int i = 0; i < ncases; i++) {
        free(cases[i].text);
        cJSON_Delete(cases[i].json);
    }
    return 0;
}
