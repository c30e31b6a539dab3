/* test_load.c - YAML/JSON loading: core-schema scalars, positions, anchors,
 * block scalars, strict JSON, and every limit and error the loader reports. */
#include "../../generator/load.c"

#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "testfs.h"
#include "unit.h"

/* Loads `text` as the file `name` into a fresh set; *errs gets the captured
 * diagnostics (owned by the caller's capture). */
typedef struct loaded {
    mg_docset *set;
    const mg_doc *doc;
    capture cap;
    mg_diag d;
} loaded;

static void load_text(loaded *l, const char *name, const char *text)
{
    capture_init(&l->cap, &l->d);
    l->set = mg_docset_new(NULL);
    l->doc = mg_docset_load_buffer(l->set, name, text, strlen(text), &l->d);
}

static void loaded_fini(loaded *l)
{
    mg_docset_free(l->set);
    capture_fini(&l->cap);
}

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The error text of loading `text` as `name`; "" when it loaded. */
static void check_error(const char *name, const char *text, const char *want, int line)
{
    loaded l;
    load_text(&l, name, text);
    if (l.doc || strcmp(capture_text(&l.cap), want) != 0) {
        unit_failed_checks++;
        unit_note("# line %d: loading %s\n#   got:  %s%s\n#   want: %s\n", line, name,
                  l.doc ? "(loaded) " : "", capture_text(&l.cap), want);
    }
    loaded_fini(&l);
}
#define CHECK_LOAD_ERROR(name, text, want) check_error(name, text, want, __LINE__)

static void load_should_resolve_plain_scalars_by_the_yaml_1_2_core_schema(void)
{
    loaded l;
    load_text(&l, "s.yaml",
              "t: true\nT: True\nf: FALSE\nn: null\nt2: ~\ne:\ni: 42\nneg: -17\npos: +3\n"
              "hex: 0x1F\noct: 0o17\nfl: 1.5e3\ndot: .5\ninf: .inf\nninf: -.Inf\nnan: .NaN\n"
              "yes: yes\nno: No\non: on\nstr: hello world\nzero_x: 0x\nlead0: 0123\n"
              "under: 1_000\nver: 1.2.3\nfloatlike: 1e\n");
    CHECK(l.doc != NULL);
    if (!l.doc)
        goto out;
    const cJSON *r = l.doc->root;
    CHECK(cJSON_IsTrue(get(r, "t")));
    CHECK(cJSON_IsTrue(get(r, "T")));
    CHECK(cJSON_IsFalse(get(r, "f")));
    CHECK(cJSON_IsNull(get(r, "n")));
    CHECK(cJSON_IsNull(get(r, "t2")));
    CHECK(cJSON_IsNull(get(r, "e")));
    CHECK(cJSON_IsNumber(get(r, "i")) && get(r, "i")->valuedouble == 42);
    CHECK(cJSON_IsNumber(get(r, "neg")) && get(r, "neg")->valuedouble == -17);
    CHECK(cJSON_IsNumber(get(r, "pos")) && get(r, "pos")->valuedouble == 3);
    CHECK(cJSON_IsNumber(get(r, "hex")) && get(r, "hex")->valuedouble == 31);
    CHECK(cJSON_IsNumber(get(r, "oct")) && get(r, "oct")->valuedouble == 15);
    CHECK(cJSON_IsNumber(get(r, "fl")) && get(r, "fl")->valuedouble == 1500);
    CHECK(cJSON_IsNumber(get(r, "dot")) && get(r, "dot")->valuedouble == 0.5);
    CHECK(cJSON_IsNumber(get(r, "inf")) && isinf(get(r, "inf")->valuedouble) &&
          get(r, "inf")->valuedouble > 0);
    CHECK(cJSON_IsNumber(get(r, "ninf")) && get(r, "ninf")->valuedouble < 0 &&
          isinf(get(r, "ninf")->valuedouble));
    CHECK(cJSON_IsNumber(get(r, "nan")) && isnan(get(r, "nan")->valuedouble));
    CHECK(cJSON_IsString(get(r, "yes")) && strcmp(get(r, "yes")->valuestring, "yes") == 0);
    CHECK(cJSON_IsString(get(r, "no")) && strcmp(get(r, "no")->valuestring, "No") == 0);
    CHECK(cJSON_IsString(get(r, "on")));
    CHECK(cJSON_IsString(get(r, "str")));
    CHECK(cJSON_IsString(get(r, "zero_x")));
    CHECK(cJSON_IsNumber(get(r, "lead0")) && get(r, "lead0")->valuedouble == 123);
    CHECK(cJSON_IsString(get(r, "under")));
    CHECK(cJSON_IsString(get(r, "ver")));
    CHECK(cJSON_IsString(get(r, "floatlike")));
    CHECK(!mg_doc_is_quoted(l.doc, get(r, "str")));
out:
    CHECK_STR(capture_text(&l.cap), "");
    loaded_fini(&l);
}

/* Every word of the core schema's null, bool, infinity and NaN lists, on the
 * fast path (yscan.c) and on libyaml's (an anchor sends the text there), and
 * words next to them (a character more or less, another first letter) that
 * stay strings: resolve_plain compares a scalar with a list only when its
 * first character and length allow a match, so each list must still be
 * reached by all of its words. */
static void load_should_resolve_every_core_schema_word_and_no_neighbour(void)
{
    static const struct {
        const char *word;
        int type; /* cJSON_NULL, cJSON_True, cJSON_False, cJSON_Number (1: +inf, -1: -inf, 0: NaN), cJSON_String */
        int sign;
    } cases[] = {
        {"~", cJSON_NULL, 0}, {"null", cJSON_NULL, 0}, {"Null", cJSON_NULL, 0}, {"NULL", cJSON_NULL, 0},
        {"true", cJSON_True, 0}, {"True", cJSON_True, 0}, {"TRUE", cJSON_True, 0},
        {"false", cJSON_False, 0}, {"False", cJSON_False, 0}, {"FALSE", cJSON_False, 0},
        {".inf", cJSON_Number, 1}, {".Inf", cJSON_Number, 1}, {".INF", cJSON_Number, 1},
        {"+.inf", cJSON_Number, 1}, {"+.Inf", cJSON_Number, 1}, {"+.INF", cJSON_Number, 1},
        {"-.inf", cJSON_Number, -1}, {"-.Inf", cJSON_Number, -1}, {"-.INF", cJSON_Number, -1},
        {".nan", cJSON_Number, 0}, {".NaN", cJSON_Number, 0}, {".NAN", cJSON_Number, 0},
        {"nulls", cJSON_String, 0}, {"nul", cJSON_String, 0}, {"truer", cJSON_String, 0},
        {"falsey", cJSON_String, 0}, {"fals", cJSON_String, 0}, {"~~", cJSON_String, 0},
        {".infs", cJSON_String, 0}, {"+.infx", cJSON_String, 0}, {"-.nan", cJSON_String, 0},
        {".in", cJSON_String, 0}, {"number", cJSON_String, 0}, {"xnull", cJSON_String, 0},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int slow = 0; slow < 2; slow++) {
            char text[64];
            snprintf(text, sizeof text, "v: %s%s\n", slow ? "&a " : "", cases[i].word);
            loaded l;
            load_text(&l, "w.yaml", text);
            const cJSON *v = l.doc ? get(l.doc->root, "v") : NULL;
            int ok = v && (v->type & 0xFF) == cases[i].type;
            if (ok && cases[i].type == cJSON_Number)
                ok = cases[i].sign ? isinf(v->valuedouble) && (v->valuedouble > 0) == (cases[i].sign > 0)
                                   : isnan(v->valuedouble);
            if (ok && cases[i].type == cJSON_String)
                ok = strcmp(v->valuestring, cases[i].word) == 0;
            if (!ok) {
                bad++;
                unit_note("# %s (%s path) loaded as type %d\n", cases[i].word, slow ? "libyaml" : "fast",
                          v ? v->type & 0xFF : -1);
            }
            loaded_fini(&l);
        }
    CHECK_INT(bad, 0);
}

