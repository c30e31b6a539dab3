/* test_resolve.c - $ref resolution: JSON pointers and their escapes, other
 * files, chains, cycles, recursive schemas, and every refusal. */
#include "../../generator/resolve.c"

#include "testfs.h"
#include "unit.h"

typedef struct fixture {
    mg_docset *set;
    const mg_doc *doc;
    capture cap;
    mg_diag d;
} fixture;

/* Loads `path` (from the scratch folder) into a fresh set. */
static void fixture_load(fixture *f, const char *path)
{
    capture_init(&f->cap, &f->d);
    f->set = mg_docset_new(NULL);
    f->doc = mg_docset_load(f->set, path, mg_mark_at(NULL, 0, 0), &f->d);
}

static void fixture_fini(fixture *f)
{
    mg_docset_free(f->set);
    capture_fini(&f->cap);
}

/* Follows the pointer-free path `a/b/c` of plain keys from the root. */
static const cJSON *at_path(const cJSON *n, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "/"); tok && n; tok = strtok(NULL, "/"))
        n = cJSON_IsArray(n) ? cJSON_GetArrayItem(n, atoi(tok))
                             : cJSON_GetObjectItemCaseSensitive(n, tok);
    return n;
}

/* Resolves the $ref object at `path` in f->doc; returns the target's URI
 * (caller frees) or NULL. */
static char *target_uri(fixture *f, const char *path, int *rc)
{
    mg_ref_target t;
    *rc = mg_resolve_ref(f->set, f->doc, at_path(f->doc->root, path), &t, &f->d);
    if (*rc < 0)
        return NULL;
    return mg_resolve_node_uri(f->set, t.doc, t.node);
}

#define CHECK_TARGET(f, path, want)                                                   \
    do {                                                                              \
        int rc_;                                                                      \
        char *u_ = target_uri(f, path, &rc_);                                         \
        CHECK_STR(u_, want);                                                          \
        free(u_);                                                                     \
    } while (0)

