/* bench_ser.c - record -> JSON text in the generated C (out/c), per message
 * of a payload set of bench/payloads.py: message_serialize_alloc (the walk of
 * <name>_serialize.c, no tree), message_serialize into the caller's buffer,
 * against message_to_json + cJSON_PrintUnformatted + free (the tree
 * path), and what T_print was (message_to_json + the runtime's exact-number
 * print of the tree, which duplicates it). The records come from
 * message_parse before any measure. Each measure is one function (ser_*)
 * that bench/serialize.sh gives to callgrind's --toggle-collect.
 * usage: bench_ser EXAMPLES.txt MEASURE REPS   (MEASURE: alloc buf tree print)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker_backend_internal.h"

typedef struct ex {
    worker_backend_message_type type;
    void *rec;
} ex;

static ex cases[4096];
static int n;
static char buf[1 << 20];

__attribute__((noinline)) static size_t ser_alloc(void)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        size_t len = 0;
        char *t = worker_backend_message_serialize_alloc(cases[i].type, cases[i].rec, &len, NULL);
        total += t ? len : 0;
        cJSON_free(t);
    }
    return total;
}

__attribute__((noinline)) static size_t ser_buf(void)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        size_t len = 0;
        if (worker_backend_message_serialize(cases[i].type, cases[i].rec, buf, sizeof buf, &len, NULL))
            total += len;
    }
    return total;
}

__attribute__((noinline)) static size_t ser_tree(void)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        cJSON *j = worker_backend_message_to_json(cases[i].type, cases[i].rec);
        char *t = j ? cJSON_PrintUnformatted(j) : NULL;
        total += t ? strlen(t) : 0;
        cJSON_free(t);
        cJSON_Delete(j);
    }
    return total;
}

__attribute__((noinline)) static size_t ser_print(void)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        char *t = worker_backend_rt_print_tree(worker_backend_message_to_json(cases[i].type, cases[i].rec));
        total += t ? strlen(t) : 0;
        cJSON_free(t);
    }
    return total;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    FILE *f = fopen(argv[1], "r");
    if (!f)
        return 2;
    static char line[1 << 20];
    while (n < 4096 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        if (!worker_backend_message_type_from_string(line, &cases[n].type))
            return 2;
        cases[n].rec = worker_backend_message_parse(cases[n].type, tab + 1, strlen(tab + 1), NULL);
        if (!cases[n].rec) {
            fprintf(stderr, "bench_ser: a payload of %s does not parse\n", argv[1]);
            return 1;
        }
        n++;
    }
    fclose(f);
    /* Every measure writes the same text (but for exact integers, which the
     * tree rounds: the sets have none beyond 15 digits). */
    size_t a = ser_alloc(), b = ser_buf(), c = ser_tree(), d = ser_print();
    if (a != b || a != d || a != c) {
        fprintf(stderr, "bench_ser: texts differ in length: %zu %zu %zu %zu\n", a, b, c, d);
        return 1;
    }
    size_t (*fn)(void) = strcmp(argv[2], "alloc") == 0 ? ser_alloc : strcmp(argv[2], "buf") == 0 ? ser_buf
                       : strcmp(argv[2], "tree") == 0 ? ser_tree : ser_print;
    for (int r = atoi(argv[3]); r > 0; r--)
        fn();
    printf("%d %zu\n", n, a);
    for (int i = 0; i < n; i++)
        worker_backend_message_free(cases[i].type, cases[i].rec);
    return 0;
}
