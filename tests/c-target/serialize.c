/* serialize.c - message_serialize on every valid payload of a catalogue.
 *
 * Usage: serialize MANIFEST (tests/c-target/cases.py's: "MESSAGE<TAB>FILE"
 * lines, valid payloads and invalid variants). For each payload that
 * message_parse takes: the record's text by message_serialize_alloc must
 * equal the canonical form, T_to_json's tree printed with exact numbers (what
 * T_print gave before), but for one documented difference: integers of
 * more than 15 digits are exact where the tree rounded them through a double
 * (-0 and subnormals, the others, are in serialize_numbers.c), parse
 * back into a record with the same JSON that serializes to the same text;
 * the record of the cJSON path (message_from_json) gives the same text; and
 * message_serialize keeps its buffer contract (at every size for one payload
 * in 25, at the edges for the others). Prints "FILE<TAB>serialize: WHY" per
 * problem and a last line "checked N" (N payloads serialized).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include INTERNAL_HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define X(name) CAT(PFX, name)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

/* The next token of compact JSON text at *p: a string (with its escapes),
 * a number, or one other character. */
static size_t token(const char *p)
{
    size_t n = 1;
    if (*p == '"') {
        while (p[n] && p[n] != '"')
            n += p[n] == '\\' && p[n + 1] ? 2 : 1;
        return p[n] ? n + 1 : n;
    }
    if (*p == '-' || (*p >= '0' && *p <= '9'))
        while (p[n] && strchr("0123456789+-.eE", p[n]))
            n++;
    return n;
}

/* The text equals the canonical one, but for the documented difference the
 * examples have: an integer member of more than 15 digits is written
 * exactly where the tree, through a double, rounded it (same double). */
static int same_but_exact_integers(const char *s, const char *c)
{
    while (*s && *c) {
        size_t a = token(s), b = token(c);
        if (a != b || memcmp(s, c, a) != 0) {
            int digits = 0, integer = 1;
            for (size_t i = 0; i < a; i++)
                if (s[i] >= '0' && s[i] <= '9')
                    digits++;
                else if (!(i == 0 && s[i] == '-'))
                    integer = 0;
            if (!integer || digits <= 15 || !(*c == '-' || (*c >= '0' && *c <= '9')) || strtod(s, NULL) != strtod(c, NULL))
                return 0;
        }
        s += a;
        c += b;
    }
    return !*s && !*c;
}

static int contract(X(message_type) t, const void *rec, const char *want, size_t size)
{
    size_t n = strlen(want), len = 7;
    char *buf = size ? malloc(size) : NULL; /* exactly `size` bytes: ASan sees a write beyond */
    if (size)
        memset(buf, 'x', size);
    X(error) e;
    memset(&e, 0, sizeof e);
    int ok = X(message_serialize)(t, rec, buf, size, &len, &e), good;
    if (size <= n)
        good = !ok && strcmp(X(error_kind_name)(e.kind), "space") == 0 && len == n && (!size || buf[0] == '\0');
    else
        good = ok && len == n && memcmp(buf, want, n + 1) == 0;
    X(error_clear)(&e);
    free(buf);
    return good;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    FILE *m = fopen(argv[1], "r");
    if (!m)
        return 2;
    char line[4096];
    long checked = 0;
    while (fgets(line, sizeof line, m)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        const char *msg = line, *file = tab + 1;
        size_t len = 0;
        char *text = slurp(file, &len);
        X(message_type) t;
        if (!text || !X(message_type_from_string)(msg, &t)) {
            printf("%s\tserialize: unreadable or unknown message\n", file);
            free(text);
            continue;
        }
        X(error) err;
        memset(&err, 0, sizeof err);
        void *rec = X(message_parse)(t, text, len, &err);
        X(error_clear)(&err);
        if (!rec) {
            free(text);
            continue;
        }
        checked++;
        size_t slen = 0;
        char *s = X(message_serialize_alloc)(t, rec, &slen, &err);
        cJSON *tree = X(message_to_json)(t, rec);
        char *canon = tree ? X(rt_print)(tree) : NULL;
        if (!s)
            printf("%s\tserialize: failed: %s\n", file, X(error_message)(&err));
        else if (!canon || (strcmp(s, canon) != 0 && !same_but_exact_integers(s, canon)))
            printf("%s\tserialize: the text differs from the canonical form:\n%s\n%s\n", file, s, canon ? canon : "NULL");
        X(error_clear)(&err);
        if (s) {
            void *back = X(message_parse)(t, s, slen, &err);
            cJSON *tree2 = back ? X(message_to_json)(t, back) : NULL;
            char *s2 = back ? X(message_serialize_alloc)(t, back, NULL, NULL) : NULL;
            if (!back)
                printf("%s\tserialize: the text does not parse back: %s\n", file, X(error_message)(&err));
            else if (!tree || !tree2 || !cJSON_Compare(tree, tree2, 1))
                printf("%s\tserialize: the text parses back into another record\n", file);
            else if (!s2 || strcmp(s, s2) != 0)
                printf("%s\tserialize: the record parsed back serializes to another text\n", file);
            cJSON_free(s2);
            cJSON_Delete(tree2);
            X(message_free)(t, back);
            X(error_clear)(&err);
            /* the record of the cJSON path */
            cJSON *json = cJSON_ParseWithLength(text, len);
            void *crec = json ? X(message_from_json)(t, json, &err) : NULL;
            char *s3 = crec ? X(message_serialize_alloc)(t, crec, NULL, NULL) : NULL;
            if (!s3 || strcmp(s, s3) != 0)
                printf("%s\tserialize: the record of message_from_json gives %s\n", file, s3 ? s3 : "no text");
            cJSON_free(s3);
            X(message_free)(t, crec);
            cJSON_Delete(json);
            X(error_clear)(&err);
            size_t n = strlen(s);
            if (checked % 25 == 1) {
                for (size_t size = 0; size <= n + 1; size++)
                    if (!contract(t, rec, s, size)) {
                        printf("%s\tserialize: buffer contract broken at size %zu of %zu\n", file, size, n + 1);
                        break;
                    }
            } else {
                size_t sizes[] = {0, 1, n / 2, n, n + 1};
                for (int i = 0; i < 5; i++)
                    if (!contract(t, rec, s, sizes[i])) {
                        printf("%s\tserialize: buffer contract broken at size %zu of %zu\n", file, sizes[i], n + 1);
                        break;
                    }
            }
        }
        cJSON_free(s);
        cJSON_free(canon);
        cJSON_Delete(tree);
        X(message_free)(t, rec);
        free(text);
    }
    fclose(m);
    printf("checked %ld\n", checked);
    X(runtime_thread_cleanup)();
    return 0;
}
