/* The generated C validators of any catalogue on payload files: one line per
 * case, NAME TAB VERDICT TAB SECONDS TAB ERRORS-JSON, as check.c, through
 * cJSON and `_message_validate` (the pattern differential test of
 * regex_diff.py; check.c covers the `_parse` path). Build with
 * -DPFX=prefix_ -DCATALOGUE_HEADER='"prefix.h"'. Usage: check_generic DIR */
#include CATALOGUE_HEADER

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define F(name) CAT(PFX, name)

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
    static char text[1 << 20];
    while (fscanf(m, "%255s %63s", name, message) == 2) {
        snprintf(path, sizeof path, "%s/%s.json", argv[1], name);
        FILE *f = fopen(path, "rb");
        if (!f)
            return 2;
        size_t len = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[len] = '\0';
        F(message_type) t;
        if (!F(message_type_from_string)(message, &t))
            return 2;
        F(error) err;
        memset(&err, 0, sizeof err);
        cJSON *json = cJSON_ParseWithLength(text, len);
        bool ok = F(message_validate)(t, json, &err);
        cJSON_Delete(json);
        printf("%s\t%s\t0\t[", name, ok ? "valid" : "invalid");
        char buf[4096];
        for (int i = 0; i < err.count; i++) {
            if (i)
                putchar(',');
            json_string(F(error_format)(&err, i, buf, sizeof buf));
        }
        printf("]\n");
        F(error_clear)(&err);
    }
    fclose(m);
    return 0;
}
