/* fuzz_model.c - libFuzzer harness for the whole front end after loading:
 * schema formats (Avro rewrite), typo warnings, the model (types, unions,
 * tuples, maps), the interface model (operations, channels, servers, traits,
 * bindings, security) and the neutral view, generated examples included.
 *
 * fuzz_load covers the loader and resolver on arbitrary bytes; this harness
 * spends its time behind them, so its seeds are small AsyncAPI documents and
 * most mutations still load. Each input is written to fuzz.yaml in a scratch
 * folder beside a small a.yaml that cross-file refs can reach, and goes
 * through mg_model_load and mg_view_build as `msggen view` does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cJSON.h"
#include "diag.h"
#include "load.h"
#include "model.h"
#include "view.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(void *user, const char *line)
{
    (void)user;
    (void)line;
}

static char scratch[64];
static char input[96];

static void write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
}

static void cleanup(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/a.yaml", scratch);
    unlink(path);
    unlink(input);
    rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(scratch, sizeof scratch, "/tmp/mg-fuzz-model.XXXXXX");
    if (!mkdtemp(scratch))
        abort();
    snprintf(input, sizeof input, "%s/fuzz.yaml", scratch);
    char path[128];
    snprintf(path, sizeof path, "%s/a.yaml", scratch);
    static const char a[] = "T: {type: object, required: [id], properties: {id: {type: string, format: uuid}}}\n"
                            "H: {type: object, properties: {trace: {type: string}}}\n"
                            "Trait: {headers: {$ref: '#/H'}, contentType: application/json}\n";
    write_file(path, (const uint8_t *)a, sizeof a - 1);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_file(input, data, size);
    mg_diag d;
    mg_diag_init_sink(&d, discard, NULL);
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(input, NULL, 0, &set, &d);
    if (m) {
        cJSON *view = mg_view_build(m, NULL, &d);
        if (!view && d.errors == 0)
            abort(); /* a view that fails must say why */
        cJSON_Delete(view);
        mg_model_free(m);
    } else if (d.errors == 0) {
        abort(); /* a refused catalogue must say why */
    }
    mg_docset_free(set);
    return 0;
}
