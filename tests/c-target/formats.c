/* formats.c - the generated runtime's format checkers on given strings.
 *
 * Usage: formats MANIFEST. Each manifest line is "FORMAT<TAB>FILE", FILE a
 * JSON array of strings (tests/c-target/formats.py writes them). Prints
 * "FILE<TAB>INDEX<TAB>1" (valid) or "...<TAB>0" per string. Each string is
 * checked in a heap copy of exactly its size, so that a read past its end
 * shows under ASan or valgrind. Built against the generated library of the
 * worker-backend catalogue (tests/c-target/run.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include INTERNAL_HEADER

/* PFX is the generated prefix with its underscore (-DPFX=worker_backend_). */
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define X(name) CAT(PFX, name)

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1)) != NULL) {
        if (fread(b, 1, (size_t)n, f) != (size_t)n) {
            free(b);
            b = NULL;
        } else
            b[n] = '\0';
    }
    fclose(f);
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
        const char *fmt = line, *file = tab + 1;
        static const struct {
            const char *name;
            bool (*check)(const char *);
        } formats[] = {
            {"uri", X(rt_format_uri)},           {"uuid", X(rt_format_uuid)},
            {"date-time", X(rt_format_date_time)}, {"date", X(rt_format_date)},
            {"time", X(rt_format_time)},         {"email", X(rt_format_email)},
            {"hostname", X(rt_format_hostname)}, {"ipv4", X(rt_format_ipv4)},
            {"ipv6", X(rt_format_ipv6)},         {"regex", X(rt_format_regex)},
        };
        bool (*check)(const char *) = NULL;
        for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++)
            if (strcmp(fmt, formats[k].name) == 0)
                check = formats[k].check;
        char *text = slurp(file);
        cJSON *json = text ? cJSON_Parse(text) : NULL;
        free(text);
        if (!check || !cJSON_IsArray(json)) {
            fprintf(stderr, "%s: unknown format %s, unreadable or not a JSON array\n", file, fmt);
            bad = 1;
            cJSON_Delete(json);
            continue;
        }
        int i = 0;
        for (const cJSON *s = json->child; s; s = s->next, i++) {
            if (!cJSON_IsString(s)) {
                fprintf(stderr, "%s: item %d is not a string\n", file, i);
                bad = 1;
                continue;
            }
            size_t n = strlen(s->valuestring) + 1;
            char *copy = malloc(n);
            if (!copy)
                return 2;
            memcpy(copy, s->valuestring, n);
            printf("%s\t%d\t%d\n", file, i, check(copy) ? 1 : 0);
            free(copy);
        }
        cJSON_Delete(json);
    }
    fclose(m);
    return bad;
}
