/* The generated C library on the cases of cases.py: one line per case,
 * NAME TAB VERDICT TAB SECONDS TAB ERRORS-JSON, through the C parse path
 * (`_parse`: JSON text -> validated record); for a valid payload also
 * "print TAB NAME TAB TEXT" (the record printed back with `_print`).
 * A payload with a top-level {"$nonfinite": "NaN"} member is checked with
 * `_message_validate` after that member is made the number (JSON text cannot
 * carry it; a record built in C can). Usage: check CASES-DIR */
#include "hostile_payloads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) {
                free(s);
                s = NULL;
            }
            s = t;
        }
    }
    fclose(f);
    *len = n;
    return s;
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* Replaces top-level {"$nonfinite": "NaN"} members; returns whether there was one. */
static int nonfinite(cJSON *root)
{
    int found = 0;
    for (cJSON *m = root ? root->child : NULL; m; m = m->next) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "$nonfinite");
        if (!cJSON_IsString(v))
            continue;
        double d = strcmp(v->valuestring, "NaN") == 0 ? NAN : v->valuestring[0] == '-' ? -INFINITY : INFINITY;
        char key[64];
        snprintf(key, sizeof key, "%s", m->string);
        cJSON_ReplaceItemInObjectCaseSensitive(root, key, cJSON_CreateNumber(d));
        found = 1;
        break;
    }
    return found;
}

#define PARSE(T)                                                                 \
    do {                                                                         \
        hostile_payloads_##T *r = hostile_payloads_##T##_parse(text, len, &err); \
        if (r) {                                                                 \
            printed = hostile_payloads_##T##_print(r);                           \
            hostile_payloads_##T##_free(r);                                      \
        }                                                                        \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest", argv[1]);
    FILE *m = fopen(path, "r");
    if (!m)
        return 2;
    char name[256], message[64];
    while (fscanf(m, "%255s %63s", name, message) == 2) {
        snprintf(path, sizeof path, "%s/%s.json", argv[1], name);
        size_t len = 0;
        char *text = slurp(path, &len);
        if (!text)
            return 2;
        hostile_payloads_error err;
        memset(&err, 0, sizeof err);
        char *printed = NULL;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cJSON *json = strstr(text, "$nonfinite") ? cJSON_ParseWithLength(text, len) : NULL;
        hostile_payloads_message_type t;
        if (!hostile_payloads_message_type_from_string(message, &t))
            return 2;
        if (json && nonfinite(json))
            hostile_payloads_message_validate(t, json, &err);
        else if (strcmp(message, "regex") == 0)
            PARSE(Regex);
        else if (strcmp(message, "deep") == 0)
            PARSE(Deep);
        else if (strcmp(message, "numbers") == 0)
            PARSE(Numbers);
        else if (strcmp(message, "ids") == 0)
            PARSE(Ids);
        else
            PARSE(Order);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        cJSON_Delete(json);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("%s\t%s\t%.3f\t[", name, err.kind == HOSTILE_PAYLOADS_OK ? "valid" : "invalid", secs);
        char buf[1024];
        if (err.kind != HOSTILE_PAYLOADS_OK && err.count == 0) {
            json_string(hostile_payloads_error_message(&err));
        }
        for (int i = 0; i < err.count; i++) {
            if (i)
                putchar(',');
            json_string(hostile_payloads_error_format(&err, i, buf, sizeof buf));
        }
        printf("]\n");
        if (printed)
            printf("print\t%s\t%s\n", name, printed);
        cJSON_free(printed);
        hostile_payloads_error_clear(&err);
        free(text);
    }
    fclose(m);
    return 0;
}
