/* test_tpl_parse.c - compiling templates (mustache.c's parser): where the
 * nodes, memos and sources live, positions far into a template, and what a
 * parent tag keeps. The rules themselves are test_mustache.c's and the
 * mustache spec's. */
#include "../../generator/mustache.c"
#include "unit.h"

static mg_buf errs;

static void capture(void *user, const char *line)
{
    (void)user;
    if (errs.len)
        mg_buf_putc(&errs, '\n');
    mg_buf_append_str(&errs, line);
}

static mg_tpl *parse(const char *src)
{
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    return mg_tpl_parse("t", src, strlen(src), &d);
}

/* Counts the nodes under kids[0..n) and checks that each lies in
 * [lo, hi), its children together, and each memo and rest array in the
 * template's extra block [xlo, xhi). */
static size_t walk(const node *kids, size_t n, const node *lo, const node *hi, const char *xlo,
                   const char *xhi)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const node *k = &kids[i];
        CHECK(k >= lo && k < hi);
        if (k->memo)
            CHECK((const char *)k->memo >= xlo && (const char *)(k->memo + NODE_MEMO) <= xhi);
        if (k->rest)
            CHECK((const char *)k->rest >= xlo && (const char *)k->rest < xhi);
        CHECK((k->kids == NULL) == (k->nkids == 0));
        count += 1 + walk(k->kids, k->nkids, lo, hi, xlo, xhi);
    }
    return count;
}

static void parse_should_put_a_templates_nodes_in_one_block_and_memos_in_another(void)
{
    const char *src = "head {{a}}\n"
                      "{{#s}}\n  x {{b.c}}\n  {{#t}}y{{d.e.f.g}}{{/t}}\n{{/s}}\n"
                      "{{^u}}none{{/u}}{{>p}}{{v.w.x}}\n";
    mg_tpl *t = parse(src);
    CHECK(t != NULL);
    if (!t)
        return;
    /* 16 nodes are made (the "\n" after {{b.c}} and the "  " before {{#t}}
     * are one text); the block has room for at most one per token and one
     * per line, and we use the start of each level's room. */
    size_t room = 40;
    const char *xlo = t->extra;
    const char *xhi = xlo + 64 * sizeof(node_memo); /* more than the tags' memos need */
    CHECK_INT(walk(t->kids, t->nkids, t->nodes, t->nodes + room, xlo, xhi), 16);
    CHECK(t->kids == t->nodes);
    /* Dotted names: parts after the first, as hash and length pairs; more
     * than two parts go in the extra block. */
    CHECK_INT(t->nkids, 8);
    const node *s = &t->kids[3];
    CHECK(s->kind == N_SECTION && s->nkids == 5);
    if (s->nkids != 5)
        return;
    const node *tt = &s->kids[3];
    CHECK(tt->kind == N_SECTION && tt->nkids == 2);
    if (tt->nkids != 2)
        return;
    const node *g = &tt->kids[1];
    CHECK(g->kind == N_VAR && g->first == 1 && g->rest != NULL);
    if (g->rest) {
        CHECK_INT(g->rest[0], mg_hash_mem_seed(0, "e", 1));
        CHECK_INT(g->rest[5], 1);
    }
    const node *vw = &t->kids[t->nkids - 2];
    CHECK(vw->kind == N_VAR && vw->rest == NULL && vw->rest_in[1] == 1 && vw->rest_in[3] == 1);
    CHECK(t->kids[t->nkids - 3].kind == N_PARTIAL && t->kids[t->nkids - 3].memo == NULL);
    CHECK(!t->has_parent && !t->own_src);
    mg_tpl_free(t);
}

/* Only the blocks directly inside a parent tag are kept (the spec ignores
 * the rest); nothing of the rest is built. */
static void parse_should_keep_only_the_blocks_directly_inside_a_parent(void)
{
    mg_tpl *t = parse("{{<p}}text {{x}}\n{{#s}}{{$in_s}}z{{/in_s}}{{/s}}{{$b}}B{{y}}{{/b}}{{>q}}{{/p}}");
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_INT(t->nkids, 1);
    const node *p = &t->kids[0];
    CHECK(p->kind == N_PARENT && p->nkids == 1);
    CHECK(p->nkids == 1 && p->kids[0].kind == N_BLOCK && p->kids[0].len == 1 && p->kids[0].str[0] == 'b');
    CHECK(p->nkids == 1 && p->kids[0].nkids == 2);
    CHECK(t->has_parent && !mg_tpl_names_complete(t));
    mg_tpl_free(t);
}

