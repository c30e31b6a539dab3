/* test_load_postab.c - the position table's compact entries: columns past
 * what an entry holds (a long line of a minified JSON file, a long YAML flow
 * line) are kept beside it and given back exactly, by marks, duplicate-key
 * errors, alias copies and mg_doc_record. */
#include "../../generator/load.c"

#include "testfs.h"
#include "unit.h"

/* `n` spaces, then `tail`, after `head`: a one-line text whose tail starts
 * at column strlen(head) + n + 1. Caller frees. */
static char *long_line(const char *head, size_t n, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    char *s = malloc(h + n + t + 1);
    if (!s)
        abort();
    memcpy(s, head, h);
    memset(s + h, ' ', n);
    memcpy(s + h + n, tail, t + 1);
    return s;
}

static const mg_doc *load_string(mg_docset *set, const char *name, const char *text, mg_diag *d)
{
    return mg_docset_load_buffer(set, name, text, strlen(text), d);
}

static void load_should_keep_json_columns_past_an_entry_s_room(void)
{
    /* {"a":1,<70000 spaces>"b":[true,"x"]} */
    char *text = long_line("{\"a\":1,", 70000, "\"b\":[true,\"x\"]}");
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    mg_docset *set = mg_docset_new(NULL);
    const mg_doc *doc = load_string(set, "w.json", text, &d);
    CHECK(doc != NULL);
    if (doc) {
        const cJSON *a = mg_doc_member(doc, doc->root, "a"), *b = mg_doc_member(doc, doc->root, "b");
        CHECK(a && b);
        if (a && b) {
            CHECK_INT(mg_doc_mark(doc, a).col, 6);
            CHECK_INT(mg_doc_key_mark(doc, a).col, 2);
            CHECK_INT(mg_doc_key_mark(doc, b).col, 7 + 70000 + 1);
            CHECK_INT(mg_doc_mark(doc, b).col, 7 + 70000 + 5);
            CHECK_INT(mg_doc_mark(doc, b).line, 1);
            const cJSON *x = cJSON_GetArrayItem(b, 1);
            int index = -1;
            CHECK(mg_doc_parent(doc, x, &index) == b);
            CHECK_INT(index, 1);
            CHECK_INT(mg_doc_mark(doc, x).col, 7 + 70000 + 11);
            CHECK(mg_doc_is_quoted(doc, x));
        }
    }
    mg_docset_free(set);
    capture_fini(&cap);
    free(text);
}

static void load_should_name_a_wide_first_key_in_duplicate_key_errors(void)
{
    const char *names[] = {"dup.json", "dup.yaml"};
    for (int k = 0; k < 2; k++) {
        char *text = long_line("{", 70000, "\"k\": 1, \"k\": 2}");
        capture cap;
        mg_diag d;
        capture_init(&cap, &d);
        mg_docset *set = mg_docset_new(NULL);
        const mg_doc *doc = load_string(set, names[k], text, &d);
        CHECK(doc == NULL);
        if (!strstr(capture_text(&cap), "duplicate key 'k' (first defined at 1:70002)")) {
            unit_failed_checks++;
            unit_note("# %s: got: %s\n", names[k], capture_text(&cap));
        }
        mg_docset_free(set);
        capture_fini(&cap);
        free(text);
    }
}

static void load_should_give_alias_copies_the_anchor_s_wide_columns(void)
{
    /* A YAML flow mapping on one long line: the alias's copy keeps the
     * anchored nodes' positions, past the entries' room. */
    char *text = long_line("{pad: 1,", 70000, "a: &x [1, 2], b: *x}");
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    mg_docset *set = mg_docset_new(NULL);
    const mg_doc *doc = load_string(set, "alias.yaml", text, &d);
    CHECK(doc != NULL);
    if (doc) {
        const cJSON *a = mg_doc_member(doc, doc->root, "a"), *b = mg_doc_member(doc, doc->root, "b");
        CHECK(a && b && a != b);
        if (a && b) {
            int ca = 8 + 70000 + 1; /* the key a */
            CHECK_INT(mg_doc_key_mark(doc, a).col, ca);
            CHECK_INT(mg_doc_key_mark(doc, b).col, ca + 14);
            CHECK_INT(mg_doc_mark(doc, b).col, ca + 17);   /* the alias itself */
            CHECK_INT(mg_doc_mark(doc, cJSON_GetArrayItem(b, 1)).col,
                      mg_doc_mark(doc, cJSON_GetArrayItem(a, 1)).col);
            CHECK_INT(mg_doc_mark(doc, cJSON_GetArrayItem(a, 1)).col, ca + 10);
        }
    }
    mg_docset_free(set);
    capture_fini(&cap);
    free(text);
}

static void doc_record_should_keep_wide_and_narrow_positions(void)
{
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    mg_docset *set = mg_docset_new(NULL);
    const mg_doc *doc = load_string(set, "r.yaml", "list: [1, 2]\nobj: {k: v}\n", &d);
    CHECK(doc != NULL);
    if (doc) {
        cJSON *list = (cJSON *)mg_doc_member(doc, doc->root, "list");
        cJSON *obj = (cJSON *)mg_doc_member(doc, doc->root, "obj");
        cJSON *n1 = cJSON_CreateString("wide"), *n2 = cJSON_CreateString("narrow");
        cJSON_AddItemToArray(list, n1);
        cJSON_AddItemToObject(obj, "m", n2);
        mg_doc_record(doc, n1, list, 2, mg_mark_at(doc->path, 3, 100000), mg_mark_at(doc->path, 0, 0));
        mg_doc_record(doc, n2, obj, 1, mg_mark_at(doc->path, 4, 7), mg_mark_at(doc->path, 4, 200000));
        int index = -1;
        CHECK(mg_doc_parent(doc, n1, &index) == list);
        CHECK_INT(index, 2);
        CHECK_INT(mg_doc_mark(doc, n1).line, 3);
        CHECK_INT(mg_doc_mark(doc, n1).col, 100000);
        CHECK_INT(mg_doc_mark(doc, n2).col, 7);
        CHECK_INT(mg_doc_key_mark(doc, n2).line, 4);
        CHECK_INT(mg_doc_key_mark(doc, n2).col, 200000);
        /* Recorded again, narrow: the wide columns are not read any more. */
        mg_doc_record(doc, n1, list, 2, mg_mark_at(doc->path, 3, 9), mg_mark_at(doc->path, 0, 0));
        CHECK_INT(mg_doc_mark(doc, n1).col, 9);
        /* The loader's own nodes are untouched. */
        CHECK_INT(mg_doc_mark(doc, cJSON_GetArrayItem(list, 1)).col, 11);
        CHECK_INT(mg_doc_key_mark(doc, obj).col, 1);
    }
    mg_docset_free(set);
    capture_fini(&cap);
}

int main(void)
{
    RUN(load_should_keep_json_columns_past_an_entry_s_room);
    RUN(load_should_name_a_wide_first_key_in_duplicate_key_errors);
    RUN(load_should_give_alias_copies_the_anchor_s_wide_columns);
    RUN(doc_record_should_keep_wide_and_narrow_positions);
    return unit_done();
}
