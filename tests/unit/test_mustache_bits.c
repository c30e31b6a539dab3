/* test_mustache_bits.c - the cJSON source reads constant members from the
 * host's bits (mg_tpl_cjson_source_bits) instead of calling the miss hook,
 * and answers what the hook answers.
 *
 * The hook here answers every name a, b, c, d of every item: from the bits
 * where they hold it (tpl_bits.h reads them as mustache.h says), else
 * "H". Each answer prints differently (false, true, "" for null, [] and
 * H), so output shows which set, bit and value the engine read, and where
 * it must not read: a number first member (its valueint is the number's),
 * a set or node number past the count (the arrays have one entry more
 * there, which says otherwise). The hook's call count shows that the
 * engine answered the held members itself. */
#include <string.h>

#include "../../generator/mustache.h"
#include "tpl_bits.h"
#include "unit.h"

#define NUM_FLAG (1 << 30)
#define NODE_FLAG (1 << 13)

/* A host's node: two sets first, then something of its own. */
typedef struct tnode {
    mg_tpl_bits cd[2];
    long other;
} tnode;

static mg_tpl_bits sets[4];
static tnode nodes[4];
static cJSON val_nodes[4];
static mg_tpl_cjson_bits bits;
static int hook_calls;

/* The names' numbers: a and b of the first 64, c of the second, d the
 * last of the first. */
static int number_of(const char *k, size_t n)
{
    if (n != 1)
        return -1;
    return k[0] == 'a' ? 0 : k[0] == 'b' ? 5 : k[0] == 'c' ? 64 + 3 : k[0] == 'd' ? 63 : -1;
}

static const cJSON *hook(void *user, const cJSON *obj, const char *k, size_t n, uint32_t hash, uint16_t *memo)
{
    (void)user;
    (void)hash;
    static char text[] = "H";
    static cJSON h = {.type = cJSON_String, .valuestring = text};
    hook_calls++;
    int id = number_of(k, n);
    if (id < 0)
        return NULL;
    if (memo)
        *memo = (uint16_t)(id + 2);
    const cJSON *c = tpl_bits_read(&bits, obj->child, (unsigned)id);
    return c ? c : &h;
}

static void set_bit(mg_tpl_bits *s, int bit, int type)
{
    uint64_t m = (uint64_t)1 << bit;
    s->present |= m;
    if (type == cJSON_True || type == cJSON_Array)
        s->truth |= m;
    if (type == cJSON_NULL || type == cJSON_Array)
        s->nul |= m;
}

static void make_bits(void)
{
    val_nodes[0].type = cJSON_False;
    val_nodes[1].type = cJSON_True;
    val_nodes[2].type = cJSON_NULL;
    val_nodes[3].type = cJSON_Array;
    set_bit(&sets[1], 0, cJSON_False);
    set_bit(&sets[1], 5, cJSON_True);
    set_bit(&sets[1], 63, cJSON_NULL);
    set_bit(&sets[2], 0, cJSON_Array);
    set_bit(&sets[2], 63, cJSON_False);
    set_bit(&nodes[1].cd[0], 0, cJSON_True);
    set_bit(&nodes[1].cd[1], 3, cJSON_NULL);
    set_bit(&nodes[2].cd[0], 5, cJSON_False);
    set_bit(&nodes[2].cd[0], 3, cJSON_True); /* c is bit 3 of the second set, not this */
    set_bit(&nodes[2].cd[1], 3, cJSON_Array);
    /* Past the counts: a reader that went there would print true. */
    for (int b = 0; b < 64; b++) {
        set_bit(&sets[3], b, cJSON_True);
        set_bit(&nodes[3].cd[0], b, cJSON_True);
        set_bit(&nodes[3].cd[1], b, cJSON_True);
    }
    bits = (mg_tpl_cjson_bits){.num_flag = NUM_FLAG, .sets = sets, .count = 3, .node_flag = NODE_FLAG,
                               .nodes = nodes, .node_count = 3, .node_size = sizeof *nodes};
    for (int i = 0; i < 4; i++)
        bits.vals[i] = &val_nodes[i];
}

/* An item whose first member `id` (a string, or the number 1) has `flags`,
 * set number `num` and node number `node`. */
static void add_item(cJSON *items, int number, int flags, int num, int node)
{
    cJSON *it = cJSON_CreateObject();
    cJSON *id = number ? cJSON_CreateNumber(1) : cJSON_CreateString("x");
    id->type |= flags;
    if (flags & NUM_FLAG)
        id->valuedouble = num;
    if (flags & NODE_FLAG)
        id->valueint = node;
    cJSON_AddItemToObject(it, "id", id);
    cJSON_AddItemToArray(items, it);
}

static const char *const want =
    "[false|true|H|]"   /* set 1 */
    "[[]|H|H|false]"    /* set 2: b and c not in it */
    "[true|H||H]"       /* node 1: a in its first set, c in its second */
    "[H|false|[]|H]"    /* set 0 (empty), then node 2 */
    "[H|H|H|H]"         /* a number's valueint (1) is no node */
    "[H|H|H|H]"         /* set 3: past the count */
    "[H|H|H|H]";        /* node 3: past the count */

/* Renders the items with the hook, and the bits unless `without`. */
static void render(int without, int again_calls, int calls)
{
    cJSON *data = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(data, "items");
    add_item(items, 0, NUM_FLAG, 1, 0);
    add_item(items, 0, NUM_FLAG, 2, 0);
    add_item(items, 0, NODE_FLAG, 0, 1);
    add_item(items, 0, NUM_FLAG | NODE_FLAG, 0, 2);
    add_item(items, 1, NODE_FLAG, 0, 1);
    add_item(items, 0, NUM_FLAG, 3, 0);
    add_item(items, 0, NODE_FLAG, 0, 3);
    mg_diag d;
    mg_diag_init(&d);
    const char *src = "{{#items}}[{{a}}|{{b}}|{{c}}|{{d}}]{{/items}}";
    mg_tpl *t = mg_tpl_parse("t.mustache", src, strlen(src), &d);
    mg_tpl_cjson c;
    mg_tpl_cjson_source_init(&c);
    mg_tpl_cjson_source_miss(&c, hook, NULL);
    mg_tpl_cjson_source_bits(&c, without ? NULL : &bits);
    mg_buf out;
    mg_buf_init(&out);
    /* Twice: the second render starts with every tag's memo word set. */
    for (int again = 0; again < 2; again++) {
        hook_calls = 0;
        mg_buf_reset(&out);
        CHECK(t && mg_tpl_render_data(t, &c.src, data, NULL, MG_ESCAPE_NONE, 1, &out, &d) == 0);
        CHECK_STR(mg_buf_cstr(&out), want);
        CHECK_INT(hook_calls, again ? again_calls : calls);
    }
    mg_buf_fini(&out);
    mg_tpl_cjson_source_fini(&c);
    mg_tpl_free(t);
    cJSON_Delete(data);
}

static void source_should_answer_held_members_from_the_bits(void)
{
    /* 28 lookups, 9 of them held. The first render asks the hook for a
     * tag's first lookup (item 0's a, b and d are held). */
    render(0, 28 - 9, 28 - 9 + 3);
}

static void source_without_bits_should_ask_the_hook(void)
{
    render(1, 28, 28);
}

int main(void)
{
    make_bits();
    RUN(source_should_answer_held_members_from_the_bits);
    RUN(source_without_bits_should_ask_the_hook);
    return unit_done();
}
