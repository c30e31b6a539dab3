/* cmd_validate.c - `msggen validate --schema SCHEMA.json DATA.json...`: validates
 * data files against a JSON Schema with the interpreting validator (validate.h).
 * `msggen validate [-i CATALOGUE]` checks a catalogue (load, resolve, model) and
 * every message example against its payload schema, and each example's
 * headers against the message's headers schema (traits merged); with `--message NAME
 * PAYLOAD...` it validates payload files against one message's payload.
 *
 * Schema files reached through "$ref" are read on demand, relative to the
 * referring file (file: URIs); http(s) references are refused, never fetched.
 * Every error is one gcc-style line on stderr, "DATA.json: error: /ptr: reason".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "load.h"
#include "model.h"
#include "project.h"
#include "text.h"
#include "util.h"
#include "validate.h"

const char mg_help_validate[] =
    "usage: msggen validate [-i CATALOGUE] [--ref-map URL_PREFIX=DIR]... [--werror]\n"
    "       msggen validate [-i CATALOGUE] --message NAME [--headers] [-v] PAYLOAD...\n"
    "       msggen validate --schema SCHEMA.json [-v] DATA.json...\n"
    "\n"
    "With no --schema and no files, checks the catalogue (default: the one of\n"
    "msggen.yaml, docs/config.md): every file it refers to, every $ref, the\n"
    "message model, every message example against its payload schema and each\n"
    "example's headers against the message's headers schema (traits merged);\n"
    "errors are reported at the offending node as file:line:col. With --message, validates\n"
    "each PAYLOAD file (JSON or YAML) against that message's payload schema, or\n"
    "with --headers against its headers schema (traits merged).\n"
    "\n"
    "With --schema, validates each DATA file against the JSON Schema (draft-07)\n"
    "in SCHEMA. Payload and data errors (up to 100 per file) are one line each:\n"
    "\n"
    "  DATA.json: error: /results/0/views: expected integer, got string\n"
    "\n"
    "The location is a JSON pointer into the data ('/' is the whole document).\n"
    "$ref may point into the schema itself or into other schema files, relative to\n"
    "the file that refers to them; http(s) references are refused, never fetched.\n"
    "docs/validation.md lists the supported keywords and every message.\n"
    "\n"
    "options:\n"
    "  -i, --input FILE    the catalogue (AsyncAPI 2.x/3.x or JSON Schema, YAML or JSON)\n"
    "  -m, --message NAME  validate PAYLOAD files against this message (any casing)\n"
    "      --headers       with --message: the files are headers, not payloads\n"
    "      --ref-map URL_PREFIX=DIR\n"
    "                      read a remote $ref whose URL starts with URL_PREFIX from\n"
    "                      DIR + the rest of the URL (repeatable; never fetched)\n"
    "  -s, --schema FILE   the JSON Schema to validate against (JSON or YAML)\n"
    "  -v, --verbose       also print 'DATA.json: valid' for each valid file\n"
    "      --werror        treat warnings (such as a likely misspelt keyword) as\n"
    "                      errors: exit 1\n"
    "      --config FILE   the project configuration (default: msggen.yaml here or\n"
    "                      in the nearest parent folder)\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 the catalogue and all files are valid, 1 an error in the\n"
    "catalogue, or a file is invalid or unreadable (or the schema is broken),\n"
    "2 usage error.\n";

/* Schema documents read through $ref, kept until the validator is freed. */
typedef struct file_docs {
    struct file_doc {
        char *uri;
        cJSON *root;
    } *docs;
    int n;
    mg_diag *d;
} file_docs;

/* Reads one JSON or YAML file into a tree (caller frees with cJSON_Delete), or
 * reports an error and returns NULL. */
static cJSON *read_json_file(const char *path, mg_diag *d)
{
    return mg_load_data_file(path, d);
}

static const cJSON *load_file_uri(void *user, const char *uri)
{
    file_docs *fd = user;
    char *path = mg_validate_uri_to_path(uri);
    if (!path)
        return NULL; /* http(s), urn: ...: the validator reports the $ref */
    cJSON *root = read_json_file(path, fd->d);
    free(path);
    if (!root)
        return NULL;
    struct file_doc *docs = realloc(fd->docs, (size_t)(fd->n + 1) * sizeof *docs);
    if (!docs)
        abort();
    fd->docs = docs;
    fd->docs[fd->n].uri = strdup(uri);
    fd->docs[fd->n].root = root;
    fd->n++;
    return root;
}

static const cJSON *node_at(const cJSON *root, const char *ptr);

