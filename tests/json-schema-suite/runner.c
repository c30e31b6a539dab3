/* runner.c - runs JSON-Schema-Test-Suite files (draft-07) through validate.h.
 *
 *   json_schema_suite SUITE_DIR KNOWN_FAILURES FILE...
 *
 * FILE is relative to SUITE_DIR (e.g. "type.json", "optional/format/date.json").
 * Every test case prints one line, named "FILE > GROUP > TEST":
 *   ok NAME                 the verdict matches (and an invalid verdict came
 *                           with at least one error, a valid one with none)
 *   not ok NAME: REASON     it does not, and the case is not a known failure
 *   skip NAME: known failure: REASON     listed in KNOWN_FAILURES and still failing
 *   not ok NAME: listed as a known failure but passes (remove it from the list)
 * then "# FILE: N passed, M failed, K known" per file. KNOWN_FAILURES holds one
 * "NAME ## REASON" per line ('#' lines and blank lines are ignored); an entry
 * that names no test case is reported as a failure too.
 *
 * Remote references: http://localhost:1234/X maps to SUITE_DIR/remotes/X, and
 * the draft-07 meta-schema URI to SUITE_DIR/metaschema/draft-07-schema.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "config.h"
#include "validate.h"

static const char *suite_dir;

/* Remote documents, parsed once and kept until exit (the loader contract:
 * they must outlive every validator that sees them). */
static struct remote {
    char *uri;
    cJSON *root;
} remotes[64];
static int nremotes;

static cJSON *parse_file(const char *path)
{
    mg_buf b;
    mg_buf_init(&b);
    if (mg_buf_read_file(&b, path, MG_MAX_INPUT_BYTES) != 0) {
        mg_buf_fini(&b);
        return NULL;
    }
    cJSON *j = cJSON_ParseWithLength(mg_buf_cstr(&b), b.len);
    mg_buf_fini(&b);
    return j;
}

static const cJSON *load_remote(void *user, const char *uri)
{
    (void)user;
    for (int i = 0; i < nremotes; i++)
        if (!strcmp(remotes[i].uri, uri))
            return remotes[i].root;
    char path[4096];
    const char *local = "http://localhost:1234/";
    if (!strncmp(uri, local, strlen(local)))
        snprintf(path, sizeof path, "%s/remotes/%s", suite_dir, uri + strlen(local));
    else if (!strcmp(uri, "http://json-schema.org/draft-07/schema"))
        snprintf(path, sizeof path, "%s/metaschema/draft-07-schema.json", suite_dir);
    else
        return NULL;
    if (strstr(uri, "..") || nremotes == (int)(sizeof remotes / sizeof remotes[0]))
        return NULL;
    cJSON *root = parse_file(path);
    if (!root)
        return NULL;
    remotes[nremotes].uri = strdup(uri);
    remotes[nremotes].root = root;
    nremotes++;
    return root;
}

typedef struct known {
    char *name;
    char *reason;
    int seen;
} known;
static known *knowns;
static int nknowns;

static void load_known(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *sep = strstr(line, " ## ");
        knowns = realloc(knowns, (size_t)(nknowns + 1) * sizeof *knowns);
        if (!knowns)
            abort();
        if (sep)
            *sep = '\0';
        knowns[nknowns].name = strdup(line);
        knowns[nknowns].reason = strdup(sep ? sep + 4 : "(no reason given)");
        knowns[nknowns].seen = 0;
        nknowns++;
    }
    fclose(f);
}

static known *find_known(const char *name)
{
    for (int i = 0; i < nknowns; i++)
        if (!strcmp(knowns[i].name, name))
            return &knowns[i];
    return NULL;
}

static void run_file(const char *file)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", suite_dir, file);
    cJSON *groups = parse_file(path);
    if (!cJSON_IsArray(groups)) {
        printf("not ok %s: cannot read or parse %s\n", file, path);
        cJSON_Delete(groups);
        return;
    }
    int passed = 0, failed = 0, knownn = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        const cJSON *schema = cJSON_GetObjectItemCaseSensitive(g, "schema");
        const cJSON *gdesc = cJSON_GetObjectItemCaseSensitive(g, "description");
        const cJSON *tests = cJSON_GetObjectItemCaseSensitive(g, "tests");
        mg_validator *v = mg_validator_new(load_remote, NULL);
        const cJSON *t;
        cJSON_ArrayForEach(t, tests)
        {
            const cJSON *tdesc = cJSON_GetObjectItemCaseSensitive(t, "description");
            const cJSON *data = cJSON_GetObjectItemCaseSensitive(t, "data");
            int want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "valid"));
            char name[1024];
            snprintf(name, sizeof name, "%s > %s > %s", file,
                     cJSON_IsString(gdesc) ? gdesc->valuestring : "?",
                     cJSON_IsString(tdesc) ? tdesc->valuestring : "?");
            for (char *p = name; *p; p++)
                if (*p == '\n')
                    *p = ' ';
            mg_vresult res;
            mg_vresult_init(&res);
            int got = mg_validate(v, schema, data, &res);
            char why[512] = "";
            if (got < 0)
                snprintf(why, sizeof why, "schema error");
            else if (got != want)
                snprintf(why, sizeof why, "validator says %s, suite says %s",
                         got ? "valid" : "invalid", want ? "valid" : "invalid");
            else if (!got && res.count == 0)
                snprintf(why, sizeof why, "invalid but no error reported");
            else if (got && res.count != 0)
                snprintf(why, sizeof why, "valid but %d error(s) reported", res.count);
            known *k = find_known(name);
            if (k)
                k->seen = 1;
            if (!why[0] && !k) {
                printf("ok %s\n", name);
                passed++;
            } else if (!why[0]) {
                printf("not ok %s: listed as a known failure but passes (remove it from "
                       "known-failures.txt)\n", name);
                failed++;
            } else if (k) {
                printf("skip %s: known failure: %s\n", name, k->reason);
                knownn++;
            } else {
                printf("not ok %s: %s\n", name, why);
                for (int i = 0; i < res.count && i < 5; i++) {
                    char line[600];
                    printf("#   %s%s\n", res.errors[i].kind == MG_VERR_SCHEMA ? "schema: " : "",
                           mg_verror_format(&res.errors[i], line, sizeof line));
                }
                failed++;
            }
            mg_vresult_fini(&res);
        }
        mg_validator_free(v);
    }
    printf("# %s: %d passed, %d failed, %d known\n", file, passed, failed, knownn);
    cJSON_Delete(groups);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: json_schema_suite SUITE_DIR KNOWN_FAILURES FILE...\n", stderr);
        return 2;
    }
    suite_dir = argv[1];
    load_known(argv[2]);
    for (int i = 3; i < argc; i++)
        run_file(argv[i]);
    for (int i = 0; i < nknowns; i++) {
        if (!knowns[i].seen)
            printf("not ok known-failures.txt: entry '%s' names no test case\n", knowns[i].name);
        free(knowns[i].name);
        free(knowns[i].reason);
    }
    free(knowns);
    for (int i = 0; i < nremotes; i++) {
        free(remotes[i].uri);
        cJSON_Delete(remotes[i].root);
    }
    return 0;
}