/* The static partial and parent tags of kids[0..n) as a walk of the tree
 * meets them (what link_nodes and check_blocks visit), with their levels. */
static void walk_calls(const node *kids, size_t n, int level, struct tpl_call *out, size_t *k,
                       int *maxlvl)
{
    if (n > 0 && level > *maxlvl)
        *maxlvl = level;
    for (size_t i = 0; i < n; i++) {
        const node *c = &kids[i];
        if ((c->kind == N_PARTIAL || c->kind == N_PARENT) && !c->dynamic) {
            if (*k < 16)
                out[*k] = (struct tpl_call){c, level};
            ++*k;
        }
        walk_calls(c->kids, c->nkids, level + 1, out, k, maxlvl);
    }
}

/* link_tpl and check_tpl read a template's static partial and parent tags
 * from mg_tpl.calls, made while the tree is built: the tags a walk of the
 * tree meets, in its order (the first error reported stays the same), with
 * the level of each, and the deepest level (the walk's depth bound). */
static void parse_should_list_static_partial_tags_in_tree_order(void)
{
    static const char *const srcs[] = {
        "{{>a}}{{#s}}x{{>b}}\n{{^t}}\n  {{>c}}\n{{/t}}{{/s}}{{>*dyn}}"
        "{{<p}}{{$blk}}{{#u}}{{>d}}{{/u}}{{/blk}}{{/p}}{{>e}}",
        "{{<p}}text {{>skipped}}{{$b}}{{<q}}{{$c}}{{>f}}{{/c}}{{/q}}{{/b}}{{/p}}",
        "no partials {{x}}",
        "",
        "{{#a}}{{#b}}{{#c}}deep{{/c}}{{/b}}{{/a}}",
        "{{#a}}{{#b}}{{/b}}{{/a}}",
    };
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
        mg_tpl *t = parse(srcs[i]);
        CHECK(t != NULL);
        if (!t)
            continue;
        struct tpl_call want[16];
        size_t n = 0;
        int maxlvl = -1;
        walk_calls(t->kids, t->nkids, 0, want, &n, &maxlvl);
        CHECK_INT(t->ncalls, n);
        CHECK_INT(t->maxlvl, maxlvl);
        for (size_t k = 0; k < n && k < t->ncalls && k < 16; k++) {
            CHECK(t->calls[k].k == want[k].k);
            CHECK_INT(t->calls[k].level, want[k].level);
        }
        CHECK((t->calls == NULL) == (t->ncalls == 0));
        mg_tpl_free(t);
    }
    /* The first, by name and level: the dynamic partial is not listed. */
    mg_tpl *t = parse(srcs[0]);
    CHECK(t != NULL && t->ncalls == 6);
    if (t && t->ncalls == 6) {
        static const char names[] = "abcpde";
        static const int levels[] = {0, 1, 2, 0, 3, 0};
        for (size_t k = 0; k < 6; k++) {
            CHECK(t->calls[k].k->len == 1 && t->calls[k].k->str[0] == names[k]);
            CHECK_INT(t->calls[k].level, levels[k]);
        }
        CHECK_INT(t->maxlvl, 3);
    }
    mg_tpl_free(t);
}

/* An inverted section right after a section of the same name, in the same
 * list, reuses the value the section found (render_node): only those. */
static void parse_should_mark_inverted_sections_after_their_section(void)
{
    mg_tpl *t = parse("{{#a}}x{{/a}}{{^a}}y{{/a}}{{^a}}z{{/a}}{{#b}}{{/b}}{{^c}}{{/c}}"
                      "{{#a.b}}{{/a.b}}{{^a.b}}{{#ab}}{{/ab}}{{^a}}{{/a}}{{/a.b}}{{#d}}{{/d}} {{^d}}{{/d}}");
    CHECK(t != NULL);
    if (!t)
        return;
    static const unsigned char want[] = {0, 1, 0, 0, 0, 0, 1, 0, 0, 0};
    CHECK_INT(t->nkids, 10);
    for (size_t i = 0; i < t->nkids && i < 10; i++)
        CHECK_INT(t->kids[i].after_same, want[i]);
    const node *in = t->nkids > 6 ? &t->kids[6] : NULL;
    CHECK(in && in->nkids == 2 && in->kids[0].after_same == 0 && in->kids[1].after_same == 0);
    mg_tpl_free(t);
}