/* Validates each data file against `schema` (a node registered with `v`).
 * Reports through `d`: instance errors at the offending value's line and
 * column in the data file, schema errors at `schema_path`. Returns the number
 * of files that are invalid or unreadable, or that met a broken schema. */
static int validate_files(mg_validator *v, const cJSON *schema, const char *schema_path,
                          char **files, int nfiles, int verbose, mg_diag *d)
{
    int bad = 0;
    for (int i = 0; i < nfiles; i++) {
        /* Loaded as a document (not bare JSON) for the marks of its values. */
        mg_docset *ds = mg_docset_new(NULL);
        const mg_doc *doc = mg_docset_load(ds, files[i], mg_mark_at(NULL, 0, 0), d);
        if (!doc) {
            mg_docset_free(ds);
            bad++;
            continue;
        }
        mg_vresult res;
        mg_vresult_init(&res);
        int rc = mg_validate(v, schema, doc->root, &res);
        for (int e = 0; e < res.count; e++) {
            char line[4096];
            const mg_verror *err = &res.errors[e];
            if (err->kind == MG_VERR_SCHEMA) {
                mg_diag_error(d, mg_mark_at(schema_path, 0, 0), "%s", err->message);
                continue;
            }
            const cJSON *n = node_at(doc->root, err->pointer);
            mg_mark at = n ? mg_doc_mark(doc, n) : mg_mark_at(files[i], 0, 0);
            mg_diag_error_ptr(d, at.line ? at : mg_mark_at(files[i], 0, 0), err->pointer, "%s",
                              mg_verror_format(err, line, sizeof line));
        }
        if (res.truncated)
            mg_diag_error(d, mg_mark_at(files[i], 0, 0),
                          "more errors not shown (the first %d are)", MG_MAX_VALIDATE_ERRORS);
        if (rc != 1)
            bad++;
        else if (verbose)
            printf("%s: valid\n", files[i]);
        mg_vresult_fini(&res);
        mg_docset_free(ds);
    }
    return bad;
}

static int validate_with_schema(const char *schema_path, char **files, int nfiles, int verbose)
{
    mg_diag d;
    mg_diag_init(&d);
    d.max_errors = INT_MAX; /* each file's list is already bounded by MG_MAX_VALIDATE_ERRORS */
    cJSON *schema = read_json_file(schema_path, &d);
    if (!schema)
        return MG_EXIT_INPUT;
    char *uri = mg_validate_path_to_uri(schema_path);
    file_docs fd = {NULL, 0, &d};
    mg_validator *v = mg_validator_new(load_file_uri, &fd);
    mg_validator_add_schema(v, uri, schema);
    int bad = validate_files(v, schema, schema_path, files, nfiles, verbose, &d);
    mg_validator_free(v);
    for (int i = 0; i < fd.n; i++) {
        free(fd.docs[i].uri);
        cJSON_Delete(fd.docs[i].root);
    }
    free(fd.docs);
    free(uri);
    cJSON_Delete(schema);
    return bad ? MG_EXIT_INPUT : MG_EXIT_OK;
}

/* ---- catalogue mode ---------------------------------------------------- */

/* Registers with the validator every document holding a payload schema, under
 * its file: URI, so that relative $refs inside it resolve from its folder. */
static mg_validator *catalogue_validator(mg_docset *set, const mg_model *m)
{
    mg_validator *v = mg_validator_new(mg_model_validator_loader, set);
    const mg_doc **seen = calloc(2 * (size_t)m->nmessages + 1, sizeof *seen);
    if (!seen)
        abort();
    int n = 0;
    seen[n++] = m->doc;
    for (int i = 0; i < m->nmessages; i++) {
        const mg_doc *docs[2] = {m->messages[i]->payload_doc, m->messages[i]->headers_doc};
        for (int j = 0; j < 2; j++) {
            int known = 0;
            for (int k = 0; k < n; k++)
                known |= seen[k] == docs[j];
            if (!known && docs[j])
                seen[n++] = docs[j];
        }
    }
    for (int k = 0; k < n; k++) {
        char *uri = mg_validate_path_to_uri(seen[k]->path);
        mg_validator_add_schema(v, uri, seen[k]->root);
        free(uri);
    }
    free(seen);
    return v;
}

