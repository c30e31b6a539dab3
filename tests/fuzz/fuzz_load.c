/* fuzz_load.c - libFuzzer harness for the loader and the resolver.
 *
 * Each input is loaded twice, as "fuzz.yaml" (content sniffing, YAML or JSON)
 * and as "fuzz.json" (strict JSON), then every reference is resolved and every
 * node's mark and canonical URI is computed. The buffers are named as files
 * in a scratch folder holding two small files, so cross-file refs
 * ("a.yaml#/x") have something to reach, while the folder is the root that
 * keeps everything else out. (We do not chdir: libFuzzer opens its corpus
 * folders by relative path after initialising.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "resolve.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(void *user, const char *line)
{
    (void)user;
    (void)line;
}

static char scratch[64];
static char yaml_name[96], json_name[96];

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

static void cleanup(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/a.yaml", scratch);
    unlink(path);
    snprintf(path, sizeof path, "%s/b.json", scratch);
    unlink(path);
    rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(scratch, sizeof scratch, "/tmp/mg-fuzz-load.XXXXXX");
    if (!mkdtemp(scratch))
        abort();
    snprintf(yaml_name, sizeof yaml_name, "%s/fuzz.yaml", scratch);
    snprintf(json_name, sizeof json_name, "%s/fuzz.json", scratch);
    write_file("a.yaml", "x: {$ref: 'b.json#/y'}\nt: {type: object, properties: {c: {$ref: '#/t'}}}\n");
    atexit(cleanup);
    write_file("b.json", "{\"y\": {\"$ref\": \"a.yaml#/t\"}, \"n\": [1, 2, {\"a/b\": null}]}\n");
    return 0;
}

static void walk(mg_docset *set, const mg_doc *doc, const cJSON *node, int *budget)
{
    if (!node || --*budget < 0)
        return;
    mg_mark m = mg_doc_mark(doc, node);
    mg_mark k = mg_doc_key_mark(doc, node);
    if (m.line < 0 || k.line < 0 || !m.file)
        abort();
    (void)mg_doc_is_quoted(doc, node);
    char *uri = mg_resolve_node_uri(set, doc, node);
    free(uri);
    if (cJSON_IsObject(node) || cJSON_IsArray(node))
        for (const cJSON *c = node->child; c; c = c->next)
            walk(set, doc, c, budget);
}

static void run(const char *name, const uint8_t *data, size_t size)
{
    mg_diag d;
    mg_diag_init_sink(&d, discard, NULL);
    mg_docset *set = mg_docset_new(NULL);
    const mg_doc *doc = mg_docset_load_buffer(set, name, (const char *)data, size, &d);
    if (doc) {
        int budget = 2000;
        walk(set, doc, doc->root, &budget);
        if (mg_resolve_all(set, doc, &d) == 0 && cJSON_IsObject(doc->root)) {
            for (const cJSON *c = doc->root->child; c; c = c->next) {
                mg_ref_target t;
                if (mg_resolve_ref(set, doc, c, &t, &d) < 0)
                    break;
            }
        }
    } else if (d.errors == 0) {
        abort(); /* a failed load must say why */
    }
    mg_docset_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(yaml_name, data, size);
    run(json_name, data, size);
    return 0;
}