static void load_should_keep_quoted_and_tagged_scalars_as_strings(void)
{
    loaded l;
    load_text(&l, "q.yaml",
              "a: \"123\"\nb: 'true'\nc: \"null\"\nd: !!str 42\ne: ! 7\nf: |\n  12\ng: 12\n"
              "\"200\": ok\n");
    CHECK(l.doc != NULL);
    if (l.doc) {
        const cJSON *r = l.doc->root;
        CHECK(cJSON_IsString(get(r, "a")) && strcmp(get(r, "a")->valuestring, "123") == 0);
        CHECK(cJSON_IsString(get(r, "b")));
        CHECK(cJSON_IsString(get(r, "c")));
        CHECK(cJSON_IsString(get(r, "d")) && strcmp(get(r, "d")->valuestring, "42") == 0);
        CHECK(cJSON_IsString(get(r, "e")));
        CHECK(cJSON_IsString(get(r, "f")) && strcmp(get(r, "f")->valuestring, "12\n") == 0);
        CHECK(mg_doc_is_quoted(l.doc, get(r, "a")));
        CHECK(mg_doc_is_quoted(l.doc, get(r, "b")));
        CHECK(mg_doc_is_quoted(l.doc, get(r, "f")));
        CHECK(cJSON_IsNumber(get(r, "g")));
        CHECK(!mg_doc_is_quoted(l.doc, get(r, "g")));
        CHECK(cJSON_IsString(get(r, "200")));
    }
    loaded_fini(&l);
}

static void load_should_record_value_and_key_positions_in_yaml(void)
{
    loaded l;
    load_text(&l, "dir/p.yaml",
              "# a comment\n"
              "info:\n"
              "  title: Hello   # trailing comment\n"
              "  list:\n"
              "    - one\n"
              "    - {k: v, \"q\": 2}\n"
              "  \"é\": \"ü\"\n");
    CHECK(l.doc != NULL);
    if (!l.doc)
        goto out;
    CHECK_STR(l.doc->path, "dir/p.yaml");
    CHECK_STR(l.doc->dir, "dir");
    const cJSON *info = get(l.doc->root, "info");
    const cJSON *title = get(info, "title");
    mg_mark m = mg_doc_mark(l.doc, title);
    CHECK_STR(m.file, "dir/p.yaml");
    CHECK_INT(m.line, 3);
    CHECK_INT(m.col, 10);
    m = mg_doc_key_mark(l.doc, title);
    CHECK_INT(m.line, 3);
    CHECK_INT(m.col, 3);
    m = mg_doc_key_mark(l.doc, info);
    CHECK_INT(m.line, 2);
    CHECK_INT(m.col, 1);
    const cJSON *list = get(info, "list");
    const cJSON *second = cJSON_GetArrayItem(list, 1);
    m = mg_doc_mark(l.doc, cJSON_GetArrayItem(list, 0));
    CHECK_INT(m.line, 5);
    CHECK_INT(m.col, 7);
    m = mg_doc_mark(l.doc, second);
    CHECK_INT(m.line, 6);
    CHECK_INT(m.col, 7);
    m = mg_doc_key_mark(l.doc, get(second, "q"));
    CHECK_INT(m.line, 6);
    CHECK_INT(m.col, 14);
    m = mg_doc_mark(l.doc, get(second, "q"));
    CHECK_INT(m.col, 19);
    /* Columns count characters, not bytes. */
    const cJSON *u = get(info, "é");
    CHECK(u != NULL);
    m = mg_doc_mark(l.doc, u);
    CHECK_INT(m.line, 7);
    CHECK_INT(m.col, 8);
    /* A node we did not load has the file but no line. */
    cJSON *stranger = cJSON_CreateNull();
    m = mg_doc_mark(l.doc, stranger);
    CHECK_STR(m.file, "dir/p.yaml");
    CHECK_INT(m.line, 0);
    cJSON_Delete(stranger);
out:
    loaded_fini(&l);
}

static void load_should_record_positions_in_json(void)
{
    loaded l;
    load_text(&l, "p.json",
              "{\n"
              "  \"a\": [1, \"two\", {\"b\": null}],\n"
              "\t\"ü\": \"x\",  \"c\"  :  true\n"
              "}\n");
    CHECK(l.doc != NULL);
    if (!l.doc)
        goto out;
    const cJSON *a = get(l.doc->root, "a");
    mg_mark m = mg_doc_mark(l.doc, l.doc->root);
    CHECK_INT(m.line, 1);
    CHECK_INT(m.col, 1);
    m = mg_doc_key_mark(l.doc, a);
    CHECK_INT(m.line, 2);
    CHECK_INT(m.col, 3);
    m = mg_doc_mark(l.doc, a);
    CHECK_INT(m.col, 8);
    m = mg_doc_mark(l.doc, cJSON_GetArrayItem(a, 1));
    CHECK_INT(m.col, 12);
    CHECK(mg_doc_is_quoted(l.doc, cJSON_GetArrayItem(a, 1)));
    m = mg_doc_mark(l.doc, get(cJSON_GetArrayItem(a, 2), "b"));
    CHECK_INT(m.col, 25);
    m = mg_doc_key_mark(l.doc, get(l.doc->root, "c"));
    CHECK_INT(m.line, 3);
    CHECK_INT(m.col, 13); /* a tab is one column */
    m = mg_doc_mark(l.doc, get(l.doc->root, "c"));
    CHECK_INT(m.col, 21);
out:
    loaded_fini(&l);
}