/* The node a JSON pointer names inside `root`, or NULL. */
static const cJSON *node_at(const cJSON *root, const char *ptr)
{
    const cJSON *cur = root;
    while (cur && *ptr == '/') {
        ptr++;
        mg_buf tok;
        mg_buf_init(&tok);
        ptr = mg_jptr_decode_token(&tok, ptr, NULL);
        const char *t = mg_buf_cstr(&tok);
        if (cJSON_IsObject(cur))
            cur = mg_json_get(cur, t);
        else if (cJSON_IsArray(cur)) {
            char *end;
            long i = strtol(t, &end, 10);
            cur = *t && !*end && i >= 0 ? cJSON_GetArrayItem(cur, (int)i) : NULL;
        } else
            cur = NULL;
        mg_buf_fini(&tok);
    }
    return cur;
}

/* Validates `value` (a node of `vdoc`) against message `g`'s payload, or
 * with `headers` its headers; each error is reported at the offending node's
 * position (else at `at`) with `what` naming the value. Returns 1 valid, 0
 * invalid. */
static int validate_value(mg_validator *v, const mg_message *g, int headers, const mg_doc *vdoc,
                          const cJSON *value, mg_mark at, const char *what, mg_diag *d)
{
    const char *part = headers ? "headers" : "payload";
    const mg_doc *sdoc = headers ? g->headers_doc : g->payload_doc;
    const cJSON *schema = headers ? g->headers_schema : g->payload_schema;
    mg_vresult res;
    mg_vresult_init(&res);
    int rc = mg_validate(v, schema, value, &res);
    for (int e = 0; e < res.count; e++) {
        char line[4096];
        const mg_verror *err = &res.errors[e];
        if (err->kind == MG_VERR_SCHEMA) {
            mg_doc_error(d, sdoc, schema, "%s schema of message '%s': %s", part, g->name.s[MG_CASE_RAW],
                         err->message);
            continue;
        }
        const cJSON *n = node_at(value, err->pointer);
        mg_mark m = n && vdoc ? mg_doc_mark(vdoc, n) : at;
        if (m.line == 0)
            m = at;
        /* The pointer names the node in the file the mark is in. */
        mg_buf ptr;
        mg_buf_init(&ptr);
        if (n && vdoc)
            mg_doc_pointer(vdoc, n, &ptr);
        mg_diag_error_ptr(d, m, n && vdoc ? mg_buf_cstr(&ptr) : NULL,
                          "%s does not match the %s of message '%s': %s", what, part, g->name.s[MG_CASE_RAW],
                          mg_verror_format(err, line, sizeof line));
        mg_buf_fini(&ptr);
    }
    if (res.truncated)
        mg_diag_error(d, at, "more errors not shown (the first %d are)", MG_MAX_VALIDATE_ERRORS);
    mg_vresult_fini(&res);
    return rc == 1;
}

/* Validates the headers of each example of `g` (those with no payload too)
 * against its headers schema (traits merged). Returns how many are invalid. */
static int validate_example_headers(mg_validator *v, const mg_message *g, mg_diag *d)
{
    int bad = 0, i = 0;
    const cJSON *e;
    if (!g->headers_schema || !cJSON_IsArray(g->examples_node))
        return 0;
    cJSON_ArrayForEach(e, g->examples_node) {
        i++;
        const cJSON *h = cJSON_IsObject(e) ? mg_json_get(e, "headers") : NULL;
        if (!h)
            continue;
        const cJSON *name = mg_json_get(e, "name");
        mg_buf what;
        mg_buf_init(&what);
        if (cJSON_IsString(name))
            mg_buf_appendf(&what, "headers of example '%s'", name->valuestring);
        else
            mg_buf_appendf(&what, "headers of example 'example %d'", i);
        if (!validate_value(v, g, 1, g->examples_doc, h, mg_doc_mark(g->examples_doc, h), mg_buf_cstr(&what), d))
            bad++;
        mg_buf_fini(&what);
    }
    return bad;
}