static void resolve_should_follow_local_pointers_and_array_indexes(void)
{
    testfs_enter();
    testfs_write("api.yaml",
                 "components:\n"
                 "  schemas:\n"
                 "    Foo: {type: string}\n"
                 "list: [a, {b: 1}]\n"
                 "r1: {$ref: '#/components/schemas/Foo'}\n"
                 "r2: {$ref: '#/list/1/b'}\n"
                 "r3: {$ref: '#'}\n"
                 "r4: {$ref: '#/list/01'}\n"
                 "plain: {type: integer}\n");
    fixture f;
    fixture_load(&f, "api.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_TARGET(&f, "r1", "api.yaml#/components/schemas/Foo");
        CHECK_TARGET(&f, "r2", "api.yaml#/list/1/b");
        CHECK_TARGET(&f, "r3", "api.yaml#");
        mg_ref_target t;
        const cJSON *plain = at_path(f.doc->root, "plain");
        CHECK_INT(mg_resolve_ref(f.set, f.doc, plain, &t, &f.d), 0);
        CHECK(t.node == plain && t.first == plain && t.doc == f.doc);
        CHECK_INT(mg_resolve_ref(f.set, f.doc, at_path(f.doc->root, "r1"), &t, &f.d), 1);
        CHECK(t.node == at_path(f.doc->root, "components/schemas/Foo"));
        int rc;
        char *u = target_uri(&f, "r4", &rc);
        CHECK(u == NULL && rc == -1);
        CHECK_STR(capture_text(&f.cap),
                  "api.yaml:8:12: error: unresolved $ref '#/list/01': no '01' under '/list'");
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_decode_pointer_escapes_and_percent_encoding(void)
{
    testfs_enter();
    testfs_write("e.yaml",
                 "defs:\n"
                 "  \"a/b\": {n: 1}\n"
                 "  \"m~n\": {n: 2}\n"
                 "  \"~1\": {n: 3}\n"
                 "  \"50%\": {n: 4}\n"
                 "  \"with space\": {n: 5}\n"
                 "r1: {$ref: '#/defs/a~1b'}\n"
                 "r2: {$ref: '#/defs/m~0n'}\n"
                 "r3: {$ref: '#/defs/~01'}\n"
                 "r4: {$ref: '#/defs/50%25'}\n"
                 "r5: {$ref: '#/defs/with%20space'}\n"
                 "bad1: {$ref: '#/defs/a~2b'}\n"
                 "bad2: {$ref: '#/defs/%zz'}\n"
                 "bad3: {$ref: '#/defs/x~'}\n");
    fixture f;
    fixture_load(&f, "e.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_TARGET(&f, "r1", "e.yaml#/defs/a~1b");
        CHECK_TARGET(&f, "r2", "e.yaml#/defs/m~0n");
        CHECK_TARGET(&f, "r3", "e.yaml#/defs/~01");
        CHECK_TARGET(&f, "r4", "e.yaml#/defs/50%");
        CHECK_TARGET(&f, "r5", "e.yaml#/defs/with space");
        int rc;
        free(target_uri(&f, "bad1", &rc));
        free(target_uri(&f, "bad2", &rc));
        free(target_uri(&f, "bad3", &rc));
        CHECK_STR(capture_text(&f.cap),
                  "e.yaml:12:14: error: bad JSON pointer in $ref '#/defs/a~2b': '~2' is not an escape (write '~0' for '~' and '~1' for '/')\n"
                  "e.yaml:13:14: error: bad percent-escape in $ref '#/defs/%zz' (write '%' as '%25')\n"
                  "e.yaml:14:14: error: bad JSON pointer in $ref '#/defs/x~': '~ ' is not an escape (write '~0' for '~' and '~1' for '/')");
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_follow_refs_into_other_files_relative_to_the_referrer(void)
{
    testfs_enter();
    testfs_write("api.yaml",
                 "a: {$ref: './schemas/jobs.yaml#/Job'}\n"
                 "b: {$ref: 'schemas/common.json#/Loc'}\n");
    testfs_write("schemas/jobs.yaml",
                 "Job:\n"
                 "  properties:\n"
                 "    loc: {$ref: './common.json#/Loc'}\n"
                 "    back: {$ref: '../api.yaml#/b'}\n");
    testfs_write("schemas/common.json", "{\"Loc\": {\"type\": \"string\"}}\n");
    fixture f;
    fixture_load(&f, "api.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_TARGET(&f, "a", "schemas/jobs.yaml#/Job");
        CHECK_TARGET(&f, "b", "schemas/common.json#/Loc");
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), 0);
        CHECK_STR(capture_text(&f.cap), "");
        /* common.json is reached through three spellings but read once. */
        CHECK_INT(mg_docset_count(f.set), 3);
        mg_ref_target t;
        const mg_doc *jobs = mg_docset_doc(f.set, 1);
        CHECK_STR(jobs->path, "schemas/jobs.yaml");
        CHECK_STR(jobs->dir, "schemas");
        CHECK_INT(mg_resolve_ref(f.set, jobs, at_path(jobs->root, "Job/properties/back"), &t,
                                 &f.d), 1);
        /* back -> api.yaml#/b -> common.json#/Loc: a chain across three files. */
        char *u = mg_resolve_node_uri(f.set, t.doc, t.node);
        CHECK_STR(u, "schemas/common.json#/Loc");
        free(u);
        u = mg_resolve_node_uri(f.set, NULL, t.first);
        CHECK_STR(u, "api.yaml#/b");
        free(u);
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_follow_chains_and_keep_the_first_hop(void)
{
    testfs_enter();
    testfs_write("c.yaml",
                 "A: {$ref: '#/B'}\n"
                 "B: {$ref: '#/C'}\n"
                 "C: {type: object}\n");
    fixture f;
    fixture_load(&f, "c.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        mg_ref_target t;
        CHECK_INT(mg_resolve_ref(f.set, f.doc, at_path(f.doc->root, "A"), &t, &f.d), 1);
        CHECK(t.first == at_path(f.doc->root, "B"));
        CHECK(t.node == at_path(f.doc->root, "C"));
        CHECK(t.doc == f.doc);
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_report_ref_cycles_with_no_schema_between(void)
{
    testfs_enter();
    testfs_write("cy.yaml",
                 "A: {$ref: '#/B'}\n"
                 "B: {$ref: 'other.yaml#/C'}\n"
                 "S: {$ref: '#/S'}\n"
                 "R: {$ref: '#'}\n"
                 "entry: {$ref: '#/A'}\n");
    testfs_write("other.yaml", "C: {$ref: 'cy.yaml#/A'}\n");
    fixture f;
    fixture_load(&f, "cy.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "cy.yaml:1:11: error: $ref cycle with no schema in between: cy.yaml#/A -> cy.yaml#/B -> other.yaml#/C -> cy.yaml#/A\n"
                  "cy.yaml:3:11: error: $ref cycle with no schema in between: cy.yaml#/S -> cy.yaml#/S");
        /* The single-ref API finds the same cycle, entered from outside it. */
        mg_buf_reset(&f.cap.text);
        f.cap.lines = 0;
        mg_ref_target t;
        CHECK_INT(mg_resolve_ref(f.set, f.doc, at_path(f.doc->root, "entry"), &t, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "cy.yaml:1:11: error: $ref cycle with no schema in between: cy.yaml#/A -> cy.yaml#/B -> other.yaml#/C -> cy.yaml#/A");
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_report_a_root_that_refers_to_itself(void)
{
    testfs_enter();
    testfs_write("self.yaml", "$ref: '#'\n");
    fixture f;
    fixture_load(&f, "self.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "self.yaml:1:7: error: $ref cycle with no schema in between: self.yaml# -> self.yaml#");
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_accept_recursive_schemas(void)
{
    testfs_enter();
    testfs_write("tree.yaml",
                 "components:\n"
                 "  schemas:\n"
                 "    Node:\n"
                 "      type: object\n"
                 "      properties:\n"
                 "        value: {type: string}\n"
                 "        parent: {$ref: '#/components/schemas/Node'}\n"
                 "        children:\n"
                 "          type: array\n"
                 "          items: {$ref: '#/components/schemas/Node'}\n"
                 "    Forest: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n"
                 "    Tree: {$ref: '#/components/schemas/Node'}\n");
    fixture f;
    fixture_load(&f, "tree.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), 0);
        CHECK_STR(capture_text(&f.cap), "");
        mg_ref_target t;
        const cJSON *items = at_path(f.doc->root, "components/schemas/Node/properties/children/items");
        CHECK_INT(mg_resolve_ref(f.set, f.doc, items, &t, &f.d), 1);
        CHECK(t.node == at_path(f.doc->root, "components/schemas/Node"));
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_refuse_remote_refs_even_when_outside_is_allowed(void)
{
    testfs_enter();
    testfs_write("r.yaml",
                 "a: {$ref: 'https://example.com/a.json#/X'}\n"
                 "b: {$ref: 'http://example.com/b.yaml'}\n"
                 "c: {$ref: 'urn:uuid:1234'}\n");
    for (int allow = 0; allow <= 1; allow++) {
        fixture f;
        fixture_load(&f, "r.yaml");
        mg_docset_set_allow_outside(f.set, allow);
        CHECK_INT(mg_docset_allow_outside(f.set), allow);
        CHECK(f.doc != NULL);
        if (f.doc) {
            CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
            CHECK_STR(capture_text(&f.cap),
                      "r.yaml:1:11: error: '$ref: https://example.com/a.json#/X' is remote; msggen does not fetch (serve it from a local copy with --ref-map URL_PREFIX=DIR, or copy the file next to the schema and use a relative path)\n"
                      "r.yaml:2:11: error: '$ref: http://example.com/b.yaml' is remote; msggen does not fetch (serve it from a local copy with --ref-map URL_PREFIX=DIR, or copy the file next to the schema and use a relative path)\n"
                      "r.yaml:3:11: error: '$ref: urn:uuid:1234' uses the URI scheme 'urn:', which msggen does not support (use a relative path)");
        }
        fixture_fini(&f);
    }
    testfs_leave();
}

static void resolve_should_refuse_paths_outside_the_root_unless_allowed(void)
{
    testfs_enter();
    testfs_write("cat/api.yaml",
                 "a: {$ref: '../outside.yaml#/X'}\n"
                 "b: {$ref: 'sub/../../outside.yaml#/X'}\n"
                 "c: {$ref: 'link.yaml#/X'}\n");
    testfs_write("outside.yaml", "X: {type: string}\n");
    CHECK(symlink("../outside.yaml", "cat/link.yaml") == 0);
    fixture f;
    /* Without a root (a catalogue: reads need no sandbox) every local file is in reach. */
    fixture_load(&f, "cat/api.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), 0);
        CHECK_STR(capture_text(&f.cap), "");
        CHECK(mg_docset_root(f.set) == NULL);
    }
    fixture_fini(&f);
    /* With a root (as target.c gives its own folder) they are refused. */
    capture_init(&f.cap, &f.d);
    f.set = mg_docset_new("cat");
    f.doc = mg_docset_load(f.set, "cat/api.yaml", mg_mark_at(NULL, 0, 0), &f.d);
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "cat/api.yaml:1:11: error: $ref '../outside.yaml#/X' points outside the catalogue's root folder (move the file inside it)\n"
                  "cat/api.yaml:2:11: error: $ref 'sub/../../outside.yaml#/X' points outside the catalogue's root folder (move the file inside it)\n"
                  "cat/api.yaml:3:11: error: $ref 'link.yaml#/X' points outside the catalogue's root folder (move the file inside it)");
    }
    fixture_fini(&f);
    capture_init(&f.cap, &f.d);
    f.set = mg_docset_new("cat");
    f.doc = mg_docset_load(f.set, "cat/api.yaml", mg_mark_at(NULL, 0, 0), &f.d);
    mg_docset_set_allow_outside(f.set, 1);
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), 0);
        CHECK_STR(capture_text(&f.cap), "");
        CHECK_INT(mg_docset_count(f.set), 2); /* outside.yaml once, by three paths */
    }
    fixture_fini(&f);
    /* An explicit root wider than the catalogue's folder lets the refs in. */
    capture_init(&f.cap, &f.d);
    f.set = mg_docset_new(".");
    f.doc = mg_docset_load(f.set, "cat/api.yaml", mg_mark_at(NULL, 0, 0), &f.d);
    CHECK(f.doc && mg_resolve_all(f.set, f.doc, &f.d) == 0);
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_serve_remote_refs_from_a_ref_map(void)
{
    testfs_enter();
    testfs_write("api.yaml",
                 "a: {$ref: 'https://example.com/schemas/a.yaml#/A'}\n"
                 "b: {$ref: 'https://example.com/schemas/deep/b.yaml'}\n"
                 "c: {$ref: 'https://example.com/schemas/missing.yaml#/C'}\n"
                 "d: {$ref: 'https://other.example/x.yaml'}\n");
    testfs_write("copy/a.yaml", "A: {$ref: 'deep/b.yaml'}\n");
    testfs_write("copy/deep/b.yaml", "type: string\n");
    testfs_write("wide/schemas/deep/b.yaml", "type: integer\n");
    fixture f;
    fixture_load(&f, "api.yaml");
    CHECK_INT(mg_docset_add_ref_map(f.set, "https://example.com/=wide"), 0);
    CHECK_INT(mg_docset_add_ref_map(f.set, "https://example.com/schemas/=copy"), 0);
    CHECK_INT(mg_docset_add_ref_map(f.set, "example.com/=copy"), -1);
    CHECK_INT(mg_docset_add_ref_map(f.set, "https://example.com/"), -1);
    CHECK_INT(mg_docset_add_ref_map(f.set, "=copy"), -1);
    char *p = mg_docset_map_url(f.set, "https://example.com/schemas/deep/b.yaml");
    CHECK_STR(p, "copy/deep/b.yaml"); /* the longest prefix wins */
    free(p);
    CHECK(mg_docset_map_url(f.set, "https://other.example/x.yaml") == NULL);
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "api.yaml:3:11: error: '$ref: https://example.com/schemas/missing.yaml#/C' is served by --ref-map from 'copy/missing.yaml', which cannot be opened: No such file or directory\n"
                  "api.yaml:4:11: error: '$ref: https://other.example/x.yaml' is remote; msggen does not fetch (serve it from a local copy with --ref-map URL_PREFIX=DIR, or copy the file next to the schema and use a relative path)");
        mg_ref_target t;
        /* A relative ref inside the local copy resolves beside it. */
        CHECK_INT(mg_resolve_ref(f.set, f.doc, at_path(f.doc->root, "a"), &t, &f.d), 1);
        CHECK(t.doc != NULL && strcmp(t.doc->path, "copy/deep/b.yaml") == 0);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t.node, "type")), "string");
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_report_missing_targets_at_the_ref(void)
{
    testfs_enter();
    testfs_write("schemas/a.yaml",
                 "components:\n"
                 "  schemas:\n"
                 "    Bar: {type: string}\n"
                 "    Use:\n"
                 "      properties:\n"
                 "        x: {$ref: '#/components/schemas/Foo'}\n"
                 "        y: {$ref: 'missing.yaml#/X'}\n"
                 "        z: {$ref: 'other.yaml#/Nope'}\n"
                 "        w: {$ref: 'other.yaml#/Here/deep'}\n"
                 "        v: {$ref: '#/components/schemas/Bar/type/x'}\n"
                 "        u: {$ref: 42}\n"
                 "        t: {$ref: '#name'}\n"
                 "        s: {$ref: 'schemas'}\n");
    testfs_write("schemas/other.yaml", "Here: {}\n");
    mkdir("schemas/schemas", 0755);
    fixture f;
    fixture_load(&f, "schemas/a.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "schemas/a.yaml:6:19: error: unresolved $ref '#/components/schemas/Foo': no 'Foo' under '/components/schemas'\n"
                  "schemas/a.yaml:7:19: error: unresolved $ref 'missing.yaml#/X': cannot open 'schemas/missing.yaml': No such file or directory\n"
                  "schemas/a.yaml:8:19: error: unresolved $ref 'other.yaml#/Nope': no 'Nope' at the top of schemas/other.yaml\n"
                  "schemas/a.yaml:9:19: error: unresolved $ref 'other.yaml#/Here/deep': no 'deep' under '/Here' in schemas/other.yaml\n"
                  "schemas/a.yaml:10:19: error: unresolved $ref '#/components/schemas/Bar/type/x': '/components/schemas/Bar/type' is not an object or array, so it has no 'x'\n"
                  "schemas/a.yaml:11:19: error: '$ref' must be a string (a URI reference such as '#/components/schemas/Name')\n"
                  "schemas/a.yaml:12:19: error: $ref '#name': only JSON-pointer fragments ('#/a/b') are supported, not plain-name anchors\n"
                  "schemas/a.yaml:13:19: error: unresolved $ref 'schemas': 'schemas/schemas' is a directory");
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_all_should_report_a_broken_ref_once_and_skip_data(void)
{
    testfs_enter();
    testfs_write("d.yaml",
                 "A: {$ref: '#/Broken'}\n"
                 "B: {$ref: '#/A'}\n"
                 "C: {$ref: '#/A'}\n"
                 "S:\n"
                 "  properties:\n"
                 "    $ref: {type: string}\n"
                 "  examples:\n"
                 "    - {$ref: 'not a ref, a payload'}\n"
                 "  enum: [{$ref: 1}]\n"
                 "  default: {$ref: x}\n");
    fixture f;
    fixture_load(&f, "d.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "d.yaml:1:11: error: unresolved $ref '#/Broken': no 'Broken' at the top of the document");
        CHECK_INT(f.d.errors, 1);
    }
    fixture_fini(&f);
    testfs_leave();
}

static void resolve_should_report_a_broken_file_once(void)
{
    testfs_enter();
    testfs_write("m.yaml", "a: {$ref: 'bad.yaml#/X'}\nb: {$ref: 'bad.yaml#/Y'}\n");
    testfs_write("bad.yaml", "X: [1,\n");
    fixture f;
    fixture_load(&f, "m.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_INT(f.d.errors, 1);
        CHECK(strncmp(capture_text(&f.cap), "bad.yaml:", 9) == 0);
    }
    fixture_fini(&f);
    testfs_leave();
}

/* mg_resolve_all remembers the document a $ref's file part reached (hop's
 * file_ent table): keyed by the referring document as well as the bytes, so
 * the same spelling in two folders reaches two files; a remembered file
 * still has each pointer walked (and a bad one reported); and a file part
 * spelt with a percent-escape is a key of its own that reaches the same
 * document. */
static void resolve_all_should_remember_files_per_referring_document(void)
{
    testfs_enter();
    testfs_write("api.yaml",
                 "a: {$ref: './x/s.yaml#/A'}\n"
                 "b: {$ref: './y/s.yaml#/A'}\n"
                 "c: {$ref: './x/s.yaml#/B'}\n"
                 "d: {$ref: './x/%73.yaml#/A'}\n"
                 "e: {$ref: './x/s.yaml#/Nope'}\n");
    testfs_write("x/s.yaml", "A: {$ref: './c.yaml#/T'}\nB: {$ref: './c.yaml#/U'}\n");
    testfs_write("x/c.yaml", "T: {type: string}\nU: {type: number}\n");
    testfs_write("y/s.yaml", "A: {$ref: './c.yaml#/T'}\n");
    testfs_write("y/c.yaml", "T: {type: integer}\n");
    fixture f;
    fixture_load(&f, "api.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
        CHECK_STR(capture_text(&f.cap),
                  "api.yaml:5:11: error: unresolved $ref './x/s.yaml#/Nope': no 'Nope' at the top of x/s.yaml");
        CHECK_INT(f.d.errors, 1);
        CHECK_INT(mg_docset_count(f.set), 5);
        /* Every hop below is the one mg_resolve_all made and kept. */
        CHECK_TARGET(&f, "a", "x/c.yaml#/T");
        CHECK_TARGET(&f, "b", "y/c.yaml#/T");
        CHECK_TARGET(&f, "c", "x/c.yaml#/U");
        CHECK_TARGET(&f, "d", "x/c.yaml#/T");
        mg_ref_target t;
        const cJSON *a = at_path(f.doc->root, "a"), *b = at_path(f.doc->root, "b");
        CHECK_INT(mg_resolve_ref(f.set, f.doc, a, &t, &f.d), 1);
        const mg_doc *xs = mg_docset_owner(f.set, t.first);
        CHECK_INT(mg_resolve_ref(f.set, f.doc, b, &t, &f.d), 1);
        const mg_doc *ys = mg_docset_owner(f.set, t.first);
        CHECK(xs != NULL && ys != NULL && xs != ys);
        if (xs && ys) {
            CHECK_STR(xs->path, "x/s.yaml");
            CHECK_STR(ys->path, "y/s.yaml");
        }
    }
    fixture_fini(&f);
    testfs_leave();
}

static void node_uri_should_name_nodes_by_escaped_json_pointer(void)
{
    testfs_enter();
    testfs_write("u.yaml", "\"a/b\":\n  \"~x\": [0, {k: v}]\n");
    fixture f;
    fixture_load(&f, "./u.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        const cJSON *k = at_path(f.doc->root, "a/b");
        CHECK(k == NULL); /* at_path splits on '/', so fetch by hand */
        const cJSON *ab = cJSON_GetObjectItemCaseSensitive(f.doc->root, "a/b");
        const cJSON *tx = cJSON_GetObjectItemCaseSensitive(ab, "~x");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(tx, 1), "k");
        char *u = mg_resolve_node_uri(f.set, f.doc, v);
        CHECK_STR(u, "u.yaml#/a~1b/~0x/1/k");
        free(u);
        u = mg_resolve_node_uri(f.set, NULL, v); /* finds the owner itself */
        CHECK_STR(u, "u.yaml#/a~1b/~0x/1/k");
        free(u);
        u = mg_resolve_node_uri(f.set, f.doc, f.doc->root);
        CHECK_STR(u, "u.yaml#");
        free(u);
    }
    fixture_fini(&f);
    testfs_leave();
}

static void percent_decode_should_reject_bad_and_nul_escapes(void)
{
    mg_buf b;
    mg_buf_init(&b);
    CHECK_INT(percent_decode("a%20b%25", 8, &b), 0);
    CHECK_STR(mg_buf_cstr(&b), "a b%");
    CHECK_INT(percent_decode("%2", 2, &b), -1);
    CHECK_INT(percent_decode("%", 1, &b), -1);
    CHECK_INT(percent_decode("%00", 3, &b), -1);
    CHECK_INT(percent_decode("%g0", 3, &b), -1);
    CHECK_INT(percent_decode("%C3%A9", 6, &b), 0);
    CHECK_STR(mg_buf_cstr(&b), "\xc3\xa9");
    mg_buf_fini(&b);
}

/* The walk marks each collection it meets (load.h), once per call: a
 * subtree reached from its parent and through $refs is walked once, so its
 * broken $ref is reported once; a second call on the same set walks it all
 * again. */
static void resolve_all_should_walk_each_collection_once_per_call(void)
{
    testfs_enter();
    testfs_write("w.yaml",
                 "S:\n"
                 "  properties:\n"
                 "    b: {$ref: '#/Nope'}\n"
                 "T: {$ref: '#/S'}\n"
                 "U: [{$ref: '#/S/properties'}, {$ref: '#/T'}]\n");
    fixture f;
    fixture_load(&f, "w.yaml");
    CHECK(f.doc != NULL);
    if (f.doc) {
        for (int call = 1; call <= 2; call++) {
            CHECK_INT(mg_resolve_all(f.set, f.doc, &f.d), -1);
            CHECK_INT(f.d.errors, call);
        }
        CHECK_STR(capture_text(&f.cap),
                  "w.yaml:3:15: error: unresolved $ref '#/Nope': no 'Nope' at the top of the document\n"
                  "w.yaml:3:15: error: unresolved $ref '#/Nope': no 'Nope' at the top of the document");
    }
    fixture_fini(&f);
    testfs_leave();
}

int main(void)
{
    RUN(resolve_all_should_walk_each_collection_once_per_call);
    RUN(resolve_should_follow_local_pointers_and_array_indexes);
    RUN(resolve_should_decode_pointer_escapes_and_percent_encoding);
    RUN(resolve_should_follow_refs_into_other_files_relative_to_the_referrer);
    RUN(resolve_should_follow_chains_and_keep_the_first_hop);
    RUN(resolve_should_report_ref_cycles_with_no_schema_between);
    RUN(resolve_should_report_a_root_that_refers_to_itself);
    RUN(resolve_should_accept_recursive_schemas);
    RUN(resolve_should_refuse_remote_refs_even_when_outside_is_allowed);
    RUN(resolve_should_refuse_paths_outside_the_root_unless_allowed);
    RUN(resolve_should_serve_remote_refs_from_a_ref_map);
    RUN(resolve_should_report_missing_targets_at_the_ref);
    RUN(resolve_all_should_report_a_broken_ref_once_and_skip_data);
    RUN(resolve_should_report_a_broken_file_once);
    RUN(resolve_all_should_remember_files_per_referring_document);
    RUN(node_uri_should_name_nodes_by_escaped_json_pointer);
    RUN(percent_decode_should_reject_bad_and_nul_escapes);
    return unit_done();
}
