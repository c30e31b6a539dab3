/* test_vplan_names.c - function_names (vplan.c) names the functions as it
 * would with every schema's URI made beforehand.
 *
 * node_name makes every schema's name; the URI (node_uri_at) is made only
 * where a name needs it: a file path with '#', a name longer than
 * MAX_FN_NAME (shortened with the URI's hash) and a name two functions share
 * (the file's stem, then the URI's hash). A URI of the wrong schema, or one
 * not made, would change a name. This names the functions of every shipped
 * catalogue both ways: as function_names does, and from URIs made by
 * mg_resolve_node_uri for every function first, with the rules written out
 * plainly below. */
#include "../../generator/vplan.c"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "load.h"
#include "unit.h"
#include "catalogues.h"

static size_t named, differ, shortened, clashed; /* clashed: renamed by a clash pass */

/* The names function_names gives, from `uri` (every function's, relative to
 * the root file's folder) and name_of_uri alone. */
static char **want_names(pctx *c, const int *map, char *const *uri, const char *root_file)
{
    int n = c->nfunctions;
    char **names = mg_xcalloc((size_t)n + 1, sizeof *names);
    int *from = mg_xcalloc((size_t)n + 1, sizeof *from);
    unsigned char *bare = mg_xcalloc((size_t)n + 1, 1);
    const cJSON *f;
    cJSON_ArrayForEach(f, c->functions) {
        int id = (int)cJSON_GetNumberValue(mg_json_get(f, "id"));
        const char *nm = id >= 0 && id < n && map[id] == id ? bare_type_name(f) : NULL;
        if (nm) {
            names[id] = mg_xstrdup(nm);
            bare[id] = 1;
        }
    }
    for (int i = 0; i < n; i++) {
        int k = map[i];
        if (bare[k])
            continue;
        char *nm = name_of_uri(uri[i], 0);
        if (!names[k] || strcmp(nm, names[k]) < 0) {
            free(names[k]);
            names[k] = nm;
            from[k] = i;
        } else
            free(nm);
    }
    for (int pass = 0; pass < 2; pass++) {
        char **next = mg_xcalloc((size_t)n + 1, sizeof *next);
        for (int i = 0; i < n; i++) {
            if (map[i] != i || bare[i])
                continue;
            int same = 0;
            for (int j = 0; j < n; j++)
                same += map[j] == j && names[j] && !strcmp(names[j], names[i]);
            if (same < 2)
                continue;
            const char *u = uri[from[i]];
            if (pass == 0) {
                if (!strncmp(u, root_file, strlen(root_file)) && u[strlen(root_file)] == '#')
                    continue;
                next[i] = name_of_uri(u, 1);
                clashed++;
            } else {
                mg_buf b;
                mg_buf_init(&b);
                mg_buf_appendf(&b, "%s_%08x", names[i], (unsigned)mg_hash_str(u));
                next[i] = mg_buf_steal(&b, NULL);
                clashed++;
            }
        }
        for (int i = 0; i < n; i++)
            if (next[i]) {
                free(names[i]);
                names[i] = next[i];
            }
        free(next);
    }
    free(bare);
    free(from);
    return names;
}