static void load_should_expand_anchors_and_aliases_with_the_anchors_positions(void)
{
    loaded l;
    load_text(&l, "a.yaml",
              "base: &b\n"
              "  x: 1\n"
              "  y: [1, 2]\n"
              "s: &s str\n"
              "copy: *b\n"
              "scopy: *s\n"
              "redef: &s other\n"
              "late: *s\n");
    CHECK(l.doc != NULL);
    if (!l.doc)
        goto out;
    const cJSON *r = l.doc->root;
    const cJSON *copy = get(r, "copy");
    CHECK(cJSON_IsObject(copy));
    CHECK(copy != get(r, "base")); /* a real copy: the tree stays a tree */
    CHECK(cJSON_IsNumber(get(copy, "x")));
    CHECK_INT(cJSON_GetArraySize(get(copy, "y")), 2);
    CHECK_STR(cJSON_GetStringValue(get(r, "scopy")), "str");
    CHECK_STR(cJSON_GetStringValue(get(r, "late")), "other");
    mg_mark m = mg_doc_mark(l.doc, copy);
    CHECK_INT(m.line, 5);
    CHECK_INT(m.col, 7);
    m = mg_doc_mark(l.doc, get(copy, "x"));
    CHECK_INT(m.line, 2);
    CHECK_INT(m.col, 6);
    m = mg_doc_key_mark(l.doc, get(copy, "y"));
    CHECK_INT(m.line, 3);
    CHECK_INT(m.col, 3);
    /* The copy's children know their parent (for JSON pointers). */
    int idx = -1;
    CHECK(mg_doc_parent(l.doc, get(copy, "y"), &idx) == copy);
    CHECK_INT(idx, 1);
out:
    loaded_fini(&l);
}

static void load_should_read_literal_and_folded_block_scalars(void)
{
    loaded l;
    load_text(&l, "b.yaml",
              "lit: |\n  line 1\n   indented\n  line 3\n"
              "fold: >\n  a\n  b\n\n  c\n"
              "strip: |-\n  x\n"
              "keep: |+\n  y\n\n"
              "after: 1\n");
    CHECK(l.doc != NULL);
    if (l.doc) {
        const cJSON *r = l.doc->root;
        CHECK_STR(cJSON_GetStringValue(get(r, "lit")), "line 1\n indented\nline 3\n");
        CHECK_STR(cJSON_GetStringValue(get(r, "fold")), "a b\nc\n");
        CHECK_STR(cJSON_GetStringValue(get(r, "strip")), "x");
        CHECK_STR(cJSON_GetStringValue(get(r, "keep")), "y\n\n");
        CHECK(cJSON_IsNumber(get(r, "after")));
        mg_mark m = mg_doc_mark(l.doc, get(r, "lit"));
        CHECK_INT(m.line, 1);
        CHECK_INT(m.col, 6);
    }
    loaded_fini(&l);
}

static void load_should_keep_key_order_and_ignore_comments(void)
{
    loaded l;
    load_text(&l, "o.yaml", "# top\nz: 1 # one\n# between\na: 2\nm: 3\n");
    CHECK(l.doc != NULL);
    if (l.doc) {
        const cJSON *c = l.doc->root->child;
        CHECK_STR(c->string, "z");
        CHECK_STR(c->next->string, "a");
        CHECK_STR(c->next->next->string, "m");
        CHECK(c->next->next->next == NULL);
    }
    loaded_fini(&l);
}

static void load_should_reject_duplicate_keys_naming_the_first(void)
{
    CHECK_LOAD_ERROR("d.yaml", "a: 1\nb:\n  x: 1\n  x: 2\n",
                     "d.yaml:4:3: error: duplicate key 'x' (first defined at 3:3)");
    CHECK_LOAD_ERROR("d.yaml", "{a: 1, a: 2}\n",
                     "d.yaml:1:8: error: duplicate key 'a' (first defined at 1:2)");
    CHECK_LOAD_ERROR("d.json", "{\"a\": 1,\n  \"a\": 2}",
                     "d.json:2:3: error: duplicate key 'a' (first defined at 1:2)");
    /* The same key in different objects is fine. */
    loaded l;
    load_text(&l, "ok.yaml", "a: {x: 1}\nb: {x: 1}\nc: [{x: 1}, {x: 2}]\n");
    CHECK(l.doc != NULL);
    loaded_fini(&l);
}

static void load_should_reject_multiple_documents(void)
{
    CHECK_LOAD_ERROR("m.yaml", "a: 1\n---\nb: 2\n",
                     "m.yaml:2:1: error: a second document in the file (msggen reads one document per file; split it at the '---')");
    /* One explicit document, with or without an end marker, is fine. */
    loaded l;
    load_text(&l, "one.yaml", "---\na: 1\n...\n");
    CHECK(l.doc != NULL);
    loaded_fini(&l);
}

static char *nested(const char *open, const char *close, int depth)
{
    size_t lo = strlen(open), lc = strlen(close);
    char *s = malloc((size_t)depth * (lo + lc) + 8);
    size_t n = 0;
    for (int i = 0; i < depth; i++, n += lo)
        memcpy(s + n, open, lo);
    s[n++] = '1';
    for (int i = 0; i < depth; i++, n += lc)
        memcpy(s + n, close, lc);
    s[n] = '\0';
    return s;
}

static void load_should_reject_nesting_deeper_than_the_limit(void)
{
    char *ok = nested("[", "]", MG_MAX_NESTING);
    char *deep = nested("[", "]", MG_MAX_NESTING + 1);
    loaded l;
    load_text(&l, "ok.json", ok);
    CHECK(l.doc != NULL);
    loaded_fini(&l);
    load_text(&l, "ok.yaml", ok);
    CHECK(l.doc != NULL);
    loaded_fini(&l);
    char want[200];
    snprintf(want, sizeof want,
             "deep.json:1:%d: error: nesting deeper than %d levels (flatten the document or split it with $ref)",
             MG_MAX_NESTING + 1, MG_MAX_NESTING);
    CHECK_LOAD_ERROR("deep.json", deep, want);
    snprintf(want, sizeof want,
             "deep.yaml:1:%d: error: nesting deeper than %d levels (flatten the document or split it with $ref)",
             MG_MAX_NESTING + 1, MG_MAX_NESTING);
    CHECK_LOAD_ERROR("deep.yaml", deep, want);
    free(ok);
    free(deep);
    /* An alias cannot smuggle in extra depth either. */
    char *inner = nested("[", "]", 200);
    char *outer = nested("[", "]", 100);
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_appendf(&b, "a: &x %s\nb: ", inner);
    /* Put the alias at depth 100 inside b. */
    for (int i = 0; i < 100; i++)
        mg_buf_putc(&b, '[');
    mg_buf_append_str(&b, "*x");
    for (int i = 0; i < 100; i++)
        mg_buf_putc(&b, ']');
    mg_buf_putc(&b, '\n');
    load_text(&l, "alias-deep.yaml", mg_buf_cstr(&b));
    CHECK(l.doc == NULL);
    CHECK(strstr(capture_text(&l.cap), "nesting deeper than") != NULL);
    loaded_fini(&l);
    mg_buf_fini(&b);
    free(inner);
    free(outer);
}

static void load_should_stop_alias_bombs(void)
{
    const char *bomb =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    clock_t t0 = clock();
    loaded l;
    load_text(&l, "bomb.yaml", bomb);
    CHECK(l.doc == NULL);
    CHECK(strstr(capture_text(&l.cap), "aliases expand to more than 100000 nodes") != NULL);
    CHECK(strncmp(capture_text(&l.cap), "bomb.yaml:5:", 12) == 0);
    loaded_fini(&l);
    /* It stops at the budget instead of expanding 10^8 nodes. */
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
}

/* The anchor table grows while the anchored mapping is open; the mapping must
 * still be marked complete when it ends (it once kept a pointer that the growth
 * had freed, so the alias below was refused as recursive). */