static int validate_catalogue(const mg_cmd *cmd, const char *config, const char *input,
                              const char *const *maps, size_t nmaps, const char *message,
                              char **files, int nfiles, int headers, int verbose)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_project *project = NULL;
    int prc = mg_project_open(cmd, config, 0, input, 1, &project, &input, &d);
    if (prc != MG_EXIT_OK)
        return prc;
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(input, maps, nmaps, &set, &d);
    int bad = m ? 0 : 1;
    mg_validator *v = m ? catalogue_validator(set, m) : NULL;
    int nexamples = 0;
    if (m && message) {
        /* Each file's list is bounded by MG_MAX_VALIDATE_ERRORS (and says so
         * when cut), as in --schema mode; the run-wide limit would cut it
         * silently. */
        d.max_errors = INT_MAX;
        const mg_message *g = mg_model_find_message(m, message);
        if (!g) {
            mg_model_report_no_message(m, message, &d);
            bad = 1;
        } else if (headers && !g->headers_schema) {
            mg_diag_error(&d, mg_doc_key_mark(g->doc, g->node), "message '%s' has no headers (drop --headers to validate payloads)",
                          g->name.s[MG_CASE_RAW]);
            bad = 1;
            g = NULL;
        }
        for (int i = 0; g && i < nfiles; i++) {
            mg_docset *ps = mg_docset_new(NULL);
            const mg_doc *pd = mg_docset_load(ps, files[i], mg_mark_at(NULL, 0, 0), &d);
            if (!pd)
                bad++;
            else if (!validate_value(v, g, headers, pd, pd->root, mg_mark_at(files[i], 0, 0),
                                     headers ? "headers" : "payload", &d))
                bad++;
            else if (verbose)
                printf("%s: valid\n", files[i]);
            mg_docset_free(ps);
        }
    } else if (m) {
        for (int i = 0; i < m->nmessages; i++) {
            const mg_message *g = m->messages[i];
            for (int k = 0; k < g->nexamples; k++) {
                const mg_example *x = g->examples[k];
                mg_buf what;
                mg_buf_init(&what);
                mg_buf_appendf(&what, "example '%s'", x->name);
                if (!validate_value(v, g, 0, x->doc, x->value, x->mark, mg_buf_cstr(&what), &d))
                    bad++;
                nexamples++;
                mg_buf_fini(&what);
            }
            bad += validate_example_headers(v, g, &d);
        }
        if (!bad)
            printf("%s: ok (%d messages, %d types, %d examples valid)\n", input, m->nmessages, m->ntypes,
                   nexamples);
    }
    mg_validator_free(v);
    mg_model_free(m);
    mg_docset_free(set);
    mg_project_free(project);
    return bad || d.errors ? MG_EXIT_INPUT : MG_EXIT_OK;
}

int mg_cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},
        {"schema", required_argument, 0, 's'},
        {"verbose", no_argument, 0, 'v'},
        {"input", required_argument, 0, 'i'},
        {"message", required_argument, 0, 'm'},
        {"ref-map", required_argument, 0, 'r'},
        {"config", required_argument, 0, 'C'},
        {"werror", no_argument, 0, 'W'},
        {"headers", no_argument, 0, 'H'},
        {0, 0, 0, 0},
    };
    const mg_cmd *cmd = NULL;
    for (int i = 0; i < mg_ncmds; i++)
        if (!strcmp(mg_cmds[i].name, "validate"))
            cmd = &mg_cmds[i];
    mg_cli cli;
    mg_cli_begin(&cli, cmd, argc, argv, "s:vi:m:", longopts);
    const char *schema = NULL, *input = NULL, *message = NULL, *config = NULL;
    const char **maps = calloc((size_t)argc + 1, sizeof *maps);
    if (!maps)
        abort();
    size_t nmaps = 0;
    int verbose = 0, headers = 0, c;
    while ((c = mg_cli_next(&cli)) != MG_CLI_END) {
        if (c == MG_CLI_STOP) {
            free(maps);
            return cli.exit_code;
        }
        int bad = c == 'r' ? mg_cli_check_ref_map(cmd, optarg) : 0;
        if (bad) {
            free(maps);
            return bad;
        }
        if (c == 'W')
            mg_diag_set_werror(1);
        else if (c == 'H')
            headers = 1;
        else if (c == 'r')
            maps[nmaps++] = optarg;
        else if (c == 's')
            schema = optarg;
        else if (c == 'v')
            verbose = 1;
        else if (c == 'i')
            input = optarg;
        else if (c == 'm')
            message = optarg;
        else if (c == 'C')
            config = optarg;
    }
    int rc;
    if (headers && !message)
        rc = mg_cli_usage(cmd, "--headers needs --message NAME");
    else if (schema && (input || message || nmaps || config))
        rc = mg_cli_usage(cmd, "--schema does not go with -i, --message, --ref-map or --config");
    else if (!schema && message && optind >= argc)
        rc = mg_cli_usage(cmd, "no payload files to validate against message '%s'", message);
    else if (!schema && !message && optind < argc)
        rc = mg_cli_usage(cmd, "payload files need --message NAME (or --schema SCHEMA.json)");
    else if (!schema)
        rc = validate_catalogue(cmd, config, input, maps, nmaps, message, argv + optind, argc - optind, headers,
                                verbose);
    else if (optind >= argc)
        rc = mg_cli_usage(cmd, "no data files to validate");
    else
        rc = validate_with_schema(schema, argv + optind, argc - optind, verbose);
    free(maps);
    return rc;
}