static void compare_names(const char *path)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    if (!m)
        return;
    /* build_raw up to the names. */
    pctx c = {.m = m, .d = &d, .raw = 1, .memo = 1};
    c.fnkeys = mg_xcalloc(FN_KEY_CACHE, sizeof *c.fnkeys);
    mg_hmap_init(&c.nodes, sizeof(node_ent));
    mg_hmap_init(&c.memo_map, sizeof(memo_ent));
    mg_buf_init(&c.uri_text);
    mg_buf_init(&c.name_text);
    c.functions = cJSON_CreateArray();
    c.patterns = cJSON_CreateArray();
    int *type_fn = mg_xcalloc((size_t)m->ntypes + 1, sizeof *type_fn);
    for (int i = 0; i < m->ntypes; i++)
        type_fn[i] = m->types[i]->schema ? compile(&c, m->types[i]->doc, m->types[i]->schema) : -1;
    CHECK(!c.failed);
    int n = c.nfunctions;
    int *map = share_functions(&c, type_fn, m->ntypes);
    free(c.alias);
    /* Every URI first, relative to the root file's folder. */
    const mg_doc *root = mg_docset_doc(set, 0);
    const char *slash = strrchr(root->path, '/');
    size_t dlen = slash ? (size_t)(slash - root->path) + 1 : 0;
    char **uri = mg_xcalloc((size_t)n + 1, sizeof *uri);
    for (int i = 0; i < n; i++) {
        char *u = c.src[i].uri_at != NO_URI ? mg_xstrdup(c.uri_text.data + c.src[i].uri_at)
                                            : mg_resolve_node_uri(set, c.src[i].doc, c.src[i].node);
        uri[i] = mg_xstrdup(strncmp(u, root->path, dlen) ? u : u + dlen);
        free(u);
        if (c.src[i].name_at != NO_NAME && c.src[i].name_len > MAX_FN_NAME)
            shortened++; /* its name is shortened with its URI's hash */
    }
    char **want = want_names(&c, map, uri, root->path + dlen);
    char **got = function_names(&c, map);
    for (int i = 0; i < n; i++) {
        int same = !want[i] == !got[i] && (!want[i] || !strcmp(want[i], got[i]));
        if (!same && differ++ < 3)
            unit_note("# %s: function %d named %s, not %s\n", path, i, got[i] ? got[i] : "(none)",
                      want[i] ? want[i] : "(none)");
        named += want[i] != NULL;
        free(want[i]);
        free(got[i]);
        free(uri[i]);
    }
    free(want);
    free(got);
    free(uri);
    free(map);
    free_uris(&c);
    mg_hmap_fini(&c.memo_map);
    cJSON_Delete(c.functions);
    cJSON_Delete(c.patterns);
    free(c.fnkeys);
    free(type_fn);
    mg_model_free(m);
    mg_docset_free(set);
}

/* Writes `text` to dir/name. */
static void put_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The shipped catalogues' names never clash: a catalogue whose do, in every
 * way function_names resolves (a file's stem; the root file's own schema
 * keeps its name; two pointers of one file that read the same get their
 * hashes). */
static void compare_clashing(void)
{
    char dir[] = "/tmp/test_vplan_names.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    put_file(dir, "root.json",
             "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"T\", \"$defs\": {\n"
             "  \"A\": {\"$ref\": \"a.json#/$defs/Thing\"},\n"
             "  \"B\": {\"$ref\": \"b.json#/$defs/Thing\"},\n"
             "  \"C\": {\"type\": \"object\", \"properties\": {\"D\": {\"type\": \"string\", \"minLength\": 1}}},\n"
             "  \"C_D\": {\"type\": \"string\", \"minLength\": 2},\n"
             "  \"Thing\": {\"type\": \"string\", \"maxLength\": 3}}}\n");
    put_file(dir, "a.json", "{\"$defs\": {\"Thing\": {\"type\": \"string\", \"minLength\": 4}}}\n");
    put_file(dir, "b.json", "{\"$defs\": {\"Thing\": {\"type\": \"string\", \"minLength\": 5}}}\n");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/root.json", dir);
    size_t before = clashed;
    compare_names(path);
    CHECK(clashed >= before + 4); /* the Things of a and b, C's D and C_D */
    static const char *const files[] = {"root.json", "a.json", "b.json"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
}

static void vplan_should_name_functions_as_from_every_uri_made_first(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_names);
    compare_clashing();
    printf("# %zu names, %zu long, %zu clashing\n", named, shortened, clashed);
    CHECK(named > 500);
    CHECK(shortened > 0);
    CHECK(clashed > 0);
    CHECK_INT(differ, 0);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h: not needed here */
    RUN(vplan_should_name_functions_as_from_every_uri_made_first);
    return unit_done();
}