/* Diagnostics name the line and column of the tag, found from the line
 * starts (a cursor that gallops ahead over long texts). */
static void parse_should_report_positions_far_into_a_template(void)
{
    mg_buf src;
    mg_buf_init(&src);
    for (int i = 1; i < 4000; i++)
        mg_buf_appendf(&src, "line %d {{v}}\n", i);
    mg_buf_append_str(&src, "  {{#open}}\n");
    for (int i = 4001; i < 9000; i++)
        mg_buf_append_str(&src, "text only\n");
    mg_buf_append_str(&src, "end {{/open}}");
    mg_tpl *t = parse(mg_buf_cstr(&src));
    CHECK(t != NULL);
    if (t) { /* the first tag after the last, which the phases before saw */
        CHECK(t->kids[1].kind == N_VAR && t->kids[1].line == 1 && t->kids[1].col == 8);
        const node *open = &t->kids[t->nkids - 1];
        CHECK(open->kind == N_SECTION && open->line == 4000 && open->col == 3);
        /* "line 1 ", then {{v}} and "\nline i+1 " by turns */
        const node *v = &t->kids[2 * 3999 - 1];
        CHECK(v->kind == N_VAR && v->line == 3999 && v->col == 11);
    }
    mg_tpl_free(t);
    src.len -= strlen("end {{/open}}");
    mg_buf_append_str(&src, "end {{/shut}}");
    t = parse(mg_buf_cstr(&src));
    CHECK(t == NULL);
    CHECK(strstr(mg_buf_cstr(&errs), "t:9000:5: error: '{{/shut}}' does not match the open section 'open' (opened at 4000:3") != NULL);
    mg_buf_fini(&src);
}

/* mg_tpl_parse_take compiles the caller's buffer in place, the same as
 * mg_tpl_parse, and frees it with the template, or at once on an error. */
static void parse_take_should_compile_as_parse_does(void)
{
    static const char *const srcs[] = {"", "plain", "a\n  {{#l}}\n  - {{.}}\n  {{/l}}\nb{{x.y}}\n",
                                       "{{=<% %>=}}<% z %>"};
    cJSON *data = cJSON_Parse("{\"l\": [1, \"two\"], \"x\": {\"y\": \"<&>\"}, \"z\": 3}");
    for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
        mg_diag d;
        mg_diag_init_sink(&d, capture, NULL);
        mg_tpl *a = mg_tpl_parse("a", srcs[i], strlen(srcs[i]), &d);
        mg_buf b;
        mg_buf_init(&b);
        mg_buf_append_str(&b, srcs[i]);
        size_t len;
        char *text = mg_buf_steal(&b, &len);
        mg_tpl *t = mg_tpl_parse_take("b", text, len, &d);
        CHECK(a != NULL && t != NULL);
        CHECK(t == NULL || (t->src == text && t->own_src));
        mg_buf oa, ob;
        mg_buf_init(&oa);
        mg_buf_init(&ob);
        CHECK_INT(mg_tpl_render(a, data, NULL, MG_ESCAPE_HTML, &oa, &d), 0);
        CHECK_INT(mg_tpl_render(t, data, NULL, MG_ESCAPE_HTML, &ob, &d), 0);
        CHECK_STR(mg_buf_cstr(&ob), mg_buf_cstr(&oa));
        CHECK_STR(mg_tpl_name(t), "b");
        mg_buf_fini(&oa);
        mg_buf_fini(&ob);
        mg_tpl_free(a);
        mg_tpl_free(t);
    }
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, "x\n{{#open}}");
    size_t len;
    char *text = mg_buf_steal(&b, &len);
    mg_diag d;
    mg_diag_init_sink(&d, capture, NULL);
    mg_buf_reset(&errs);
    CHECK(mg_tpl_parse_take("bad.mustache", text, len, &d) == NULL); /* text is freed */
    CHECK(strstr(mg_buf_cstr(&errs), "bad.mustache:2:10: error: end of template inside section 'open' opened at 2:1") != NULL);
    cJSON_Delete(data);
}