static void load_should_complete_an_anchor_whose_mapping_defines_many_anchors(void)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, "outer: &outer\n");
    for (int i = 0; i < 200; i++)
        mg_buf_appendf(&b, "  a%d: &a%d %d\n", i, i, i);
    mg_buf_append_str(&b, "copy: *outer\n");
    loaded l;
    load_text(&l, "many.yaml", mg_buf_cstr(&b));
    CHECK(l.doc != NULL);
    CHECK_STR(capture_text(&l.cap), "");
    const cJSON *copy = l.doc ? get(l.doc->root, "copy") : NULL;
    CHECK(copy && cJSON_GetArraySize(copy) == 200);
    CHECK(copy && get(copy, "a199") && get(copy, "a199")->valuedouble == 199);
    loaded_fini(&l);
    mg_buf_fini(&b);
}

static void load_should_reject_undefined_and_self_containing_aliases(void)
{
    CHECK_LOAD_ERROR("u.yaml", "a: 1\nb: *nope\n",
                     "u.yaml:2:4: error: undefined alias '*nope' (define the anchor '&nope' before it)");
    CHECK_LOAD_ERROR("r.yaml", "a: &x\n  b: *x\n",
                     "r.yaml:2:6: error: alias '*x' refers to a node that contains it (recursive data cannot be loaded)");
    /* An alias used before its anchor is undefined at that point. */
    CHECK_LOAD_ERROR("e.yaml", "a: *x\nb: &x 1\n",
                     "e.yaml:1:4: error: undefined alias '*x' (define the anchor '&x' before it)");
}

static void load_should_refuse_yaml_1_1_merge_keys_but_allow_a_quoted_one(void)
{
    CHECK_LOAD_ERROR("m.yaml", "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
                     "m.yaml:3:3: error: merge key '<<' is YAML 1.1 and not supported (write the keys out, or use allOf in schemas)");
    loaded l;
    load_text(&l, "q.yaml", "\"<<\": 1\n");
    CHECK(l.doc != NULL && cJSON_IsNumber(get(l.doc->root, "<<")));
    loaded_fini(&l);
}

static void load_should_reject_non_scalar_keys(void)
{
    CHECK_LOAD_ERROR("k.yaml", "? [a, b]\n: 1\n",
                     "k.yaml:1:3: error: a mapping key must be a scalar, not a sequence");
    CHECK_LOAD_ERROR("k.yaml", "? {a: 1}\n: 1\n",
                     "k.yaml:1:3: error: a mapping key must be a scalar, not a mapping");
    CHECK_LOAD_ERROR("k.yaml", "a: &k key\n*k : 1\n",
                     "k.yaml:2:1: error: an alias cannot be a mapping key here ('*k'); write the key out");
}

static void load_should_reject_invalid_utf8_with_its_position(void)
{
    CHECK_LOAD_ERROR("u.yaml", "a: ok\nb: caf\xe9\n",
                     "u.yaml:2:7: error: invalid UTF-8 byte 0xE9 (msggen reads UTF-8 only; re-save the file as UTF-8)");
    /* Overlong encodings and encoded surrogates are invalid too. */
    CHECK_LOAD_ERROR("o.json", "[\"\xc0\xaf\"]",
                     "o.json:1:3: error: invalid UTF-8 byte 0xC0 (msggen reads UTF-8 only; re-save the file as UTF-8)");
    CHECK_LOAD_ERROR("s.yaml", "x: \xed\xa0\x80\n",
                     "s.yaml:1:4: error: invalid UTF-8 byte 0xED (msggen reads UTF-8 only; re-save the file as UTF-8)");
    CHECK_LOAD_ERROR("t.yaml", "x: \xe2\x82\n",
                     "t.yaml:1:4: error: invalid UTF-8 byte 0xE2 (msggen reads UTF-8 only; re-save the file as UTF-8)");
    loaded l;
    capture_init(&l.cap, &l.d);
    l.set = mg_docset_new(NULL);
    l.doc = mg_docset_load_buffer(l.set, "n.yaml", "a: 1\n\0", 6, &l.d);
    CHECK(l.doc == NULL);
    CHECK_STR(capture_text(&l.cap),
              "n.yaml:2:1: error: NUL byte in the file (is it binary, or UTF-16? msggen reads UTF-8 text)");
    loaded_fini(&l);
}

/* check_utf8 skips ASCII eight bytes at a time: a NUL or a bad byte at any
 * offset of a long ASCII run is still found, at its own column. */
