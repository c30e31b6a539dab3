/* bench_c.c - throughput of the generated C (out/c) on the payload sets of
 * bench/payloads.py: validation of pre-parsed cJSON trees, cJSON parse alone,
 * parse + validate from bytes, parse + validate + typed record
 * (message_from_json) + free, and the one-pass reader from bytes to a
 * validated record (message_parse) + free.
 * Every measure is repeated REPS times, the repetitions of all measures
 * interleaved so that a slow phase of the machine hits them alike; prints one
 * line per set and measure: "c SET MEASURE BYTES_PER_MSG RATE..." with the
 * msgs/s of each repetition (bench/vtable.py takes the median over runs).
 * usage: bench_c WORK SECONDS REPS SET...   (reads WORK/examples-SET.txt,
 * lines "MESSAGE<TAB>JSON")
 * With BENCH_ONLY=MEASURE in the environment, runs (and checks) that measure
 * alone, to profile it: perf record, valgrind --tool=callgrind. With
 * BENCH_CPU=1 the rates are per second of the process's CPU time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker_backend.h"

enum { MAXSETS = 8, MAXREPS = 64, NMEASURES = 5 };

typedef struct ex {
    worker_backend_message_type type;
    char *text;
    size_t len;
    cJSON *json;
} ex;

typedef struct set {
    const char *name;
    ex *cases;
    int n;
    size_t bytes;
    double rate[NMEASURES][MAXREPS];
} set;

static const char *const measure_names[NMEASURES] = {"validate-preparsed", "parse", "parse+validate",
                                                     "parse+validate+record", "bytes->record"};

/* Wall time, or with BENCH_CPU=1 in the environment the process's CPU time
 * (bench/blaze.py's comparison: a shared machine's load then costs no rate). */
static double now(void)
{
    static int cpu = -1;
    if (cpu < 0)
        cpu = getenv("BENCH_CPU") != NULL;
    struct timespec t;
    clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One pass over the set; returns how many payloads passed (parse alone
 * counts a successful parse), so the caller can check nothing failed. */
static int pass(const set *s, int what)
{
    int ok = 0;
    for (int i = 0; i < s->n; i++) {
        const ex *e = &s->cases[i];
        if (what == 0)
            ok += worker_backend_message_validate(e->type, e->json, NULL);
        else if (what == 1) {
            cJSON *j = cJSON_ParseWithLength(e->text, e->len);
            ok += j != NULL;
            cJSON_Delete(j);
        } else if (what == 2) {
            cJSON *j = cJSON_ParseWithLength(e->text, e->len);
            ok += worker_backend_message_validate(e->type, j, NULL);
            cJSON_Delete(j);
        } else if (what == 3) {
            cJSON *j = cJSON_ParseWithLength(e->text, e->len);
            void *rec = worker_backend_message_from_json(e->type, j, NULL);
            ok += rec != NULL;
            worker_backend_message_free(e->type, rec);
            cJSON_Delete(j);
        } else {
            void *rec = worker_backend_message_parse(e->type, e->text, e->len, NULL);
            ok += rec != NULL;
            worker_backend_message_free(e->type, rec);
        }
    }
    return ok;
}

static int load(set *s, const char *work, const char *only)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/examples-%s.txt", work, s->name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_c: cannot read %s\n", path);
        return 0;
    }
    static char line[1 << 20];
    int cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        if (s->n == cap) {
            cap = cap ? 2 * cap : 64;
            s->cases = realloc(s->cases, (size_t)cap * sizeof *s->cases);
        }
        ex *e = &s->cases[s->n];
        if (!worker_backend_message_type_from_string(line, &e->type)) {
            fprintf(stderr, "bench_c: %s: unknown message '%s'\n", path, line);
            fclose(f);
            return 0;
        }
        e->len = strlen(tab + 1);
        e->text = malloc(e->len + 1);
        memcpy(e->text, tab + 1, e->len + 1);
        e->json = cJSON_Parse(e->text);
        s->bytes += e->len;
        s->n++;
    }
    fclose(f);
    for (int what = 0; what < NMEASURES; what++)
        if ((!only || strcmp(only, measure_names[what]) == 0) && pass(s, what) != s->n) {
            fprintf(stderr, "bench_c: %s: a payload fails '%s'\n", path, measure_names[what]);
            return 0;
        }
    return s->n > 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_c WORK SECONDS REPS SET...\n");
        return 2;
    }
    double seconds = atof(argv[2]);
    int reps = atoi(argv[3]), nsets = argc - 4;
    if (reps < 1 || reps > MAXREPS || nsets > MAXSETS || !(seconds > 0))
        return 2;
    const char *only = getenv("BENCH_ONLY");
    static set sets[MAXSETS];
    for (int k = 0; k < nsets; k++) {
        sets[k].name = argv[4 + k];
        if (!load(&sets[k], argv[1], only))
            return 1;
    }
    for (int r = 0; r < reps; r++)
        for (int k = 0; k < nsets; k++)
            for (int what = 0; what < NMEASURES; what++) {
                set *s = &sets[k];
                if (only && strcmp(only, measure_names[what]) != 0)
                    continue;
                long rounds = 0, ok = 0;
                double start = now(), t = start;
                while (t - start < seconds) {
                    for (int i = 0; i < 10; i++, rounds++)
                        ok += pass(s, what);
                    t = now();
                }
                if (ok != rounds * s->n)
                    return 1;
                s->rate[what][r] = (double)rounds * s->n / (t - start);
            }
    for (int k = 0; k < nsets; k++)
        for (int what = 0; what < NMEASURES; what++) {
            const set *s = &sets[k];
            if (only && strcmp(only, measure_names[what]) != 0)
                continue;
            printf("c %s %s %.1f", s->name, measure_names[what], (double)s->bytes / s->n);
            for (int r = 0; r < reps; r++)
                printf(" %.0f", s->rate[what][r]);
            printf("\n");
        }
    for (int k = 0; k < nsets; k++) {
        for (int i = 0; i < sets[k].n; i++) {
            free(sets[k].cases[i].text);
            cJSON_Delete(sets[k].cases[i].json);
        }
        free(sets[k].cases);
    }
    return 0;
}