/* mg_tpl_check reports what mg_tpl_parse reports, line for line. */
static void check_should_report_what_parse_reports(void)
{
    static const char *const srcs[] = {"", "{{a}} {{#b}}x{{/b}}", "{{#a}}", "{{/b}}", "{{bad name}}",
                                       "{{=<% =}}", "x\n  {{unclosed", "{{#a}}\n{{/b}}", "{{a..b}}",
                                       "{{>}}", "{{<p}}{{$b}}{{/p}}", "{{=| |=}}|#a||/a|{{x"};
    for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
        mg_diag d;
        mg_diag_init_sink(&d, capture, NULL);
        mg_buf_reset(&errs);
        mg_tpl *t = mg_tpl_parse("s.mustache", srcs[i], strlen(srcs[i]), &d);
        char *want = mg_xstrdup(mg_buf_cstr(&errs));
        mg_buf_reset(&errs);
        mg_diag_init_sink(&d, capture, NULL);
        CHECK_INT(mg_tpl_check("s.mustache", srcs[i], strlen(srcs[i]), &d), t ? 0 : -1);
        CHECK_STR(mg_buf_cstr(&errs), want);
        CHECK(t != NULL || *want);
        free(want);
        mg_tpl_free(t);
    }
}

/* Text becomes a node per run of lines contiguous in the source, found
 * from the line table: `bol` where its first line starts with something,
 * `lines` where a later line does ("\n" and "\r\n" are empty), a new node
 * after what a standalone tag or a block's margin took away. */
static void parse_should_make_a_text_node_per_run_of_lines(void)
{
    mg_tpl *t = parse("a\n  b\r\nc{{x}}d\n\n\r\n  {{#s}}\n  e\n  {{/s}}\nf\n  g");
    CHECK(t != NULL);
    if (!t)
        return;
    static const struct {
        node_kind kind;
        const char *str;
        unsigned char bol, lines;
    } want[] = {{N_TEXT, "a\n  b\r\nc", 1, 1}, {N_VAR, "x", 0, 0}, {N_TEXT, "d\n\n\r\n", 0, 0},
                {N_SECTION, "s", 0, 0},          {N_TEXT, "f\n  g", 1, 1}};
    CHECK_INT(t->nkids, 5);
    for (size_t i = 0; i < t->nkids && i < 5; i++) {
        const node *k = &t->kids[i];
        CHECK_INT(k->kind, want[i].kind);
        CHECK_INT(k->len, strlen(want[i].str));
        CHECK(k->len == strlen(want[i].str) && memcmp(k->str, want[i].str, k->len) == 0);
        CHECK_INT(k->bol, want[i].bol);
        CHECK_INT(k->lines, want[i].lines);
    }
    const node *s = t->nkids > 3 ? &t->kids[3] : NULL;
    CHECK(s && s->nkids == 1 && s->kids[0].kind == N_TEXT && s->kids[0].len == 4 &&
          memcmp(s->kids[0].str, "  e\n", 4) == 0 && s->kids[0].bol == 1 && s->kids[0].lines == 0);
    mg_tpl_free(t);
    /* A block's body loses its margin on each line: a node per line. */
    t = parse("{{<p}}\n  {{$b}}\n    x\n    y\n  {{/b}}\n{{/p}}");
    CHECK(t != NULL);
    const node *b = t && t->nkids == 1 && t->kids[0].nkids == 1 ? &t->kids[0].kids[0] : NULL;
    CHECK(b && b->kind == N_BLOCK && b->nkids == 2);
    if (b && b->nkids == 2) {
        CHECK(b->kids[0].len == 2 && memcmp(b->kids[0].str, "x\n", 2) == 0 && b->kids[0].bol);
        CHECK(b->kids[1].len == 2 && memcmp(b->kids[1].str, "y\n", 2) == 0 && b->kids[1].bol);
    }
    mg_tpl_free(t);
}

/* The line table (64 bytes at a time where it can) gives what a test per
 * byte gives, newlines at the edges of the 64-byte pieces included. */
