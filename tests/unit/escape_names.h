/* escape_names.h - the names a target's helpers.escapes add to a view
 * (`<key>_<name>` beside each string member `key`), for the unit tests that
 * compare a lazy view with the plain one (test_view_lazy.c,
 * test_view_lookup.c). Include after target.h and hmap.h. */
#ifndef MG_ESCAPE_NAMES_H
#define MG_ESCAPE_NAMES_H

#include <cjson/cJSON.h>

#include "buf.h"

/* The names the target's escapes add, as a string set in `out` (made here;
 * the caller frees it with mg_hmap_fini). */
static void added_names(const mg_target *t, mg_hmap *out)
{
    mg_hmap_init_str(out, sizeof(char *));
    const cJSON *escapes = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t->desc, "helpers"),
                                                            "escapes");
    const cJSON *rule, *key;
    cJSON_ArrayForEach(rule, escapes)
        cJSON_ArrayForEach(key, cJSON_GetObjectItemCaseSensitive(rule, "keys")) {
            mg_buf b;
            mg_buf_init(&b);
            mg_buf_appendf(&b, "%s_%s", key->valuestring, rule->string);
            mg_hmap_put_str(out, mg_buf_cstr(&b), NULL);
            mg_buf_fini(&b);
        }
}

#endif
