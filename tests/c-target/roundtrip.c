/* roundtrip.c - checks generated C against message payloads.
 *
 * Usage: roundtrip MANIFEST. Each manifest line is "MESSAGE<TAB>FILE". For
 * each file it prints "FILE<TAB>valid" or, per error, "FILE<TAB>POINTER: MESSAGE"
 * (what the one-pass reader, message_parse from the bytes, says; the validator
 * over cJSON's tree must agree), and for valid payloads checks that
 * from_json -> to_json gives back an equal value, and that _print/parse of the
 * JSON text does too (a line "FILE<TAB>roundtrip: ..." when not). Built against
 * the generated library of the catalogue (tests/c-target/run.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include CATALOGUE_HEADER

/* PFX is the generated prefix with its underscore (-DPFX=worker_backend_). */
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define X(name) CAT(PFX, name)
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 >= cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    if (b)
        b[n] = '\0';
    *len = n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    FILE *m = fopen(argv[1], "r");
    if (!m)
        return 2;
    char line[4096];
    int bad = 0;
    while (fgets(line, sizeof line, m)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        const char *msg = line, *file = tab + 1;
        size_t len;
        char *text = slurp(file, &len);
        cJSON *json = text ? cJSON_ParseWithLength(text, len) : NULL;
        X(message_type) t;
        if (!json || !X(message_type_from_string)(msg, &t)) {
            printf("%s\tsetup: unreadable, not JSON or unknown message\n", file);
            bad = 1;
            free(text);
            cJSON_Delete(json);
            continue;
        }
        X(error) err, perr;
        memset(&err, 0, sizeof err);
        memset(&perr, 0, sizeof perr);
        int quiet = X(message_validate)(t, json, NULL);
        int full = X(message_validate)(t, json, &err);
        if (quiet != full)
            printf("%s\tverdicts differ: without an error record %d, with one %d\n", file, quiet, full);
        /* The verdict and errors printed are those of the one-pass reader
         * (message_parse, from the bytes); the validator over cJSON's tree
         * must say the same. */
        void *prec = X(message_parse)(t, text, len, &perr);
        /* Valid: a record, or (ERR_MEMORY) a valid value the record type
         * cannot hold (a non-object for an object type without "type"), as
         * message_from_json says below. */
        int pvalid = prec != NULL || strcmp(X(error_kind_name)(perr.kind), "memory") == 0;
        if (pvalid != full)
            printf("%s\troundtrip: message_parse says %s, message_validate %s (%s)\n", file, pvalid ? "valid" : "invalid",
                   full ? "valid" : "invalid", X(error_message)(&perr));
        if (pvalid)
            printf("%s\tvalid\n", file);
        int same = err.count == perr.count;
        for (int i = 0; i < perr.count; i++) {
            char buf[2048], vbuf[2048];
            printf("%s\t%s\n", file, X(error_format)(&perr, i, buf, sizeof buf));
            if (same && strcmp(buf, X(error_format)(&err, i, vbuf, sizeof vbuf)) != 0)
                same = 0;
        }
        if (!same)
            printf("%s\troundtrip: message_parse's errors differ from message_validate's\n", file);
        if (prec) {
            cJSON *pback = X(message_to_json)(t, prec);
            if (!pback || !cJSON_Compare(json, pback, 1))
                printf("%s\troundtrip: message_parse -> to_json differs\n", file);
            cJSON_Delete(pback);
        }
        X(error_clear)(&perr);
        X(error_clear)(&err);
        if (full) {
            void *rec = X(message_from_json)(t, json, &err);
            if ((rec != NULL) != (prec != NULL))
                printf("%s\troundtrip: message_from_json %s a record, message_parse %s\n", file, rec ? "gives" : "gives no",
                       prec ? "does" : "does not");
            cJSON *back = rec ? X(message_to_json)(t, rec) : NULL;
            if (!rec)
                printf("%s\troundtrip: from_json failed: %s\n", file, X(error_message)(&err));
            else if (!back || !cJSON_Compare(json, back, 1))
                printf("%s\troundtrip: to_json differs\n", file);
            char *printed = back ? cJSON_PrintUnformatted(back) : NULL;
            cJSON *again = printed ? cJSON_Parse(printed) : NULL;
            if (back && (!again || !cJSON_Compare(json, again, 1)))
                printf("%s\troundtrip: printed text differs\n", file);
            cJSON_Delete(again);
            cJSON_free(printed);
            cJSON_Delete(back);
            X(message_free)(t, rec);
            X(error_clear)(&err);
        }
        X(message_free)(t, prec);
        cJSON_Delete(json);
        free(text);
    }
    fclose(m);
    X(runtime_thread_cleanup)();
    return bad;
}