static void line_table_should_find_every_line_start(void)
{
    char src[300];
    for (size_t len = 0; len <= sizeof src; len++) {
        for (int pattern = 0; pattern < 4; pattern++) {
            for (size_t i = 0; i < len; i++) {
                int nl = pattern == 0   ? 0
                         : pattern == 1 ? 1
                         : pattern == 2 ? (i % 64 == 63 || i % 64 == 0 || i + 1 == len)
                                        : (i * 7 % 13 == 0);
                src[i] = nl ? '\n' : 'x';
            }
            size_t n = 0;
            size_t *lines = line_table(src, len, &n);
            size_t k = 0;
            int ok = n >= 1 && lines[k++] == 0;
            for (size_t i = 0; ok && i < len; i++)
                if (src[i] == '\n')
                    ok = k < n && lines[k++] == i + 1;
            ok = ok && k == n;
            if (!ok)
                fprintf(stderr, "line_table: len %zu, pattern %d\n", len, pattern);
            CHECK(ok);
            free(lines);
        }
    }
}

/* Each tag's memo entries start empty (the block holding them is not
 * zeroed as a whole: each tag's are), whatever the allocator hands out. */
static void parse_should_start_every_memo_empty(void)
{
    const char *src = "{{a}}{{b.c}}{{#d}}{{e.f.g.h}}{{/d}}{{^i}}{{/i}}{{>*j}}{{k.l.m}}";
    for (int round = 0; round < 4; round++) {
        /* Dirty memory for malloc to hand out again. */
        size_t sz = (size_t)64 << round;
        unsigned char *dirt = malloc(sz * sizeof(node_memo));
        CHECK(dirt != NULL);
        if (!dirt)
            return;
        memset(dirt, 0xa5, sz * sizeof(node_memo));
        free(dirt);
        mg_tpl *t = parse(src);
        CHECK(t != NULL);
        if (!t)
            return;
        size_t tags = 0;
        for (size_t i = 0; i < t->nkids; i++) {
            const node *ks[2] = {&t->kids[i], t->kids[i].nkids ? t->kids[i].kids : NULL};
            for (int j = 0; j < 2; j++) {
                const node *k = ks[j];
                if (!k || !k->memo)
                    continue;
                tags++;
                size_t n = NODE_MEMO + later_parts(k);
                for (size_t m = 0; m < n; m++)
                    CHECK(k->memo[m].sh == 0 && k->memo[m].key == NULL && k->memo[m].kserial == 0 &&
                          k->memo[m].pos == 0 && k->memo[m].missed == 0);
            }
        }
        CHECK_INT(tags, 7);
        mg_tpl_free(t);
    }
}

/* mg_tpl_names_complete: false exactly when a parent tag was read. */
static void parse_should_know_whether_it_has_a_parent_tag(void)
{
    static const struct {
        const char *src;
        int complete;
    } cases[] = {{"", 1}, {"{{a}}{{>p}}{{$b}}x{{/b}}", 1}, {"{{<p}}{{/p}}", 0},
                 {"x {{#s}}{{<*q}}{{$b}}{{/b}}{{/*q}}{{/s}}", 0}, {"{{=<% %>=}}<%<p%><%/p%>", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mg_tpl *t = parse(cases[i].src);
        CHECK(t != NULL);
        if (t)
            CHECK_INT(mg_tpl_names_complete(t), cases[i].complete);
        mg_tpl_free(t);
    }
}

int main(void)
{
    mg_buf_init(&errs);
    RUN(parse_should_put_a_templates_nodes_in_one_block_and_memos_in_another);
    RUN(parse_should_keep_only_the_blocks_directly_inside_a_parent);
    RUN(parse_should_report_positions_far_into_a_template);
    RUN(parse_should_list_static_partial_tags_in_tree_order);
    RUN(parse_should_mark_inverted_sections_after_their_section);
    RUN(parse_take_should_compile_as_parse_does);
    RUN(check_should_report_what_parse_reports);
    RUN(parse_should_make_a_text_node_per_run_of_lines);
    RUN(line_table_should_find_every_line_start);
    RUN(parse_should_start_every_memo_empty);
    RUN(parse_should_know_whether_it_has_a_parent_tag);
    mg_buf_fini(&errs);
    return unit_done();
}