static void load_should_find_bad_bytes_at_every_alignment(void)
{
    for (int k = 0; k < 24; k++) {
        for (int bad = 0; bad < 2; bad++) {
            char text[64], want[200];
            int n = snprintf(text, sizeof text, "a: %.*s", k, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            text[n++] = bad ? '\xe9' : '\0';
            n += snprintf(text + n, sizeof text - (size_t)n, "yyyyyyyyyy\n");
            if (bad)
                snprintf(want, sizeof want,
                         "b.yaml:1:%d: error: invalid UTF-8 byte 0xE9 (msggen reads UTF-8 only; re-save the file as UTF-8)",
                         4 + k);
            else
                snprintf(want, sizeof want,
                         "b.yaml:1:%d: error: NUL byte in the file (is it binary, or UTF-16? msggen reads UTF-8 text)",
                         4 + k);
            loaded l;
            capture_init(&l.cap, &l.d);
            l.set = mg_docset_new(NULL);
            l.doc = mg_docset_load_buffer(l.set, "b.yaml", text, (size_t)n, &l.d);
            CHECK(l.doc == NULL);
            CHECK_STR(capture_text(&l.cap), want);
            loaded_fini(&l);
        }
    }
}

static void load_should_read_json_strictly(void)
{
    CHECK_LOAD_ERROR("t.json", "{\"a\": 1,}", "t.json:1:8: error: JSON: trailing comma before '}' (remove it)");
    CHECK_LOAD_ERROR("t.json", "[1, 2,\n]", "t.json:1:6: error: JSON: trailing comma before ']' (remove it)");
    CHECK_LOAD_ERROR("t.json", "{'a': 1}", "t.json:1:2: error: JSON: strings take double quotes, not single quotes");
    CHECK_LOAD_ERROR("t.json", "{\"a\": 1, // c\n}", "t.json:1:10: error: JSON: comments are not allowed in JSON");
    CHECK_LOAD_ERROR("t.json", "[1] // c", "t.json:1:5: error: JSON: extra data after the document (a file holds one JSON value)");
    CHECK_LOAD_ERROR("t.json", "[01]", "t.json:1:2: error: JSON: invalid number (no leading zeros)");
    CHECK_LOAD_ERROR("t.json", "[1.]", "t.json:1:2: error: JSON: invalid number (a digit must follow '.')");
    CHECK_LOAD_ERROR("t.json", "{\"a\": \"b}", "t.json:1:7: error: JSON: unterminated string (add the closing '\"')");
    CHECK_LOAD_ERROR("t.json", "{\"a\": 1", "t.json:1:1: error: JSON: unclosed '{' (add the closing '}')");
    CHECK_LOAD_ERROR("t.json", "[tru]", "t.json:1:2: error: JSON: unexpected 't', expected a value");
    CHECK_LOAD_ERROR("t.json", "[\"\\x\"]", "t.json:1:3: error: JSON: invalid escape '\\x' in a string");
    CHECK_LOAD_ERROR("t.json", "[\"\\ud800\"]", "t.json:1:3: error: JSON: unpaired UTF-16 surrogate '\\uD800' in a string");
    CHECK_LOAD_ERROR("t.json", "[\"a\tb\"]", "t.json:1:4: error: JSON: control character 0x09 in a string (write it as \\u0009)");
    CHECK_LOAD_ERROR("t.json", "{\"a\" 1}", "t.json:1:6: error: JSON: unexpected '1', expected ':' after the object key");
    CHECK_LOAD_ERROR("t.json", "  \n", "t.json:1:1: error: the file holds no document (it is empty)");
    CHECK_LOAD_ERROR("t.json", "{\"a\": 1 \"b\": 2}", "t.json:1:9: error: JSON: unexpected '\"', expected ',' or '}' in the object");
}

static void load_should_decode_json_escapes_and_surrogate_pairs(void)
{
    loaded l;
    load_text(&l, "e.json",
              "\xef\xbb\xbf{\"s\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", "
              "\"n\": -1.5e2, \"z\": 0, \"big\": 12345678901234567890, \"k\": \"" );
    /* (the text above is deliberately incomplete: a strict error) */
    CHECK(l.doc == NULL);
    loaded_fini(&l);
    load_text(&l, "e.json",
              "\xef\xbb\xbf{\"s\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", "
              "\"n\": -1.5e2, \"z\": 0, \"big\": 12345678901234567890, \"e\": \"\"}");
    CHECK(l.doc != NULL);
    if (l.doc) {
        const cJSON *r = l.doc->root;
        CHECK_STR(cJSON_GetStringValue(get(r, "s")), "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
        CHECK(get(r, "n")->valuedouble == -150);
        CHECK(cJSON_IsNumber(get(r, "z")));
        CHECK(get(r, "big")->valuedouble > 1.2e19);
        CHECK_STR(cJSON_GetStringValue(get(r, "e")), "");
        CHECK_INT(mg_doc_mark(l.doc, r).col, 1); /* the BOM is not a character */
    }
    loaded_fini(&l);
    CHECK_LOAD_ERROR("z.json", "[\"a\\u0000b\"]",
                     "z.json:1:4: error: JSON: '\\u0000' in a string is not supported (msggen strings cannot hold NUL)");
}

static void load_should_take_brace_started_yaml_as_yaml_flow(void)
{
    loaded l;
    load_text(&l, "f.yaml", "{a: 1, b: [x, y], \"c\": yes,}\n");
    CHECK(l.doc != NULL);
    if (l.doc) {
        CHECK(cJSON_IsNumber(get(l.doc->root, "a")));
        CHECK_STR(cJSON_GetStringValue(get(l.doc->root, "c")), "yes");
    }
    loaded_fini(&l);
    /* Strict JSON content in a .yaml file is JSON, with JSON positions. */
    load_text(&l, "j.yaml", "{\"a\": [1,\n  2]}");
    CHECK(l.doc != NULL);
    if (l.doc) {
        mg_mark m = mg_doc_mark(l.doc, cJSON_GetArrayItem(get(l.doc->root, "a"), 1));
        CHECK_INT(m.line, 2);
        CHECK_INT(m.col, 3);
    }
    loaded_fini(&l);
}

static void load_should_translate_yaml_syntax_errors(void)
{
    CHECK_LOAD_ERROR("q.yaml", "a: \"abc\nb: 1\n", "q.yaml:1:4: error: unclosed quoted string (add the closing quote)");
    CHECK_LOAD_ERROR("t.yaml", "a:\n\tb: 1\n",
                     "t.yaml:2:1: error: tab character used for indentation (YAML indents with spaces only)");
    CHECK_LOAD_ERROR("i.yaml", "a:\n    b: 1\n  c: 2\n",
                     "i.yaml:3:3: error: bad indentation: this line does not fit the mapping that starts at 1:1");
    CHECK_LOAD_ERROR("f.yaml", "a: [1, 2\nb: 3\n",
                     "f.yaml:2:2: error: expected ',' or ']' in the flow sequence opened at 1:4");
    CHECK_LOAD_ERROR("c.yaml", "a: b: c\n",
                     "c.yaml:1:5: error: unexpected ':' here (check the indentation, or quote a value that contains ': ')");
    CHECK_LOAD_ERROR("cc.yaml", "a: \"\x01\"\n",
                     "cc.yaml:1:5: error: control character 0x01 is not allowed in YAML (escape it in a double-quoted string)");
    CHECK_LOAD_ERROR("e.yaml", "", "e.yaml:1:1: error: the file holds no document (it is empty or only comments)");
    CHECK_LOAD_ERROR("e.yaml", "# nothing\n", "e.yaml:1:1: error: the file holds no document (it is empty or only comments)");
    CHECK_LOAD_ERROR("n.yaml", "a: \"x\\0y\"\n",
                     "n.yaml:1:4: error: a NUL character in a scalar is not supported (msggen strings cannot hold NUL)");
    /* "---" alone is an empty (null) document, not an error. */
    loaded l;
    load_text(&l, "null.yaml", "---\n");
    CHECK(l.doc != NULL && cJSON_IsNull(l.doc->root));
    loaded_fini(&l);
}

static void load_should_scale_linearly_with_many_keys(void)
{
    /* 60000 keys in one map and 60000 items: quadratic duplicate checks or
     * position lookups would take minutes; we allow a few seconds (valgrind). */
    mg_buf b;
    mg_buf_init(&b);
    for (int i = 0; i < 60000; i++)
        mg_buf_appendf(&b, "key%d: [%d, v%d]\n", i, i, i);
    clock_t t0 = clock();
    loaded l;
    load_text(&l, "big.yaml", mg_buf_cstr(&b));
    CHECK(l.doc != NULL);
    if (l.doc) {
        CHECK_INT(cJSON_GetArraySize(l.doc->root), 60000);
        const cJSON *last = get(l.doc->root, "key59999");
        CHECK_INT(mg_doc_mark(l.doc, last).line, 60000);
    }
    loaded_fini(&l);
    mg_buf_fini(&b);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0);
}

static void load_should_normalise_paths_lexically(void)
{
    static const char *const cases[][2] = {
        {"a.yaml", "a.yaml"},         {"./a.yaml", "a.yaml"},     {"x/../a.yaml", "a.yaml"},
        {"x//y/./z", "x/y/z"},        {"../a", "../a"},           {"../../a/../b", "../../b"},
        {"/a/../../b", "/b"},         {"/", "/"},                 {".", "."},
        {"x/..", "."},                {"a/b/../../../c", "../c"}, {"/x/y/", "/x/y"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *n = mg_path_normalise(cases[i][0]);
        CHECK_STR(n, cases[i][1]);
        free(n);
    }
}

static void load_should_read_a_file_once_per_docset(void)
{
    testfs_enter();
    testfs_write("sub/a.yaml", "x: 1\n");
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    mg_docset *set = mg_docset_new(NULL);
    const mg_doc *a1 = mg_docset_load(set, "sub/a.yaml", mg_mark_at(NULL, 0, 0), &d);
    const mg_doc *a2 = mg_docset_load(set, "./sub/../sub/a.yaml", mg_mark_at(NULL, 0, 0), &d);
    CHECK(a1 != NULL);
    CHECK(a1 == a2);
    CHECK_INT(mg_docset_count(set), 1);
    CHECK(mg_docset_doc(set, 0) == a1);
    CHECK(mg_docset_root(set) == NULL); /* no root given: no confinement */
    if (a1) {
        CHECK_STR(a1->path, "sub/a.yaml");
        CHECK(mg_docset_owner(set, get(a1->root, "x")) == a1);
    }
    /* A broken file is reported once, however often it is asked for. */
    testfs_write("bad.yaml", "a: [\n");
    CHECK(mg_docset_load(set, "bad.yaml", mg_mark_at(NULL, 0, 0), &d) == NULL);
    CHECK(mg_docset_load(set, "./bad.yaml", mg_mark_at(NULL, 0, 0), &d) == NULL);
    CHECK_INT(d.errors, 1);
    /* A missing file is reported at each request's position. */
    mg_mark at = mg_mark_at("ref.yaml", 3, 9);
    CHECK(mg_docset_load(set, "nope.yaml", at, &d) == NULL);
    CHECK(strstr(capture_text(&cap),
                 "ref.yaml:3:9: error: cannot open 'nope.yaml': No such file or directory") != NULL);
    CHECK(mg_docset_load(set, "sub", mg_mark_at(NULL, 0, 0), &d) == NULL);
    CHECK(strstr(capture_text(&cap), "msggen: error: cannot read 'sub': it is a directory") != NULL);
    mg_docset_free(set);
    capture_fini(&cap);
    testfs_leave();
}

static void load_should_refuse_files_over_the_size_limit_without_reading_them(void)
{
    testfs_enter();
    FILE *f = fopen("big.yaml", "wb");
    CHECK(f != NULL);
    if (f) {
        /* A sparse file: the size check must come from fstat, or this test
         * would read the whole limit in zeros. */
        CHECK(ftruncate(fileno(f), (off_t)MG_MAX_INPUT_BYTES + 1) == 0);
        fclose(f);
    }
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    clock_t t0 = clock();
    mg_docset *set = mg_docset_new(NULL);
    CHECK(mg_docset_load(set, "big.yaml", mg_mark_at(NULL, 0, 0), &d) == NULL);
    char want[200];
    snprintf(want, sizeof want,
             "big.yaml: error: file is %u bytes, over the %u-byte input limit (split it into files joined by $ref)",
             MG_MAX_INPUT_BYTES + 1u, MG_MAX_INPUT_BYTES);
    CHECK_STR(capture_text(&cap), want);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    mg_docset_free(set);
    capture_fini(&cap);
    testfs_leave();
}

/* Writes `n` bytes of `unit` (repeated, cut at n) into the FIFO `path` from
 * a child process; returns its pid. */
static pid_t fifo_writer(const char *path, const char *unit, size_t n)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    signal(SIGPIPE, SIG_DFL);
    FILE *f = fopen(path, "wb");
    size_t ul = strlen(unit);
    for (size_t done = 0; f && done < n; done += ul)
        if (fwrite(unit, 1, n - done < ul ? n - done : ul, f) == 0)
            break;
    if (f)
        fclose(f);
    _exit(0);
}

/* A file with no size to read ahead (a FIFO) is read into the document's
 * buffer as it comes, in reads that grow it: a 300 KB mapping loads whole,
 * and one byte over the input limit is the limit's error. */
static void load_should_read_pipes_whole_and_refuse_them_over_the_limit(void)
{
    testfs_enter();
    CHECK(mkfifo("p.yaml", 0600) == 0);
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    mg_docset *set = mg_docset_new(NULL);
    /* "k<i>: v" for 30 000 keys, each line 15 bytes ("k00000: v12345\n"). */
    static char text[30000 * 15 + 1];
    for (int i = 0; i < 30000; i++) {
        char line[40];
        snprintf(line, sizeof line, "k%05d: v%05d\n", i, i);
        memcpy(text + (size_t)i * 15, line, 16);
    }
    pid_t pid = fifo_writer("p.yaml", text, strlen(text));
    const mg_doc *doc = mg_docset_load(set, "p.yaml", mg_mark_at(NULL, 0, 0), &d);
    waitpid(pid, NULL, 0);
    CHECK(doc != NULL);
    if (doc) {
        CHECK_INT(cJSON_GetArraySize(doc->root), 30000);
        CHECK_STR(cJSON_GetStringValue(get(doc->root, "k29999")), "v29999");
        CHECK_STR(cJSON_GetStringValue(get(doc->root, "k00000")), "v00000");
    }
    mg_docset_free(set);
    CHECK(unlink("p.yaml") == 0 && mkfifo("p.yaml", 0600) == 0);
    set = mg_docset_new(NULL);
    pid = fifo_writer("p.yaml", "# a comment line of YAML, long enough to fill the limit fast ......\n",
                      (size_t)MG_MAX_INPUT_BYTES + 1);
    CHECK(mg_docset_load(set, "p.yaml", mg_mark_at(NULL, 0, 0), &d) == NULL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    char want[200];
    snprintf(want, sizeof want, "p.yaml: error: file is over the %u-byte input limit (split it into files joined by $ref)",
             MG_MAX_INPUT_BYTES);
    CHECK_STR(capture_text(&cap), want);
    mg_docset_free(set);
    capture_fini(&cap);
    testfs_leave();
}

static void load_data_file_should_return_a_tree_the_caller_owns(void)
{
    testfs_enter();
    testfs_write("d.yaml", "name: x\nn: [1, 2]\n");
    testfs_write("bad.json", "{\"a\": 1,}\n");
    capture cap;
    mg_diag d;
    capture_init(&cap, &d);
    cJSON *t = mg_load_data_file("d.yaml", &d);
    CHECK(t != NULL);
    CHECK_STR(cJSON_GetStringValue(get(t, "name")), "x");
    cJSON_Delete(t);
    CHECK(mg_load_data_file("bad.json", &d) == NULL);
    CHECK_STR(capture_text(&cap), "bad.json:1:8: error: JSON: trailing comma before '}' (remove it)");
    capture_fini(&cap);
    testfs_leave();
}

static void load_should_find_members_through_the_index(void)
{
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, "big:\n");
    for (int i = 0; i < 2000; i++)
        mg_buf_appendf(&b, "  k%d: %d\n", i, i);
    mg_buf_append_str(&b, "alias: &a {x: 1, y: 2}\ncopy: *a\n");
    loaded l;
    load_text(&l, "m.yaml", mg_buf_cstr(&b));
    CHECK(l.doc != NULL);
    if (l.doc) {
        const cJSON *big = get(l.doc->root, "big");
        const cJSON *m = mg_doc_member(l.doc, big, "k1999");
        CHECK(m != NULL && m->valuedouble == 1999);
        CHECK(mg_doc_member(l.doc, big, "k2000") == NULL);
        CHECK(mg_doc_member(l.doc, get(big, "k1"), "x") == NULL); /* not an object */
        const cJSON *copy = get(l.doc->root, "copy");
        CHECK(mg_doc_member(l.doc, copy, "y") == get(copy, "y"));
        /* A node added after loading is found by a scan. */
        cJSON *extra = cJSON_CreateObject();
        cJSON_AddNumberToObject(extra, "n", 5);
        CHECK(mg_doc_member(l.doc, extra, "n") == get(extra, "n"));
        cJSON_Delete(extra);
    }
    loaded_fini(&l);
    mg_buf_fini(&b);
}

static void load_should_give_parents_and_indexes(void)
{
    loaded l;
    load_text(&l, "p.yaml", "a:\n  - x\n  - {b: 1}\n");
    CHECK(l.doc != NULL);
    if (l.doc) {
        const cJSON *a = get(l.doc->root, "a");
        const cJSON *item = cJSON_GetArrayItem(a, 1);
        int idx = -1;
        CHECK(mg_doc_parent(l.doc, item, &idx) == a);
        CHECK_INT(idx, 1);
        CHECK(mg_doc_parent(l.doc, a, &idx) == l.doc->root);
        CHECK_INT(idx, 0);
        CHECK(mg_doc_parent(l.doc, l.doc->root, NULL) == NULL);
    }
    loaded_fini(&l);
}

/* A number whose double may not be it keeps its text (load.h); no other does. */
static void load_should_keep_the_text_of_numbers_a_double_may_not_hold(void)
{
    static const char *const json[][2] = {
        {"1", NULL}, {"0.1", NULL}, {"-123456789012345", NULL}, {"1e300", NULL}, {"0.000", NULL},
        {"1000000000000000000000", NULL}, {"1234567890123456", "1234567890123456"},
        {"9223372036854775807", "9223372036854775807"}, {"-9223372036854775809", "-9223372036854775809"},
        {"2147483647.0000000001", "2147483647.0000000001"}, {"1e-400", "1e-400"}, {"1e400", "1e400"},
    };
    for (size_t i = 0; i < sizeof json / sizeof *json; i++) {
        for (int yaml = 0; yaml < 2; yaml++) {
            loaded l;
            load_text(&l, yaml ? "n.yaml" : "n.json", json[i][0]);
            CHECK(l.doc && cJSON_IsNumber(l.doc->root));
            if (l.doc && cJSON_IsNumber(l.doc->root)) {
                const char *t = l.doc->root->valuestring;
                if (!json[i][1] ? t != NULL : !t || strcmp(t, json[i][1]) != 0) {
                    unit_failed_checks++;
                    unit_note("# %s as %s: kept '%s', want '%s'\n", json[i][0], yaml ? "YAML" : "JSON",
                              t ? t : "(none)", json[i][1] ? json[i][1] : "(none)");
                }
            }
            loaded_fini(&l);
        }
    }
    loaded l;
    load_text(&l, "h.yaml", "a: 0x7fffffffffffffff\nb: 0o1000000000000000000000\nc: 0x1F\nd: +12345678901234567\n");
    CHECK(l.doc != NULL);
    if (l.doc) {
        CHECK_STR(get(l.doc->root, "a")->valuestring, "9223372036854775807");
        CHECK_STR(get(l.doc->root, "b")->valuestring, "9223372036854775808");
        CHECK(get(l.doc->root, "c")->valuestring == NULL);
        CHECK_STR(get(l.doc->root, "d")->valuestring, "+12345678901234567");
    }
    loaded_fini(&l);
}

/* The first KEYTAB_SCAN members of an object are found by a scan, the later
 * ones through the member table (load.c): a duplicate is caught, and named,
 * whichever part each of the two keys is in, for YAML, JSON and a copy made
 * by an alias; a member recorded after loading past the scanned ones is found. */
static void load_should_find_duplicates_and_members_past_the_scanned_ones(void)
{
    mg_buf y, j, want;
    mg_buf_init(&y);
    mg_buf_init(&j);
    mg_buf_init(&want);
    for (int dup = 0; dup < 2; dup++) {
        /* 12 members k0..k11, then k1 (first among the scanned) or k10
         * (first in the table) again. */
        int first = dup ? 10 : 1;
        mg_buf_reset(&y);
        mg_buf_reset(&j);
        mg_buf_append_str(&j, "{");
        for (int i = 0; i < 12; i++) {
            mg_buf_appendf(&y, "k%d: %d\n", i, i);
            mg_buf_appendf(&j, "\n\"k%d\": %d,", i, i);
        }
        mg_buf_appendf(&y, "k%d: again\n", first);
        mg_buf_appendf(&j, "\n\"k%d\": 0}", first);
        mg_buf_reset(&want);
        mg_buf_appendf(&want, "big.yaml:13:1: error: duplicate key 'k%d' (first defined at %d:1)", first,
                       first + 1);
        check_error("big.yaml", mg_buf_cstr(&y), mg_buf_cstr(&want), __LINE__);
        mg_buf_reset(&want);
        mg_buf_appendf(&want, "big.json:14:1: error: duplicate key 'k%d' (first defined at %d:1)", first,
                       first + 2);
        check_error("big.json", mg_buf_cstr(&j), mg_buf_cstr(&want), __LINE__);
    }
    /* Every member found, in a loaded object and in an alias's copy. */
    mg_buf_reset(&y);
    mg_buf_append_str(&y, "a: &a\n");
    for (int i = 0; i < 20; i++)
        mg_buf_appendf(&y, "  k%d: %d\n", i, i);
    mg_buf_append_str(&y, "b: *a\n");
    loaded l;
    load_text(&l, "m.yaml", mg_buf_cstr(&y));
    CHECK(l.doc != NULL);
    if (l.doc) {
        for (int k = 0; k < 2; k++) {
            const cJSON *o = get(l.doc->root, k ? "b" : "a");
            char key[16];
            for (int i = 0; i < 20; i++) {
                snprintf(key, sizeof key, "k%d", i);
                const cJSON *m = mg_doc_member(l.doc, o, key);
                CHECK(m != NULL && m == get(o, key) && (int)m->valuedouble == i);
            }
            CHECK(mg_doc_member(l.doc, o, "k20") == NULL);
            CHECK(mg_doc_member(l.doc, o, "") == NULL);
        }
        /* A member added after loading, past the scanned ones, then
         * replaced: each is found. */
        cJSON *a = cJSON_GetObjectItemCaseSensitive(l.doc->root, "a");
        cJSON *extra = cJSON_CreateString("late");
        cJSON_AddItemToObject(a, "late", extra);
        mg_doc_record(l.doc, extra, a, 20, mg_mark_at("m.yaml", 30, 3), mg_mark_at("m.yaml", 30, 1));
        CHECK(mg_doc_member(l.doc, a, "late") == extra);
        cJSON *repl = cJSON_CreateNumber(99);
        cJSON *old = cJSON_GetObjectItemCaseSensitive(a, "k15");
        mg_doc_replace(l.doc, old, repl);
        CHECK(mg_doc_member(l.doc, a, "k15") == repl);
        CHECK(get(a, "k15") == repl);
        CHECK_INT(mg_doc_key_mark(l.doc, repl).line, 17);
    }
    loaded_fini(&l);
    mg_buf_fini(&y);
    mg_buf_fini(&j);
    mg_buf_fini(&want);
}

/* Member names are interned (load.c, intern_name): one copy of each text,
 * shared by every document, by YAML and JSON, and by an alias's copy, and
 * still valid in a duplicate made before the set was freed. */
static void load_should_share_one_copy_of_each_member_name(void)
{
    loaded a, b;
    load_text(&a, "a.yaml", "name: x\nitem: &i {name: y}\ncopy: *i\n");
    load_text(&b, "b.json", "{\"name\": 1, \"other\": {\"name\": 2}}");
    CHECK(a.doc != NULL && b.doc != NULL);
    cJSON *dup = NULL;
    if (a.doc && b.doc) {
        const cJSON *n1 = get(a.doc->root, "name"), *n2 = get(get(a.doc->root, "item"), "name");
        const cJSON *n3 = get(get(a.doc->root, "copy"), "name"), *n4 = get(b.doc->root, "name");
        const cJSON *n5 = get(get(b.doc->root, "other"), "name");
        CHECK(n1 && n2 && n3 && n4 && n5);
        if (n1 && n2 && n3 && n4 && n5) {
            CHECK(n1->string == n2->string && n2->string == n3->string && n3->string == n4->string &&
                  n4->string == n5->string);
            CHECK((n1->type & cJSON_StringIsConst) && (n3->type & cJSON_StringIsConst) &&
                  (n5->type & cJSON_StringIsConst));
        }
        dup = cJSON_Duplicate(a.doc->root, 1);
    }
    loaded_fini(&a);
    loaded_fini(&b);
    CHECK(dup != NULL);
    if (dup) {
        CHECK_STR(cJSON_GetObjectItemCaseSensitive(dup, "copy")->child->string, "name");
        char *text = cJSON_PrintUnformatted(dup);
        CHECK_STR(text, "{\"name\":\"x\",\"item\":{\"name\":\"y\"},\"copy\":{\"name\":\"y\"}}");
        cJSON_free(text);
        cJSON_Delete(dup);
    }
}

/* Walk marks (load.h): a stamp no node carries yet, marks read only under
 * the stamp that wrote them, and none on scalars (a number's valueint is
 * its value). */
static void walk_marks_should_be_read_only_under_their_stamp(void)
{
    loaded l;
    load_text(&l, "m.yaml", "a: {b: [1, {c: 2}], n: 5}\ns: text\n");
    CHECK(l.doc != NULL);
    if (!l.doc) {
        loaded_fini(&l);
        return;
    }
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(l.doc->root, "a");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(a, "b");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(a, "n");
    const cJSON *str = cJSON_GetObjectItemCaseSensitive(l.doc->root, "s");
    CHECK_INT(mg_docset_walk_last(l.set), 0);
    unsigned s1 = mg_docset_walk_stamp(l.set);
    CHECK(s1 != 0);
    CHECK_INT(mg_docset_walk_last(l.set), s1);
    for (const cJSON *x = l.doc->root; x; x = x == l.doc->root ? a : x == a ? b : NULL)
        CHECK_INT(mg_node_mark(x, s1), 0);
    mg_node_set_mark(a, s1, 5);
    mg_node_set_mark(b, s1, 7);
    CHECK_INT(mg_node_mark(a, s1), 5);
    CHECK_INT(mg_node_mark(b, s1), 7);
    CHECK_INT(mg_node_mark(l.doc->root, s1), 0);
    mg_node_set_mark(n, s1, 3);
    mg_node_set_mark(str, s1, 3);
    CHECK_INT(mg_node_mark(n, s1), 0);
    CHECK_INT(mg_node_mark(str, s1), 0);
    CHECK_INT(n->valueint, 5);
    CHECK(n->valuedouble == 5.0);
    unsigned s2 = mg_docset_walk_stamp(l.set);
    CHECK(s2 != s1 && s2 != 0);
    CHECK_INT(mg_docset_walk_last(l.set), s2);
    CHECK_INT(mg_node_mark(a, s2), 0);
    CHECK_INT(mg_node_mark(b, s2), 0);
    mg_node_set_mark(a, s2, 1);
    CHECK_INT(mg_node_mark(a, s2), 1);
    CHECK_INT(mg_node_mark(a, s1), 0); /* the later walk's mark replaced it */
    CHECK_INT(mg_node_mark(b, s1), 7);
    mg_node_set_mark(b, s1, 0);
    CHECK_INT(mg_node_mark(b, s1), 0);
    /* The JSON form of the tree is unchanged. */
    char *json = cJSON_PrintUnformatted(l.doc->root);
    CHECK_STR(json, "{\"a\":{\"b\":[1,{\"c\":2}],\"n\":5},\"s\":\"text\"}");
    cJSON_free(json);
    loaded_fini(&l);
}

int main(void)
{
    RUN(walk_marks_should_be_read_only_under_their_stamp);
    RUN(load_should_keep_the_text_of_numbers_a_double_may_not_hold);
    RUN(load_should_resolve_plain_scalars_by_the_yaml_1_2_core_schema);
    RUN(load_should_resolve_every_core_schema_word_and_no_neighbour);
    RUN(load_should_keep_quoted_and_tagged_scalars_as_strings);
    RUN(load_should_record_value_and_key_positions_in_yaml);
    RUN(load_should_record_positions_in_json);
    RUN(load_should_expand_anchors_and_aliases_with_the_anchors_positions);
    RUN(load_should_read_literal_and_folded_block_scalars);
    RUN(load_should_keep_key_order_and_ignore_comments);
    RUN(load_should_reject_duplicate_keys_naming_the_first);
    RUN(load_should_reject_multiple_documents);
    RUN(load_should_reject_nesting_deeper_than_the_limit);
    RUN(load_should_stop_alias_bombs);
    RUN(load_should_reject_undefined_and_self_containing_aliases);
    RUN(load_should_complete_an_anchor_whose_mapping_defines_many_anchors);
    RUN(load_should_reject_non_scalar_keys);
    RUN(load_should_refuse_yaml_1_1_merge_keys_but_allow_a_quoted_one);
    RUN(load_should_reject_invalid_utf8_with_its_position);
    RUN(load_should_find_bad_bytes_at_every_alignment);
    RUN(load_should_read_json_strictly);
    RUN(load_should_decode_json_escapes_and_surrogate_pairs);
    RUN(load_should_take_brace_started_yaml_as_yaml_flow);
    RUN(load_should_translate_yaml_syntax_errors);
    RUN(load_should_scale_linearly_with_many_keys);
    RUN(load_should_normalise_paths_lexically);
    RUN(load_should_read_a_file_once_per_docset);
    RUN(load_should_refuse_files_over_the_size_limit_without_reading_them);
    RUN(load_should_read_pipes_whole_and_refuse_them_over_the_limit);
    RUN(load_data_file_should_return_a_tree_the_caller_owns);
    RUN(load_should_give_parents_and_indexes);
    RUN(load_should_find_members_through_the_index);
    RUN(load_should_find_duplicates_and_members_past_the_scanned_ones);
    RUN(load_should_share_one_copy_of_each_member_name);
    return unit_done();
}
