/* test_mustache_search.c - a frame's first lookup in an object (member_in,
 * mustache.c): the search in order tells a small object from a big one on
 * the way (no count of the members first), and must find what a search of
 * every member finds (the first member with the name), and leave the
 * frame's word as the count would have: unknown (0) when the name came
 * before it could tell, SMALL for fewer than INDEX_MIN_MEMBERS members, the
 * object's index entry for more. Every size around the bound, every
 * position of the name, a repeated key, and a name the object lacks. */
#include "../../generator/mustache.c"
#include "unit.h"

static const char *const keys[] = {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8",
                                   "a9", "a10", "a11", "a12", "a13", "a14", "a15"};
#define NKEYS (sizeof keys / sizeof keys[0])

/* An object of `size` members a0.. (values 0..), whose last member, when
 * `dup`, repeats the key of member 1 (a later one with that name). */
static cJSON *object_new(size_t size, int dup)
{
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; i < size; i++)
        cJSON_AddItemToObjectCS(obj, dup && size > 2 && i == size - 1 ? keys[1] : keys[i],
                                cJSON_CreateNumber((double)i));
    return obj;
}

/* The first member named `name`, by a walk of them all. */
static const cJSON *first_named(const cJSON *obj, const char *name)
{
    for (const cJSON *it = obj->child; it; it = it->next)
        if (strcmp(it->string, name) == 0)
            return it;
    return NULL;
}

static size_t position(const cJSON *obj, const cJSON *m)
{
    size_t i = 0;
    for (const cJSON *it = obj->child; it != m; it = it->next)
        i++;
    return i;
}

/* Looks `name` up in a new frame of obj, then every key and a missing name
 * through the same frame word, with and without a tag's memo. */
static void check_lookup(struct mg_tpl_cjson_state *st, const cJSON *obj, const char *name, int memo)
{
    size_t ent = 0, n = strlen(name);
    node_memo nm[NODE_MEMO];
    memset(nm, 0, sizeof nm);
    const cJSON *want = first_named(obj, name);
    const cJSON *got = memo ? member_in(st, obj, &ent, name, n, mg_hash_mem_seed(0, name, n), nm, NODE_MEMO - 1)
                            : member(st, obj, &ent, name, n, mg_hash_mem_seed(0, name, n));
    CHECK(got == want);
    if (want && position(obj, want) < INDEX_MIN_MEMBERS - 1)
        CHECK(ent == 0); /* found before the search could tell the size */
    else if (is_small(obj))
        CHECK(ent == SMALL);
    else
        CHECK(ent != 0 && ent != SMALL && ent <= mg_hmap_len(&st->index) &&
              ((obj_index *)mg_hmap_at(&st->index, ent - 1))->list == obj->child);
    /* the word as left serves every later lookup of the frame */
    for (size_t i = 0; i <= NKEYS; i++) {
        const char *k = i < NKEYS ? keys[i] : "zz";
        size_t kn = strlen(k);
        memset(nm, 0, sizeof nm);
        const cJSON *m = memo ? member_in(st, obj, &ent, k, kn, mg_hash_mem_seed(0, k, kn), nm, NODE_MEMO - 1)
                              : member(st, obj, &ent, k, kn, mg_hash_mem_seed(0, k, kn));
        CHECK(m == first_named(obj, k));
    }
}

static void first_lookup_should_tell_small_from_big_and_find_the_first_member(void)
{
    for (int memo = 0; memo < 2; memo++)
        for (int dup = 0; dup < 2; dup++)
            for (size_t size = 1; size <= NKEYS; size++) {
                cJSON *obj = object_new(size, dup);
                mg_tpl_cjson cj;
                mg_tpl_cjson_source_init(&cj);
                for (size_t i = 0; i < NKEYS; i++)
                    check_lookup(cj.st, obj, keys[i], memo);
                check_lookup(cj.st, obj, "zz", memo);
                mg_tpl_cjson_source_fini(&cj);
                cJSON_Delete(obj);
            }
}

/* The same through templates: a list of items of every size, each name
 * looked up first in an item's frame, and names of the root behind them. */
static void capture(void *user, const char *line)
{
    mg_buf_append_str(user, line);
}

static void render_should_find_names_at_every_position(void)
{
    cJSON *root = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(root, "items");
    cJSON_AddStringToObject(root, "zz", "Z");
    mg_buf want, src, out, errs;
    mg_buf_init(&want);
    mg_buf_init(&src);
    mg_buf_init(&out);
    mg_buf_init(&errs);
    for (size_t size = 1; size <= NKEYS; size++)
        cJSON_AddItemToArray(items, object_new(size, 1));
    /* each name first in its own section: a new frame per item and name */
    for (size_t i = NKEYS; i-- > 0;) {
        mg_buf_appendf(&src, "{{#items}}{{^%s}}-{{/%s}}{{#%s}}{{.}}{{/%s}}{{zz}},{{/items}}|", keys[i], keys[i],
                       keys[i], keys[i]);
        for (size_t size = 1; size <= NKEYS; size++) {
            cJSON *obj = cJSON_GetArrayItem(items, (int)size - 1);
            const cJSON *m = first_named(obj, keys[i]);
            if (m)
                mg_buf_appendf(&want, "%d", (int)m->valuedouble);
            else
                mg_buf_append_str(&want, "-");
            mg_buf_append_str(&want, "Z,");
        }
        mg_buf_append_str(&want, "|");
    }
    mg_diag d;
    mg_diag_init_sink(&d, capture, &errs);
    mg_tpl *t = mg_tpl_parse("t.mustache", src.data, src.len, &d);
    mg_tpl_cjson cj;
    mg_tpl_cjson_source_init(&cj);
    for (int pass = 0; pass < 6; pass++) { /* past the source's first renders (epoch > 4) */
        mg_buf_reset(&out);
        CHECK(t && mg_tpl_render_data(t, &cj.src, root, NULL, MG_ESCAPE_NONE, 0, &out, &d) == 0);
        CHECK_STR(mg_buf_cstr(&out), mg_buf_cstr(&want));
    }
    CHECK_STR(mg_buf_cstr(&errs), "");
    mg_tpl_cjson_source_fini(&cj);
    mg_tpl_free(t);
    mg_buf_fini(&want);
    mg_buf_fini(&src);
    mg_buf_fini(&out);
    mg_buf_fini(&errs);
    cJSON_Delete(root);
}

int main(void)
{
    RUN(first_lookup_should_tell_small_from_big_and_find_the_first_member);
    RUN(render_should_find_names_at_every_position);
    return unit_done();
}
