/* load.c - YAML and JSON files into cJSON trees with a position side table.
 *
 * How input is told apart: a file whose name ends in ".json" is JSON and is
 * parsed strictly (RFC 8259: no trailing commas, no comments, no single
 * quotes). Any other file is JSON when its first non-blank byte is '{' or '['
 * and it parses as strict JSON, and YAML otherwise (so `{a: 1}` in a .yaml file
 * is a YAML flow mapping, as YAML intends).
 *
 * Why JSON has its own small parser instead of going through libyaml: libyaml
 * rejects valid JSON in a few places (UTF-16 surrogate pairs such as
 * "\ud83d\ude00", keys longer than 1024 characters, a ':' on the line after its
 * key), and cJSON keeps no positions and accepts duplicate keys. A strict
 * recursive-descent parser of ~300 lines gives exact marks and exact errors.
 *
 * Both parsers build the tree iteratively or with recursion bounded by
 * MG_MAX_NESTING, record every node in the position table (a hash table keyed
 * by node pointer), and detect duplicate keys through a second hash table keyed
 * by (object, key), so loading stays linear in the size of the input.
 *
 * Columns count characters (code points), as libyaml does, 1-based.
 *
 * YAML goes first through yscan.c, which gives libyaml's events for the
 * subset catalogues are written in at a fraction of its cost, and through
 * libyaml when yscan gives up; one switch (yaml_event) builds the tree from
 * either.
 */
#include "load.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "buf.h"
#include "config.h"
#include "hmap.h"
#include "text.h"
#include "util.h"
#include "yscan.h"

/* -------------------------------------------------------------- member table */

/* Object members past the first KEYTAB_SCAN of their object, keyed by
 * (object, key text): finds duplicate keys while loading, and members in O(1)
 * afterwards (cJSON's own lookup is a linear scan, which made resolving N refs
 * into an N-member object quadratic). The first KEYTAB_SCAN members of every
 * object are found by scanning them (member_find), which costs no more than
 * hashing the key: most objects of a schema are that small, and indexing them
 * took a fifth of a loaded document's memory. The key text is the member's
 * own name (cJSON's child->string), which lives as long as the tree. Both
 * tables here are mg_hmaps, whose dense entries and 32-bit probe indexes keep
 * a 50 MB catalogue's tables small. A member's key position is in the
 * position table (pos_ent.kline). */
#define KEYTAB_SCAN 8

typedef struct key_ent {
    const cJSON *obj;
    const cJSON *child;
} key_ent;

typedef struct member_key {
    const cJSON *obj;
    const char *key;
} member_key;

/* The hash of a member name: of every byte, eight at a time (mg_hash_words),
 * from its length, which the YAML scanner gives with the name, so that a key
 * is neither measured nor hashed byte by byte. The member table combines it
 * with the object's (hash_member), so a name hashed once for interning
 * (intern_name_len) serves the table too. */
static uint32_t hash_name(const char *key, size_t len)
{
    return mg_hash_words(0, key, len);
}

/* The member table's hash of (object, name whose hash_name is `nh`). */
static uint32_t hash_member(const cJSON *obj, uint32_t nh)
{
    return mg_hash_ptr(obj) ^ nh;
}

static uint32_t hash_key(const cJSON *obj, const char *key)
{
    return hash_member(obj, hash_name(key, strlen(key)));
}

static int key_eq(const void *ent, const void *key)
{
    const key_ent *e = ent;
    const member_key *k = key;
    return e->obj == k->obj && strcmp(e->child->string, k->key) == 0;
}

/* ---------------------------------------------------------------- member names */

/* Every member name a loader made points at one copy of its text, kept for
 * the rest of the process and marked cJSON_StringIsConst, so that cJSON
 * neither frees it nor copies it in cJSON_Duplicate: a catalogue names
 * 160 000 members with 9 000 distinct keys per 1 000 messages, and a block
 * per member was an eighth of a loaded document. The table is never freed:
 * duplicates of loaded nodes (views, mg_load_data_file's tree) may outlive
 * their docset, and what is left is only the distinct names. */
typedef struct name_ent {
    char *name; /* NUL-terminated, never freed */
    size_t len;
} name_ent;

static mg_hmap member_names; /* name_ent, hashed by hash_name */

typedef struct name_key {
    const char *s;
    size_t len;
} name_key;

static int name_eq(const void *ent, const void *key)
{
    const name_ent *e = ent;
    const name_key *k = key;
    return e->len == k->len && memcmp(e->name, k->s, k->len) == 0;
}

/* The interned copy of the `len` bytes at `key` (no NUL among them), whose
 * hash_name is `nh`: the loaders know both, so the name is read once more
 * (the comparison with an equal name, or the copy of a new one). */
static char *intern_name_len(const char *key, size_t len, uint32_t nh)
{
    if (!member_names.esize)
        mg_hmap_init(&member_names, sizeof(name_ent));
    name_key k = {key, len};
    name_ent *e = mg_hmap_find(&member_names, nh, name_eq, &k);
    if (!e) {
        char *copy = mg_xmalloc(len + 1);
        memcpy(copy, key, len);
        copy[len] = '\0';
        e = mg_hmap_add(&member_names, nh);
        e->name = copy;
        e->len = len;
    }
    return e->name;
}

static char *intern_name(const char *key)
{
    size_t len = strlen(key);
    return intern_name_len(key, len, hash_name(key, len));
}

/* Makes `item` the member `name` of `obj` (last); `name` is interned
 * (intern_name, or a loaded member's own name). */
static void add_member_interned(cJSON *obj, char *name, cJSON *item)
{
    if (item->string && !(item->type & cJSON_StringIsConst))
        cJSON_free(item->string); /* an alias's copy of a member (cJSON_Duplicate) */
    item->string = name;
    item->type |= cJSON_StringIsConst;
    cJSON_AddItemToArray(obj, item);
}

/* Makes `item` the member `key` of `obj` (last), its name interned. */
static void add_member(cJSON *obj, const char *key, cJSON *item)
{
    add_member_interned(obj, intern_name(key), item);
}

/* keytab_find for a key whose hash_key is `hash`. */
static const key_ent *keytab_find_hashed(const mg_hmap *t, const cJSON *obj, const char *key, uint32_t hash)
{
    member_key k = {obj, key};
    return mg_hmap_find(t, hash, key_eq, &k);
}

static const key_ent *keytab_find(const mg_hmap *t, const cJSON *obj, const char *key)
{
    return keytab_find_hashed(t, obj, key, hash_key(obj, key));
}

/* Adds a member that keytab_find has just reported absent, its name's
 * hash_name being `nh`. */
static void keytab_add(mg_hmap *t, const cJSON *obj, const cJSON *child, uint32_t nh)
{
    key_ent *e = mg_hmap_add(t, hash_member(obj, nh));
    e->obj = obj;
    e->child = child;
}

/* Records member number `index` of `obj` (just added) in the table when it is
 * past the scanned ones. */
static void keytab_note(mg_hmap *t, const cJSON *obj, const cJSON *child, int index)
{
    if (index >= KEYTAB_SCAN)
        keytab_add(t, obj, child, hash_name(child->string, strlen(child->string)));
}

/* keytab_note for a name whose hash_name is `nh`. */
static void keytab_note_hashed(mg_hmap *t, const cJSON *obj, const cJSON *child, int index, uint32_t nh)
{
    if (index >= KEYTAB_SCAN)
        keytab_add(t, obj, child, nh);
}

/* The member `key` of `obj` (an object): the first KEYTAB_SCAN members by a
 * scan, the rest through the table; with `all`, a member the table lacks (one
 * added after loading) by scanning the rest. While loading, every member is
 * in the table or among the first: no `all`, so that a new key costs no scan. */
static const cJSON *member_find(const mg_hmap *t, const cJSON *obj, const char *key, int all)
{
    const cJSON *c = obj->child;
    for (int i = 0; c && i < KEYTAB_SCAN; c = c->next, i++)
        if (c->string && c->string[0] == key[0] && strcmp(c->string, key) == 0)
            return c;
    if (!c)
        return NULL;
    const key_ent *e = keytab_find(t, obj, key);
    if (e || !all)
        return e ? e->child : NULL;
    for (; c; c = c->next)
        if (c->string && c->string[0] == key[0] && strcmp(c->string, key) == 0)
            return c;
    return NULL;
}

/* member_find while the loader builds `obj`, for a key already interned
 * (intern_name) whose hash_name is `nh`: every member the loader has given
 * `obj` has an interned name, so the scanned ones compare by pointer, with
 * no strcmp. */
static const cJSON *member_find_interned(const mg_hmap *t, const cJSON *obj, const char *name, uint32_t nh)
{
    const cJSON *c = obj->child;
    for (int i = 0; c && i < KEYTAB_SCAN; c = c->next, i++)
        if (c->string == name)
            return c;
    if (!c)
        return NULL;
    const key_ent *e = keytab_find_hashed(t, obj, name, hash_member(obj, nh));
    return e ? e->child : NULL;
}

/* ---------------------------------------------------------------- position table */

/* One entry per node of a document: 32 bytes (on 64-bit machines) where
 * int columns, an int index and byte flags took 40, a fifth of the table
 * that is a sixth of a loaded catalogue. Columns past POS_COL_WIDE (a long
 * line of a minified JSON file) are kept beside, in mg_postab.wide; index
 * needs 24 bits (a file of MG_MAX_INPUT_BYTES holds at most 2^24 elements
 * of one array) and has 28. pos_col gives the columns back. */
#define POS_COL_WIDE 0xFFFFu
#define POS_INDEX_LIMIT (1u << 28)

typedef struct pos_ent {
    const cJSON *node;   /* the key: first member, for mg_hmap_get_ptr */
    const cJSON *parent; /* NULL for the root */
    int line;            /* the value's first character */
    int kline;           /* the key's first character; 0 when not an object member */
    unsigned short col, kcol; /* their columns (kcol 0 with kline); POS_COL_WIDE: in wide */
    unsigned index : 28; /* position among the parent's children */
    unsigned quoted : 1; /* a string written in any non-plain style, or a JSON string */
    unsigned loaded : 1; /* made by the loader (lives as long as the set), not by
                          * mg_doc_record (a node that may be freed before) */
    unsigned foreign : 1; /* its position is in another loaded document's file
                           * (a node mg_doc_record copied from there, api.c's
                           * trait merges): mg_postab.files names it */
} pos_ent;

/* The columns of an entry whose columns do not both fit (POS_COL_WIDE). */
typedef struct wide_ent {
    const cJSON *node; /* the key */
    int col, kcol;
} wide_ent;

/* The file of a foreign node (pos_ent.foreign): rare, so kept beside the
 * position table rather than in each of its entries (a fifth of one). */
typedef struct file_ent {
    const cJSON *node; /* the key */
    const char *file;  /* borrowed from that document */
} file_ent;

/* resolve.c's memo of one followed $ref (mg_doc_hop_get). */
typedef struct hop_ent {
    const cJSON *member; /* the key: a "$ref" member the loader made */
    const mg_doc *tdoc;
    const cJSON *tnode;
    unsigned gen;        /* the set's tree generation when it was found */
} hop_ent;

struct mg_postab {
    mg_hmap nodes; /* pos_ent, keyed by node pointer */
    mg_hmap keys;  /* key_ent: every object member, for duplicate checks and lookups */
    mg_hmap hops;  /* hop_ent, keyed by member pointer */
    mg_hmap files; /* file_ent, keyed by node pointer */
    mg_hmap wide;  /* wide_ent, keyed by node pointer */
    unsigned *gen; /* the set's tree generation (NULL until the doc joins a set:
                    * nothing is memoised) */
};

static struct mg_postab *postab_new(void)
{
    struct mg_postab *t = mg_xmalloc(sizeof *t);
    mg_hmap_init(&t->nodes, sizeof(pos_ent));
    mg_hmap_init(&t->keys, sizeof(key_ent));
    mg_hmap_init(&t->hops, sizeof(hop_ent));
    mg_hmap_init(&t->files, sizeof(file_ent));
    mg_hmap_init(&t->wide, sizeof(wide_ent));
    t->gen = NULL;
    return t;
}

/* Sets the columns of `e` (whose node is set): in the entry when both fit,
 * else in the wide table. */
static void pos_set_cols(struct mg_postab *t, pos_ent *e, int col, int kcol)
{
    if (col >= 0 && (unsigned)col < POS_COL_WIDE && kcol >= 0 && (unsigned)kcol < POS_COL_WIDE) {
        e->col = (unsigned short)col;
        e->kcol = (unsigned short)kcol;
        return;
    }
    e->col = e->kcol = POS_COL_WIDE;
    wide_ent *w = mg_hmap_put_ptr(&t->wide, e->node, NULL);
    w->col = col;
    w->kcol = kcol;
}

/* The value's column of `e` (`key`: the key's). */
static int pos_col(const struct mg_postab *t, const pos_ent *e, int key)
{
    unsigned c = key ? e->kcol : e->col;
    if (c != POS_COL_WIDE)
        return (int)c;
    const wide_ent *w = mg_hmap_get_ptr(&t->wide, e->node);
    return w ? (key ? w->kcol : w->col) : 0;
}

/* Sets the position among the parent's children. Input cannot reach the
 * limit (see pos_ent); a caller that did is a bug. */
static void pos_set_index(pos_ent *e, int index)
{
    if (index < 0 || (unsigned)index >= POS_INDEX_LIMIT)
        abort();
    e->index = (unsigned)index;
}

/* Adds or replaces the entry for e->node. */
static void postab_put(struct mg_postab *t, const pos_ent *e)
{
    pos_ent *slot = mg_hmap_put_ptr(&t->nodes, e->node, NULL);
    *slot = *e;
}

/* Adds the entry for e->node, a node the loader has just made (so not in
 * the table yet): no search first. */
static void postab_add(struct mg_postab *t, const pos_ent *e)
{
    pos_ent *slot = mg_hmap_add(&t->nodes, mg_hash_ptr(e->node));
    *slot = *e;
}

static const pos_ent *postab_get(const struct mg_postab *t, const cJSON *node)
{
    if (!t || !node)
        return NULL;
    return mg_hmap_get_ptr(&t->nodes, node);
}

/* Forgets every entry (after a failed parse attempt), keeping the table. */
static void postab_clear(struct mg_postab *t)
{
    mg_hmap_fini(&t->nodes);
    mg_hmap_fini(&t->keys);
    mg_hmap_fini(&t->hops);
    mg_hmap_fini(&t->files);
    mg_hmap_fini(&t->wide);
}

static void postab_free(struct mg_postab *t)
{
    if (!t)
        return;
    postab_clear(t);
    free(t);
}

/* ------------------------------------------------------------------ the builder */

/* What both parsers share while building one document. */
typedef struct builder {
    const char *file; /* the doc's path, for marks */
    const char *text;
    size_t len;
    mg_diag *d;
    struct mg_postab *pos;
    cJSON *root;
    int failed;
    size_t ystart; /* bytes before the text given to libyaml (a byte order mark) */
} builder;

static void builder_error(builder *b, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void builder_error(builder *b, int line, int col, const char *fmt, ...)
{
    if (b->failed)
        return; /* one error per file: later ones would be consequences */
    b->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    mg_diag_verror(b->d, mg_mark_at(b->file, line, col), fmt, ap);
    va_end(ap);
}

/* Records `item`, which the loader has just made, in the position table as
 * the child of `parent`; record_again replaces the entry of a node recorded
 * before (the root of an alias's copy takes the alias's position). */
static void record_entry(builder *b, const cJSON *item, const cJSON *parent, int index, int line,
                         int col, int kline, int kcol, int quoted, int again)
{
    pos_ent e;
    e.foreign = 0;
    e.node = item;
    e.parent = parent;
    e.line = line;
    e.kline = kline;
    pos_set_cols(b->pos, &e, col, kcol);
    pos_set_index(&e, index);
    e.quoted = quoted != 0;
    e.loaded = 1;
    if (again)
        postab_put(b->pos, &e);
    else
        postab_add(b->pos, &e);
}

static void record(builder *b, const cJSON *item, const cJSON *parent, int index, int line,
                   int col, int kline, int kcol, int quoted)
{
    record_entry(b, item, parent, index, line, col, kline, kcol, quoted, 0);
}

/* Checks UTF-8 strictly (no overlongs, no surrogates, nothing past U+10FFFF) and
 * refuses NUL bytes. Returns 0, or -1 after reporting the first bad byte. */
static int check_utf8(builder *b)
{
    const unsigned char *s = (const unsigned char *)b->text;
    size_t n = b->len, i = 0;
    while (i < n) {
        /* Eight bytes at a time while they are ASCII and not NUL (the byte
         * loop was a third of the loader's own instructions). */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080u) || ((w - 0x0101010101010101u) & ~w & 0x8080808080808080u))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c == 0) {
            int l, col;
            mg_text_linecol(b->text, n, i, &l, &col);
            builder_error(b, l, col, "NUL byte in the file (is it binary, or UTF-16? msggen reads UTF-8 text)");
            return -1;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = mg_utf8_decode(s + i, n - i, &cp);
        if (!len) {
            int l, col;
            mg_text_linecol(b->text, n, i, &l, &col);
            builder_error(b, l, col, "invalid UTF-8 byte 0x%02X (msggen reads UTF-8 only; re-save the file as UTF-8)", c);
            return -1;
        }
        i += len;
    }
    return 0;
}

/* ------------------------------------------------------------------------ JSON */

typedef struct jparser {
    builder *b;
    const char *s;
    size_t n, i;
    int line, col; /* of s[i] */
    int depth;
} jparser;

static void jadvance(jparser *p)
{
    unsigned char c = (unsigned char)p->s[p->i++];
    if (c == '\n') {
        p->line++;
        p->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        p->col++;
    }
}

static void jskip_ws(jparser *p)
{
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            jadvance(p);
        else
            break;
    }
}

static void jerr_here(jparser *p, const char *what)
{
    if (p->i >= p->n) {
        builder_error(p->b, p->line, p->col, "JSON: unexpected end of file, %s", what);
        return;
    }
    unsigned char c = (unsigned char)p->s[p->i];
    if (c == '/')
        builder_error(p->b, p->line, p->col, "JSON: comments are not allowed in JSON");
    else if (c == '\'')
        builder_error(p->b, p->line, p->col, "JSON: strings take double quotes, not single quotes");
    else if (c >= 0x20 && c < 0x7F)
        builder_error(p->b, p->line, p->col, "JSON: unexpected '%c', %s", c, what);
    else
        builder_error(p->b, p->line, p->col, "JSON: unexpected byte 0x%02X, %s", c, what);
}

static int read_hex4(const char *s, size_t avail, uint32_t *out)
{
    if (avail < 4)
        return -1;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int h = mg_hexval(s[k]);
        if (h < 0)
            return -1;
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return 0;
}

static void put_utf8(mg_buf *o, uint32_t cp)
{
    char t[4];
    if (cp < 0x80) {
        mg_buf_putc(o, (char)cp);
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        mg_buf_append(o, t, 2);
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        mg_buf_append(o, t, 3);
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        mg_buf_append(o, t, 4);
    }
}

/* Parses a string at p->s[p->i] == '"' into `o` (reset first). */
static int jstring(jparser *p, mg_buf *o)
{
    int sline = p->line, scol = p->col;
    mg_buf_reset(o);
    jadvance(p); /* the quote */
    for (;;) {
        if (p->i >= p->n) {
            builder_error(p->b, sline, scol, "JSON: unterminated string (add the closing '\"')");
            return -1;
        }
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            jadvance(p);
            break;
        }
        if (c < 0x20) {
            if (c == '\n')
                builder_error(p->b, sline, scol, "JSON: unterminated string (add the closing '\"')");
            else
                builder_error(p->b, p->line, p->col,
                              "JSON: control character 0x%02X in a string (write it as \\u%04X)", c, c);
            return -1;
        }
        if (c != '\\') {
            mg_buf_putc(o, (char)c);
            jadvance(p);
            continue;
        }
        int eline = p->line, ecol = p->col;
        if (p->i + 1 >= p->n) {
            builder_error(p->b, sline, scol, "JSON: unterminated string (add the closing '\"')");
            return -1;
        }
        char e = p->s[p->i + 1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char repl[] = "\"\\/\b\f\n\r\t";
            mg_buf_putc(o, repl[simple - "\"\\/bfnrt"]);
            jadvance(p);
            jadvance(p);
            continue;
        }
        if (e != 'u') {
            if ((unsigned char)e >= 0x20 && (unsigned char)e < 0x7F)
                builder_error(p->b, eline, ecol, "JSON: invalid escape '\\%c' in a string", e);
            else
                builder_error(p->b, eline, ecol, "JSON: invalid escape in a string");
            return -1;
        }
        uint32_t cp;
        if (read_hex4(p->s + p->i + 2, p->n - p->i - 2, &cp) < 0) {
            builder_error(p->b, eline, ecol, "JSON: '\\u' must be followed by four hex digits");
            return -1;
        }
        size_t used = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (p->i + 12 <= p->n && p->s[p->i + 6] == '\\' && p->s[p->i + 7] == 'u' &&
                read_hex4(p->s + p->i + 8, 4, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                used = 12;
            } else {
                builder_error(p->b, eline, ecol,
                              "JSON: unpaired UTF-16 surrogate '\\u%04X' in a string", (unsigned)cp);
                return -1;
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            builder_error(p->b, eline, ecol, "JSON: unpaired UTF-16 surrogate '\\u%04X' in a string",
                          (unsigned)cp);
            return -1;
        }
        if (cp == 0) {
            builder_error(p->b, eline, ecol,
                          "JSON: '\\u0000' in a string is not supported (msggen strings cannot hold NUL)");
            return -1;
        }
        put_utf8(o, cp);
        for (size_t k = 0; k < used; k++)
            jadvance(p);
    }
    return 0;
}

static cJSON *make_number(double v);

/* The node of a number written as s[0..n) that reads as v. When v may not be
 * the number written (more than DBL_DIG = 15 significant digits, or a nonzero
 * number that is not a normal double), the node keeps the text in its
 * valuestring (load.h), so that validate.c can decide integers, int32/int64
 * bounds and ties exactly. Most numbers keep nothing: no allocation. */
static cJSON *number_node(double v, const char *s, size_t n)
{
    cJSON *node = make_number(v);
    if (n <= 15 && isnormal(v))
        return node;
    const char *first = NULL, *last = NULL, *dot = NULL;
    for (const char *p = s; p < s + n && *p != 'e' && *p != 'E'; p++) {
        if (*p >= '1' && *p <= '9') {
            if (!first)
                first = p;
            last = p;
        } else if (*p == '.') {
            dot = p;
        }
    }
    if (!first)
        return node; /* zero */
    size_t digits = (size_t)(last - first) + (dot > first && dot < last ? 0 : 1);
    if (digits <= 15 && isnormal(v))
        return node;
    node->valuestring = cJSON_malloc(n + 1);
    if (!node->valuestring)
        abort();
    memcpy(node->valuestring, s, n);
    node->valuestring[n] = '\0';
    return node;
}

static cJSON *jnumber(jparser *p)
{
    size_t st = p->i;
    int line = p->line, col = p->col;
    const char *s = p->s;
    size_t i = p->i, n = p->n;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        builder_error(p->b, line, col, "JSON: invalid number (a digit must follow '-')");
        return NULL;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (!(i < n && s[i] >= '0' && s[i] <= '9')) {
            builder_error(p->b, line, col, "JSON: invalid number (a digit must follow '.')");
            return NULL;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!(i < n && s[i] >= '0' && s[i] <= '9')) {
            builder_error(p->b, line, col, "JSON: invalid number (digits must follow the exponent)");
            return NULL;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < n && s[i] >= '0' && s[i] <= '9') {
        builder_error(p->b, line, col, "JSON: invalid number (no leading zeros)");
        return NULL;
    }
    char small[64];
    char *tmp = i - st < sizeof small ? small : malloc(i - st + 1);
    if (!tmp)
        abort();
    memcpy(tmp, s + st, i - st);
    tmp[i - st] = '\0';
    double v = strtod(tmp, NULL);
    if (tmp != small)
        free(tmp);
    while (p->i < i)
        jadvance(p);
    return number_node(v, s + st, i - st);
}

static cJSON *jvalue(jparser *p, mg_buf *sb);

/* Adds `item` to `parent` and records it. */
static void jattach(jparser *p, cJSON *parent, cJSON *item, const char *key, int index, int line,
                    int col, int kline, int kcol, int quoted)
{
    if (key) {
        add_member(parent, key, item);
        keytab_note(&p->b->pos->keys, parent, item, index);
    } else {
        cJSON_AddItemToArray(parent, item);
    }
    record(p->b, item, parent, index, line, col, kline, kcol, quoted);
}

/* After an object member or an array element: a ',' continues (its place is
 * kept for the trailing-comma check), the closing bracket ends the container
 * (opened with `open` at oline:ocol), anything else is reported. Returns 1, 0,
 * or -1 after reporting. */
static int jnext_item(jparser *p, char open, int oline, int ocol, int *cline, int *ccol)
{
    char close = open == '{' ? '}' : ']';
    jskip_ws(p);
    if (p->i < p->n && p->s[p->i] == ',') {
        *cline = p->line;
        *ccol = p->col;
        jadvance(p);
        return 1;
    }
    if (p->i < p->n && p->s[p->i] == close) {
        jadvance(p);
        return 0;
    }
    if (p->i >= p->n)
        builder_error(p->b, oline, ocol, "JSON: unclosed '%c' (add the closing '%c')", open, close);
    else if (open == '{')
        jerr_here(p, "expected ',' or '}' in the object");
    else
        jerr_here(p, "expected ',' or ']' in the array");
    return -1;
}

static cJSON *jobject(jparser *p, mg_buf *sb)
{
    int oline = p->line, ocol = p->col;
    cJSON *obj = cJSON_CreateObject();
    jadvance(p); /* { */
    jskip_ws(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        jadvance(p);
        return obj;
    }
    mg_buf key;
    mg_buf_init(&key);
    int cline = 0, ccol = 0; /* the last ',' */
    for (int index = 0;; index++) {
        jskip_ws(p);
        if (p->i >= p->n || p->s[p->i] != '"') {
            if (p->i < p->n && p->s[p->i] == '}' && index > 0)
                builder_error(p->b, cline, ccol, "JSON: trailing comma before '}' (remove it)");
            else
                jerr_here(p, "expected a string key in the object");
            goto fail;
        }
        int kline = p->line, kcol = p->col;
        if (jstring(p, &key) < 0)
            goto fail;
        const cJSON *dup = member_find(&p->b->pos->keys, obj, mg_buf_cstr(&key), 0);
        if (dup) {
            const pos_ent *de = postab_get(p->b->pos, dup);
            builder_error(p->b, kline, kcol, "duplicate key '%s' (first defined at %d:%d)",
                          mg_buf_cstr(&key), de ? de->kline : 0, de ? pos_col(p->b->pos, de, 1) : 0);
            goto fail;
        }
        jskip_ws(p);
        if (p->i >= p->n || p->s[p->i] != ':') {
            jerr_here(p, "expected ':' after the object key");
            goto fail;
        }
        jadvance(p);
        jskip_ws(p);
        int vline = p->line, vcol = p->col;
        cJSON *v = jvalue(p, sb);
        if (!v)
            goto fail;
        jattach(p, obj, v, mg_buf_cstr(&key), index, vline, vcol, kline, kcol, cJSON_IsString(v));
        int more = jnext_item(p, '{', oline, ocol, &cline, &ccol);
        if (more > 0)
            continue;
        if (more < 0)
            goto fail;
        break;
    }
    mg_buf_fini(&key);
    return obj;
fail:
    mg_buf_fini(&key);
    cJSON_Delete(obj);
    return NULL;
}

static cJSON *jarray(jparser *p, mg_buf *sb)
{
    int aline = p->line, acol = p->col;
    cJSON *arr = cJSON_CreateArray();
    jadvance(p); /* [ */
    jskip_ws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        jadvance(p);
        return arr;
    }
    int cline = 0, ccol = 0; /* the last ',' */
    for (int index = 0;; index++) {
        jskip_ws(p);
        if (p->i < p->n && p->s[p->i] == ']' && index > 0) {
            builder_error(p->b, cline, ccol, "JSON: trailing comma before ']' (remove it)");
            goto fail;
        }
        int vline = p->line, vcol = p->col;
        cJSON *v = jvalue(p, sb);
        if (!v)
            goto fail;
        jattach(p, arr, v, NULL, index, vline, vcol, 0, 0, cJSON_IsString(v));
        int more = jnext_item(p, '[', aline, acol, &cline, &ccol);
        if (more > 0)
            continue;
        if (more < 0)
            goto fail;
        break;
    }
    return arr;
fail:
    cJSON_Delete(arr);
    return NULL;
}

static int jword(jparser *p, const char *w)
{
    size_t k = strlen(w);
    if (p->n - p->i >= k && memcmp(p->s + p->i, w, k) == 0) {
        for (size_t j = 0; j < k; j++)
            jadvance(p);
        return 1;
    }
    return 0;
}

static cJSON *jvalue(jparser *p, mg_buf *sb)
{
    if (p->i >= p->n) {
        jerr_here(p, "expected a value");
        return NULL;
    }
    char c = p->s[p->i];
    if (c == '{' || c == '[') {
        if (p->depth >= MG_MAX_NESTING) {
            builder_error(p->b, p->line, p->col,
                          "nesting deeper than %d levels (flatten the document or split it with $ref)",
                          MG_MAX_NESTING);
            return NULL;
        }
        p->depth++;
        cJSON *r = c == '{' ? jobject(p, sb) : jarray(p, sb);
        p->depth--;
        return r;
    }
    if (c == '"') {
        if (jstring(p, sb) < 0)
            return NULL;
        return cJSON_CreateString(mg_buf_cstr(sb));
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return jnumber(p);
    if (jword(p, "true"))
        return cJSON_CreateTrue();
    if (jword(p, "false"))
        return cJSON_CreateFalse();
    if (jword(p, "null"))
        return cJSON_CreateNull();
    jerr_here(p, "expected a value");
    return NULL;
}

static cJSON *parse_json(builder *b, size_t start)
{
    jparser p;
    p.b = b;
    p.s = b->text;
    p.n = b->len;
    p.i = 0;
    p.line = 1;
    p.col = 1;
    p.depth = 0;
    p.i = start; /* a byte order mark takes no column */
    jskip_ws(&p);
    int line = p.line, col = p.col;
    mg_buf sb;
    mg_buf_init(&sb);
    cJSON *v = jvalue(&p, &sb);
    mg_buf_fini(&sb);
    if (!v)
        return NULL;
    record(b, v, NULL, 0, line, col, 0, 0, cJSON_IsString(v));
    jskip_ws(&p);
    if (p.i < p.n) {
        builder_error(b, p.line, p.col, "JSON: extra data after the document (a file holds one JSON value)");
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* ------------------------------------------------------------------------ YAML */

/* Anchors of one document: name -> node, in a string-keyed mg_hmap. */
typedef struct anchor_ent {
    char *name;   /* the key, owned by the table */
    cJSON *node;  /* borrowed from the tree */
    int complete; /* 0 while the anchored collection is still being built */
} anchor_ent;

/* Defines or redefines (YAML allows it: later aliases see the latest) an anchor. */
static anchor_ent *anchors_set(mg_hmap *t, const char *name, cJSON *node)
{
    anchor_ent *e = mg_hmap_put_str(t, name, NULL);
    e->node = node;
    e->complete = 0;
    return e;
}

typedef struct yframe {
    cJSON *node;
    int is_map;
    int count;           /* children so far */
    char *key;           /* pending key (interned: intern_name) or NULL */
    uint32_t khash;      /* its hash_name */
    int kline, kcol;
    size_t anchor;       /* index + 1 of the anchor naming this collection (to mark it
                          * complete; an index, as entries move when the table grows); 0: none */
} yframe;

typedef struct yparser {
    builder *b;
    yframe *stack;
    size_t depth, cap;
    mg_hmap anchors;    /* anchor_ent, string-keyed */
    size_t alias_nodes; /* nodes produced by alias expansion so far */
} yparser;

static int streq_any(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static int all_in(const char *s, const char *set)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

/* YAML 1.2 core schema float: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static int is_core_float(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    int digits = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        if (!digits)
            return 0;
    } else {
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        if (!digits)
            return 0;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        int ed = 0;
        while (*p >= '0' && *p <= '9')
            p++, ed++;
        if (!ed)
            return 0;
    }
    return *p == '\0';
}

static cJSON *make_number(double v)
{
    /* cJSON_CreateNumber casts to int for valueint; NaN would make that cast
     * undefined, so we fill NaN in by hand. */
    if (isnan(v)) {
        cJSON *n = cJSON_CreateNumber(0);
        n->valuedouble = v;
        return n;
    }
    return cJSON_CreateNumber(v);
}

/* Resolves a plain scalar (`len` bytes, NUL-terminated) by the YAML 1.2
 * core schema (section 10.3.2). */
static cJSON *resolve_plain(const char *s, size_t len)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    static const char *const infs[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
    static const char *const ninfs[] = {"-.inf", "-.Inf", "-.INF", NULL};
    static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
    /* Each word of a list starts with one of the letters its case names
     * (the empty null with NUL) and has at most five characters, so a
     * number, or a word such as "number", is not compared with them. */
    switch (len <= 5 ? s[0] : 'x') {
    case '\0': case '~': case 'n': case 'N':
        if (streq_any(s, nulls))
            return cJSON_CreateNull();
        break;
    case 't': case 'T':
        if (streq_any(s, trues))
            return cJSON_CreateTrue();
        break;
    case 'f': case 'F':
        if (streq_any(s, falses))
            return cJSON_CreateFalse();
        break;
    default:
        break;
    }
    if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x') &&
        all_in(s + 2, s[1] == 'o' ? "01234567" : "0123456789abcdefABCDEF")) {
        int base = s[1] == 'o' ? 8 : 16;
        double v = 0;
        uint64_t u = 0;
        int exact = 1;
        for (const char *p = s + 2; *p; p++) {
            int digit = mg_hexval(*p);
            v = v * base + digit;
            exact = exact && u <= (UINT64_MAX - (uint64_t)digit) / (uint64_t)base;
            u = u * (uint64_t)base + (uint64_t)digit;
        }
        /* Beyond 2^53 the double is not the number: keep it in decimal (up to 2^64). */
        char dec[24];
        int dlen = exact && v >= 9007199254740992.0 ? snprintf(dec, sizeof dec, "%" PRIu64, u) : 0;
        return number_node(v, dec, dlen > 0 ? (size_t)dlen : 0);
    }
    if (is_core_float(s))
        return number_node(strtod(s, NULL), s, len);
    /* The same for the words of infinity and NaN: four or five characters
     * starting with '.', '+' or '-'. */
    if (len >= 4 && len <= 5 && (s[0] == '.' || s[0] == '+' || s[0] == '-')) {
        if (streq_any(s, infs))
            return make_number(INFINITY);
        if (streq_any(s, ninfs))
            return make_number(-INFINITY);
        if (streq_any(s, nans))
            return make_number(NAN);
    }
    return cJSON_CreateString(s);
}

/* A string node holding a copy of the event's value, in a block of its
 * length (cJSON's allocator: a pool block for a short one, pool.h). libyaml
 * builds a scalar in a buffer that starts at 16 bytes and doubles whenever
 * fewer than 5 are left, so taking its buffer over kept up to twice the
 * text plus malloc's header for every string of a document, which live as
 * long as the model does: at 10 000 messages the copy is tens of megabytes
 * smaller, for one allocation and one free per string. */
static cJSON *string_node_copy(const char *v, size_t length)
{
    cJSON *n = cJSON_CreateNull();
    if (!n)
        abort();
    size_t len = length + 1; /* parse_yaml has refused NUL bytes */
    char *s = cJSON_malloc(len);
    if (!s)
        abort();
    memcpy(s, v, len);
    n->type = cJSON_String;
    n->valuestring = s;
    return n;
}

/* yaml_event_delete for the events a document is made of: their strings
 * freed directly (libyaml allocates them with malloc), without its call,
 * its switch and its clearing of the event, which were a tenth of the
 * loader's own instructions. */
static void event_free(yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        free(ev->data.scalar.value);
        free(ev->data.scalar.tag);
        free(ev->data.scalar.anchor);
        break;
    case YAML_MAPPING_START_EVENT:
        free(ev->data.mapping_start.anchor);
        free(ev->data.mapping_start.tag);
        break;
    case YAML_SEQUENCE_START_EVENT:
        free(ev->data.sequence_start.anchor);
        free(ev->data.sequence_start.tag);
        break;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        break;
    default:
        yaml_event_delete(ev);
        break;
    }
}

/* An event as the tree builder sees it, from libyaml or from yscan.c. The
 * strings are borrowed from the source's event. */
typedef struct {
    mg_yev_type type;
    int style;          /* mg_ystyle (libyaml's numbers), scalars */
    int line, col;      /* the start mark, 1-based */
    const char *value;  /* scalars: `len` bytes and a NUL; aliases: the anchor name */
    size_t len;
    const char *tag, *anchor; /* libyaml only */
    int nul_free;       /* the value holds no NUL before `len` (yscan.c refuses
                         * NUL bytes and leaves escaped ones to libyaml) */
} yevent;

_Static_assert((int)MG_YSTYLE_PLAIN == (int)YAML_PLAIN_SCALAR_STYLE &&
                   (int)MG_YSTYLE_SINGLE == (int)YAML_SINGLE_QUOTED_SCALAR_STYLE &&
                   (int)MG_YSTYLE_DOUBLE == (int)YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
                   (int)MG_YSTYLE_LITERAL == (int)YAML_LITERAL_SCALAR_STYLE &&
                   (int)MG_YSTYLE_FOLDED == (int)YAML_FOLDED_SCALAR_STYLE,
               "mg_ystyle uses libyaml's numbers");

static void yevent_from_libyaml(yevent *e, const yaml_event_t *ev)
{
    memset(e, 0, sizeof *e);
    e->line = (int)ev->start_mark.line + 1;
    e->col = (int)ev->start_mark.column + 1;
    switch (ev->type) {
    case YAML_STREAM_START_EVENT: e->type = MG_YEV_STREAM_START; break;
    case YAML_STREAM_END_EVENT: e->type = MG_YEV_STREAM_END; break;
    case YAML_DOCUMENT_START_EVENT: e->type = MG_YEV_DOC_START; break;
    case YAML_DOCUMENT_END_EVENT: e->type = MG_YEV_DOC_END; break;
    case YAML_SEQUENCE_END_EVENT: e->type = MG_YEV_SEQ_END; break;
    case YAML_MAPPING_END_EVENT: e->type = MG_YEV_MAP_END; break;
    case YAML_SCALAR_EVENT:
        e->type = MG_YEV_SCALAR;
        e->style = (int)ev->data.scalar.style;
        e->value = (const char *)ev->data.scalar.value;
        e->len = ev->data.scalar.length;
        e->tag = (const char *)ev->data.scalar.tag;
        e->anchor = (const char *)ev->data.scalar.anchor;
        break;
    case YAML_SEQUENCE_START_EVENT:
        e->type = MG_YEV_SEQ_START;
        e->tag = (const char *)ev->data.sequence_start.tag;
        e->anchor = (const char *)ev->data.sequence_start.anchor;
        break;
    case YAML_MAPPING_START_EVENT:
        e->type = MG_YEV_MAP_START;
        e->tag = (const char *)ev->data.mapping_start.tag;
        e->anchor = (const char *)ev->data.mapping_start.anchor;
        break;
    case YAML_ALIAS_EVENT:
        e->type = MG_YEV_ALIAS;
        e->value = (const char *)ev->data.alias.anchor;
        break;
    default:
        e->type = 0;
        break;
    }
}

/* Builds the node for a scalar event. Explicit tags: !!str (and the
 * non-specific "!") force a string; other tags resolve as plain. */
static cJSON *scalar_node(const yevent *ev, int *quoted)
{
    const char *v = ev->value;
    const char *tag = ev->tag;
    int plain = ev->style == MG_YSTYLE_PLAIN;
    *quoted = !plain;
    if (tag && (strcmp(tag, YAML_STR_TAG) == 0 || strcmp(tag, "!") == 0))
        return string_node_copy(v, ev->len);
    if (!plain)
        return string_node_copy(v, ev->len);
    /* Most plain scalars are words: every null, bool, number, infinity and
     * NaN of the core schema is empty or starts with one of these
     * characters, so the others are strings without resolve_plain's 25
     * comparisons. */
    static const unsigned char may_resolve[256] = {
        ['~'] = 1, ['n'] = 1, ['N'] = 1, ['t'] = 1, ['T'] = 1, ['f'] = 1, ['F'] = 1,
        ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
        ['9'] = 1, ['-'] = 1, ['+'] = 1, ['.'] = 1,
    };
    if (v[0] && !may_resolve[(unsigned char)v[0]])
        return string_node_copy(v, ev->len);
    return resolve_plain(v, ev->len);
}

static yframe *ytop(yparser *y)
{
    return y->depth ? &y->stack[y->depth - 1] : NULL;
}

/* Adds a finished (or just opened) node to the current collection; `again`
 * when the node is in the position table already (an alias's copy). */
static int yattach(yparser *y, cJSON *item, int line, int col, int quoted, int again)
{
    builder *b = y->b;
    yframe *f = ytop(y);
    if (!f) {
        if (b->root) {
            cJSON_Delete(item); /* cannot happen: libyaml gives one root per document */
            return -1;
        }
        b->root = item;
        record_entry(b, item, NULL, 0, line, col, 0, 0, quoted, again);
        return 0;
    }
    if (f->is_map) {
        add_member_interned(f->node, f->key, item);
        f->key = NULL;
        keytab_note_hashed(&b->pos->keys, f->node, item, f->count, f->khash);
        record_entry(b, item, f->node, f->count, line, col, f->kline, f->kcol, quoted, again);
    } else {
        cJSON_AddItemToArray(f->node, item);
        record_entry(b, item, f->node, f->count, line, col, 0, 0, quoted, again);
    }
    f->count++;
    return 0;
}

static int ypush(yparser *y, cJSON *node, int is_map, size_t anchor)
{
    y->stack = mg_xgrow(y->stack, y->depth, &y->cap, sizeof *y->stack);
    yframe *f = &y->stack[y->depth++];
    f->node = node;
    f->is_map = is_map;
    f->count = 0;
    f->key = NULL;
    f->khash = 0;
    f->kline = f->kcol = 0;
    f->anchor = anchor;
    return 0;
}

/* Copies the anchored subtree `src` for an alias. Every copy keeps the marks
 * of the node it copies (the caller gives the copy's root the alias's own
 * mark); errors point at the alias. Counts against the alias budget and the
 * nesting limit, so an alias bomb stops after MG_MAX_ALIAS_NODES nodes. */
static cJSON *copy_alias(yparser *y, const cJSON *src, const cJSON *parent, int index,
                         size_t depth, int line, int col)
{
    if (++y->alias_nodes > MG_MAX_ALIAS_NODES) {
        builder_error(y->b, line, col,
                      "aliases expand to more than %d nodes (an alias bomb?); write the data out or use $ref",
                      MG_MAX_ALIAS_NODES);
        return NULL;
    }
    int is_obj = cJSON_IsObject(src), is_arr = cJSON_IsArray(src);
    if ((is_obj || is_arr) && depth >= MG_MAX_NESTING) {
        builder_error(y->b, line, col,
                      "nesting deeper than %d levels (flatten the document or split it with $ref)",
                      MG_MAX_NESTING);
        return NULL;
    }
    cJSON *dst = is_obj ? cJSON_CreateObject() : is_arr ? cJSON_CreateArray() : cJSON_Duplicate(src, 0);
    if (!dst)
        abort();
    const pos_ent *pe = postab_get(y->b->pos, src);
    pos_ent e;
    int ecol = 0, ekcol = 0;
    if (pe) {
        e = *pe; /* copied out: postab_put may move the slots */
        ecol = pos_col(y->b->pos, pe, 0);
        ekcol = pos_col(y->b->pos, pe, 1);
    } else {
        memset(&e, 0, sizeof e);
    }
    e.node = dst;
    e.parent = parent;
    pos_set_cols(y->b->pos, &e, ecol, ekcol);
    pos_set_index(&e, index);
    e.loaded = 1;
    postab_add(y->b->pos, &e);
    int i = 0;
    for (const cJSON *c = (is_obj || is_arr) ? src->child : NULL; c; c = c->next, i++) {
        cJSON *cc = copy_alias(y, c, dst, i, depth + 1, line, col);
        if (!cc) {
            cJSON_Delete(dst);
            return NULL;
        }
        if (is_obj) {
            add_member_interned(dst, c->string, cc);
            keytab_note(&y->b->pos->keys, dst, cc, i);
        }
        else
            cJSON_AddItemToArray(dst, cc);
    }
    return dst;
}

/* The byte at 1-based line/column (column in code points); NUL past the end. */
static char char_at(const char *text, size_t len, int line, int col)
{
    size_t i = 0;
    for (int l = 1; l < line && i < len; i++)
        if (text[i] == '\n')
            l++;
    for (int c = 1; i < len; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (c++ == col)
            return text[i];
    }
    return '\0';
}

/* Rewrites libyaml's problem text into a one-line message, at the most useful
 * position. */
static void yaml_syntax_error(builder *b, const yaml_parser_t *ps)
{
    const char *problem = ps->problem ? ps->problem : "syntax error";
    const char *context = ps->context;
    int line = (int)ps->problem_mark.line + 1, col = (int)ps->problem_mark.column + 1;
    int cline = (int)ps->context_mark.line + 1, ccol = (int)ps->context_mark.column + 1;
    if (ps->error == YAML_READER_ERROR) {
        mg_text_linecol(b->text + b->ystart, b->len - b->ystart, ps->problem_offset, &line, &col);
        if (strstr(problem, "control characters"))
            builder_error(b, line, col, "control character 0x%02X is not allowed in YAML (escape it in a double-quoted string)",
                          (unsigned)ps->problem_value);
        else
            builder_error(b, line, col, "YAML: %s", problem);
        return;
    }
    char at = char_at(b->text + b->ystart, b->len - b->ystart, line, col);
    if (context && strstr(context, "quoted scalar") && strstr(problem, "end of stream")) {
        builder_error(b, cline, ccol, "unclosed quoted string (add the closing quote)");
        return;
    }
    if (at == '\t' && strstr(problem, "cannot start any token")) {
        builder_error(b, line, col, "tab character used for indentation (YAML indents with spaces only)");
        return;
    }
    if (strstr(problem, "mapping values are not allowed")) {
        builder_error(b, line, col,
                      "unexpected ':' here (check the indentation, or quote a value that contains ': ')");
        return;
    }
    if (context && strstr(context, "flow sequence") && strstr(problem, "expected ',' or ']'")) {
        builder_error(b, line, col, "expected ',' or ']' in the flow sequence opened at %d:%d", cline, ccol);
        return;
    }
    if (context && strstr(context, "flow mapping") && strstr(problem, "expected ',' or '}'")) {
        builder_error(b, line, col, "expected ',' or '}' in the flow mapping opened at %d:%d", cline, ccol);
        return;
    }
    if (context && strstr(context, "block mapping") && strstr(problem, "expected key")) {
        builder_error(b, line, col,
                      "bad indentation: this line does not fit the mapping that starts at %d:%d", cline, ccol);
        return;
    }
    if (context && strstr(context, "block collection") && strstr(problem, "expected '-'")) {
        builder_error(b, line, col,
                      "bad indentation: this line does not fit the list that starts at %d:%d", cline, ccol);
        return;
    }
    if (context && strstr(context, "simple key") && strstr(problem, "expected ':'")) {
        builder_error(b, cline, ccol, "expected ':' after this key (a mapping key must be followed by ': ')");
        return;
    }
    if (context)
        builder_error(b, line, col, "YAML: %s %s (at %d:%d)", problem, context, cline, ccol);
    else
        builder_error(b, line, col, "YAML: %s", problem);
}

/* Builds the tree from one event. Returns 1 at the end of the stream. */
static int yaml_event(yparser *y, const yevent *ev, int *docs)
{
    builder *b = y->b;
    int line = ev->line, col = ev->col;
    yframe *f = ytop(y);
    int want_key = f && f->is_map && !f->key;
    switch (ev->type) {
    case MG_YEV_STREAM_END:
        return 1;
    case MG_YEV_DOC_START:
        if (++*docs > 1)
            builder_error(b, line, col,
                          "a second document in the file (msggen reads one document per file; split it at the '---')");
        break;
    case MG_YEV_SCALAR: {
        const char *v = ev->value;
        if (!ev->nul_free && strlen(v) != ev->len) {
            builder_error(b, line, col, "a NUL character in a scalar is not supported (msggen strings cannot hold NUL)");
            break;
        }
        if (want_key && ev->style == MG_YSTYLE_PLAIN && ev->len == 2 && strcmp(v, "<<") == 0) {
            /* YAML 1.1 merge keys are not part of 1.2; loading "<<" as a
             * plain key would silently drop the merge the author meant. */
            builder_error(b, line, col,
                          "merge key '<<' is YAML 1.1 and not supported (write the keys out, or use allOf in schemas)");
            break;
        }
        if (want_key) {
            uint32_t nh = hash_name(v, ev->len);
            char *name = intern_name_len(v, ev->len, nh);
            const cJSON *dup = member_find_interned(&b->pos->keys, f->node, name, nh);
            if (dup) {
                const pos_ent *de = postab_get(b->pos, dup);
                builder_error(b, line, col, "duplicate key '%s' (first defined at %d:%d)", v,
                              de ? de->kline : 0, de ? pos_col(b->pos, de, 1) : 0);
                break;
            }
            f->key = name;
            f->khash = nh;
            f->kline = line;
            f->kcol = col;
            break;
        }
        int quoted;
        cJSON *n = scalar_node(ev, &quoted);
        yattach(y, n, line, col, quoted, 0);
        if (ev->anchor)
            anchors_set(&y->anchors, ev->anchor, n)->complete = 1;
        break;
    }
    case MG_YEV_SEQ_START:
    case MG_YEV_MAP_START: {
        int is_map = ev->type == MG_YEV_MAP_START;
        if (want_key) {
            builder_error(b, line, col, "a mapping key must be a scalar, not a %s", is_map ? "mapping" : "sequence");
            break;
        }
        if (y->depth >= MG_MAX_NESTING) {
            builder_error(b, line, col,
                          "nesting deeper than %d levels (flatten the document or split it with $ref)",
                          MG_MAX_NESTING);
            break;
        }
        cJSON *n = is_map ? cJSON_CreateObject() : cJSON_CreateArray();
        if (yattach(y, n, line, col, 0, 0) < 0) {
            builder_error(b, line, col, "a second root node in the document");
            break;
        }
        size_t ai = 0;
        if (ev->anchor)
            ai = mg_hmap_index(&y->anchors, anchors_set(&y->anchors, ev->anchor, n)) + 1;
        ypush(y, n, is_map, ai);
        break;
    }
    case MG_YEV_SEQ_END:
    case MG_YEV_MAP_END:
        if (f) {
            anchor_ent *ae = f->anchor ? mg_hmap_at(&y->anchors, f->anchor - 1) : NULL;
            if (ae && ae->node == f->node)
                ae->complete = 1;
            y->depth--;
        }
        break;
    case MG_YEV_ALIAS: {
        const char *name = ev->value;
        if (want_key) {
            builder_error(b, line, col, "an alias cannot be a mapping key here ('*%s'); write the key out", name);
            break;
        }
        anchor_ent *ae = mg_hmap_get_str(&y->anchors, name);
        if (!ae) {
            builder_error(b, line, col, "undefined alias '*%s' (define the anchor '&%s' before it)", name, name);
            break;
        }
        if (!ae->complete) {
            builder_error(b, line, col,
                          "alias '*%s' refers to a node that contains it (recursive data cannot be loaded)", name);
            break;
        }
        cJSON *n = copy_alias(y, ae->node, NULL, 0, y->depth, line, col);
        if (!n)
            break;
        /* The copy's root carries the alias's own position. */
        const pos_ent *pe = postab_get(b->pos, n);
        int quoted = pe ? pe->quoted : 0;
        yattach(y, n, line, col, quoted, 1);
        break;
    }
    default:
        break;
    }
    return 0;
}

/* libyaml gets the text after any byte order mark, so that columns on the
 * first line match the JSON parser's. yscan.c gets it first: its events are
 * libyaml's for the text it takes, and when it gives up nothing has been
 * built yet. */
static cJSON *parse_yaml(builder *b, size_t start)
{
    b->ystart = start;
    yparser y;
    memset(&y, 0, sizeof y);
    y.b = b;
    mg_hmap_init_str(&y.anchors, sizeof(anchor_ent));
    int docs = 0;
    mg_yscan fast;
    mg_yscan_init(&fast);
    if (mg_yscan_run(&fast, b->text + start, b->len - start) == 0) {
        for (size_t i = 0; i < fast.n && !b->failed; i++) {
            const mg_yev *fe = &fast.ev[i];
            yevent ev;
            ev.type = fe->type;
            ev.style = fe->style;
            ev.line = fe->line + 1;
            ev.col = fe->col + 1;
            ev.value = fast.val + fe->off;
            ev.len = fe->len;
            ev.tag = ev.anchor = NULL;
            ev.nul_free = 1;
            if (yaml_event(&y, &ev, &docs))
                break;
        }
    } else {
        yaml_parser_t ps;
        if (!yaml_parser_initialize(&ps))
            abort();
        yaml_parser_set_input_string(&ps, (const unsigned char *)b->text + start, b->len - start);
        yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
        int done = 0;
        while (!done && !b->failed) {
            yaml_event_t lev;
            if (!yaml_parser_parse(&ps, &lev)) {
                yaml_syntax_error(b, &ps);
                break;
            }
            yevent ev;
            yevent_from_libyaml(&ev, &lev);
            done = yaml_event(&y, &ev, &docs);
            event_free(&lev);
        }
        yaml_parser_delete(&ps);
    }
    mg_yscan_fini(&fast);
    free(y.stack);
    mg_hmap_fini(&y.anchors);
    cJSON *root = b->root;
    b->root = NULL;
    if (b->failed) {
        cJSON_Delete(root);
        return NULL;
    }
    if (!docs) {
        builder_error(b, 1, 1, "the file holds no document (it is empty or only comments)");
        return NULL;
    }
    if (!root) { /* "---" with nothing after it: an empty (null) document */
        root = cJSON_CreateNull();
        record(b, root, NULL, 0, 1, 1, 0, 0, 0);
    }
    return root;
}

/* ------------------------------------------------------------------ documents */

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

/* Parses text into a tree, filling `pos`. Returns NULL after reporting. */
static cJSON *parse_text(const char *file, const char *text, size_t len, struct mg_postab *pos,
                         mg_diag *d)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.file = file;
    b.text = text;
    b.len = len;
    b.d = d;
    b.pos = pos;
    cJSON *root = NULL;
    if (check_utf8(&b) == 0) {
        size_t start = 0;
        if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
            start = 3; /* a UTF-8 byte order mark */
        size_t i = start;
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
            i++;
        if (has_suffix(file, ".json")) {
            if (i >= len)
                builder_error(&b, 1, 1, "the file holds no document (it is empty)");
            else
                root = parse_json(&b, start);
        } else if (i < len && (text[i] == '{' || text[i] == '[')) {
            /* Try strict JSON silently; fall back to YAML (a flow collection). */
            mg_diag quiet;
            mg_diag_init_sink(&quiet, NULL, NULL);
            quiet.max_errors = 0;
            b.d = &quiet;
            root = parse_json(&b, start);
            b.d = d;
            if (!root) {
                b.failed = 0;
                postab_clear(pos);
                root = parse_yaml(&b, start);
            }
        } else {
            /* A catalogue has a node per 30 bytes or so (the worker-backend
             * files and the synthetic ones alike): the position table gets
             * that room at once instead of growing to it by doubling, each
             * step copying and re-placing every entry. What a file with
             * fewer nodes does not use of the entries goes at the shrink
             * below. */
            mg_hmap_reserve(&pos->nodes, len / 32);
            root = parse_yaml(&b, start);
        }
    }
    /* The tables are complete: their doubling room goes (a quarter of them
     * on average), mg_doc_record grows them again. */
    if (root) {
        mg_hmap_shrink(&pos->nodes);
        mg_hmap_shrink(&pos->keys);
    }
    return root;
}

/* Reads a file of at most MG_MAX_INPUT_BYTES; the size of a regular file is
 * checked before any byte is read. Reports at `at` (open errors) or at the file. */
/* A file named on the command line has no referring position, so the error
 * is reported at the file itself; a file reached through $ref is reported at
 * the $ref. */
static void report_open_error(mg_diag *d, mg_mark at, const char *path)
{
    if (at.file)
        mg_diag_error(d, at, "cannot open '%s': %s", path, strerror(errno));
    else
        mg_diag_error(d, mg_mark_at(path, 0, 0), "cannot open: %s", strerror(errno));
}

static int read_input(const char *path, const char *name, mg_mark at, mg_buf *out, mg_diag *d)
{
    if (strcmp(path, "-") == 0) {
        if (mg_buf_read_file(out, "-", MG_MAX_INPUT_BYTES) < 0) {
            if (errno == EFBIG)
                mg_diag_error(d, mg_mark_at("-", 0, 0), "standard input is over the %u-byte input limit",
                              MG_MAX_INPUT_BYTES);
            else
                mg_diag_error(d, at, "cannot read standard input: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        report_open_error(d, at, path);
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(f);
            mg_diag_error(d, at, "cannot read '%s': it is a directory", name);
            return -1;
        }
        if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > MG_MAX_INPUT_BYTES) {
            fclose(f);
            mg_diag_error(d, mg_mark_at(name, 0, 0),
                          "file is %jd bytes, over the %u-byte input limit (split it into files joined by $ref)",
                          (intmax_t)st.st_size, MG_MAX_INPUT_BYTES);
            return -1;
        }
        if (S_ISREG(st.st_mode))
            mg_buf_reserve(out, (size_t)st.st_size + 1);
    }
    /* Straight into `out`, which the size above made room for (one read
     * takes a regular file), rather than through a chunk copied after it:
     * that copy was 6 M instructions of loading a 1 000-message catalogue.
     * A read asks for at most one byte over the limit. */
    for (;;) {
        if (out->len + 1 >= out->cap)
            mg_buf_grow(out, 65536);
        size_t room = out->cap - out->len - 1, left = (size_t)MG_MAX_INPUT_BYTES + 1 - out->len;
        size_t n = fread(out->data + out->len, 1, room < left ? room : left, f);
        if (n == 0)
            break;
        if (out->len + n > MG_MAX_INPUT_BYTES) {
            fclose(f);
            mg_diag_error(d, mg_mark_at(name, 0, 0),
                          "file is over the %u-byte input limit (split it into files joined by $ref)",
                          MG_MAX_INPUT_BYTES);
            return -1;
        }
        out->len += n;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        mg_diag_error(d, at, "cannot read '%s': %s", name, strerror(EIO));
        return -1;
    }
    mg_buf_reserve(out, 0);
    out->data[out->len] = '\0';
    return 0;
}

/* Lexically normalises a path: drops "." and empty parts, folds "a/.." (but
 * keeps leading ".." of a relative path). Never returns "": "." instead. */
char *mg_path_normalise(const char *path)
{
    size_t n = strlen(path);
    char *out = mg_xmalloc(n + 2);
    int abs = path[0] == '/';
    size_t olen = 0;
    if (abs)
        out[olen++] = '/';
    size_t base = olen; /* parts start here */
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (k == 1 && p[0] == '.') {
            /* skip */
        } else if (k == 2 && p[0] == '.' && p[1] == '.') {
            /* Find the last part in out. */
            size_t last = olen;
            while (last > base && out[last - 1] != '/')
                last--;
            int last_is_dotdot = olen - last == 2 && out[last] == '.' && out[last + 1] == '.';
            if (olen > base && !last_is_dotdot) {
                olen = last > base ? last - 1 : base;
            } else if (!abs) {
                if (olen > base)
                    out[olen++] = '/';
                out[olen++] = '.';
                out[olen++] = '.';
            } /* "/.." is "/" */
        } else {
            if (olen > base)
                out[olen++] = '/';
            memcpy(out + olen, p, k);
            olen += k;
        }
        p += k;
    }
    if (olen == 0)
        out[olen++] = '.';
    out[olen] = '\0';
    return out;
}

/* The folder part of `path`: "." when it has no '/', "/" for "/name". */
char *mg_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mg_xstrdup(".");
    if (slash == path)
        return mg_xstrdup("/");
    return mg_xstrndup(path, (size_t)(slash - path));
}

typedef struct docent {
    mg_doc doc;    /* first, so a const mg_doc * converts back */
    char *real;    /* realpath key for the cache; NULL for buffers */
    cJSON *replaced; /* nodes mg_doc_replace took out of the tree, kept alive
                      * so that pointers to them and their table entries stay valid */
} docent;

/* One --ref-map: a remote $ref whose URL starts with `prefix` is read from
 * `dir` + the rest of the URL. Both strings are owned by the docset. */
typedef struct ref_map {
    char *prefix;
    char *dir;
} ref_map;

struct mg_docset {
    char *root;        /* absolute real path of the confining folder; NULL: none */
    int root_given;
    int allow_outside;
    ref_map *maps;
    size_t nmaps, maps_cap;
    docent **docs;
    size_t n, cap;
    /* Real paths of loaded files (doc_ent) and of files whose parse failed
     * (doc_ent with doc NULL), so that a file is read and reported once
     * without scanning every document per request. */
    mg_hmap by_real;
    /* resolve.c's cache: normalised $ref file paths that passed its checks. */
    mg_hmap ref_files;
    /* Counts mg_doc_replace calls: a $ref followed before a replacement may
     * lead elsewhere after it, so memoised hops of an older generation are
     * followed again. */
    unsigned gen;
    unsigned walk_stamp; /* the latest stamp mg_docset_walk_stamp gave; 0: none */
};

typedef struct doc_ent {
    char *path;        /* the key, owned by the table */
    const mg_doc *doc; /* NULL: the file failed to parse */
} doc_ent;

static docent *docset_add(mg_docset *set, const char *name, char *real, cJSON *root,
                          struct mg_postab *pos)
{
    docent *e = calloc(1, sizeof *e);
    if (!e)
        abort();
    e->doc.path = mg_path_normalise(name);
    e->doc.dir = mg_path_dir(e->doc.path);
    e->doc.root = root;
    e->doc.pos = pos;
    pos->gen = &set->gen;
    e->real = real;
    set->docs = mg_xgrow(set->docs, set->n, &set->cap, sizeof *set->docs);
    set->docs[set->n++] = e;
    return e;
}

/* --------------------------------------------------------------- public API */

mg_docset *mg_docset_new(const char *root_dir)
{
    mg_docset *set = calloc(1, sizeof *set);
    if (!set)
        abort();
    mg_hmap_init_str(&set->by_real, sizeof(doc_ent));
    mg_hmap_init_str(&set->ref_files, sizeof(doc_ent));
    if (root_dir) {
        set->root = realpath(root_dir, NULL);
        if (!set->root) { /* a root that does not exist (yet): absolute and lexical */
            mg_buf b;
            mg_buf_init(&b);
            if (root_dir[0] != '/') {
                char *cwd = getcwd(NULL, 0);
                mg_buf_append_str(&b, cwd ? cwd : "");
                mg_buf_putc(&b, '/');
                free(cwd);
            }
            mg_buf_append_str(&b, root_dir);
            set->root = mg_path_normalise(mg_buf_cstr(&b));
            mg_buf_fini(&b);
        }
        set->root_given = 1;
    }
    return set;
}

void mg_docset_free(mg_docset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        docent *e = set->docs[i];
        free((char *)e->doc.path);
        free((char *)e->doc.dir);
        cJSON_Delete(e->doc.root);
        cJSON_Delete(e->replaced);
        postab_free(e->doc.pos);
        free(e->real);
        free(e);
    }
    mg_hmap_fini(&set->by_real);
    mg_hmap_fini(&set->ref_files);
    for (size_t i = 0; i < set->nmaps; i++) {
        free(set->maps[i].prefix);
        free(set->maps[i].dir);
    }
    free(set->maps);
    free(set->docs);
    free(set->root);
    free(set);
}

int mg_ref_map_split(const char *spec, size_t *prefix_len)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || eq[1] == '\0')
        return -1;
    if (strncmp(spec, "http://", 7) != 0 && strncmp(spec, "https://", 8) != 0)
        return -1;
    *prefix_len = (size_t)(eq - spec);
    return 0;
}

int mg_docset_add_ref_map(mg_docset *set, const char *spec)
{
    size_t n;
    if (mg_ref_map_split(spec, &n) < 0)
        return -1;
    set->maps = mg_xgrow(set->maps, set->nmaps, &set->maps_cap, sizeof *set->maps);
    set->maps[set->nmaps].prefix = mg_xstrndup(spec, n);
    set->maps[set->nmaps].dir = mg_xstrdup(spec + n + 1);
    set->nmaps++;
    return 0;
}

char *mg_docset_map_url(const mg_docset *set, const char *url)
{
    /* The longest matching prefix wins, so that a map for one sub-tree can
     * override a map for the whole host, whatever the order given. */
    const ref_map *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < set->nmaps; i++) {
        size_t n = strlen(set->maps[i].prefix);
        if (n > best_len && strncmp(url, set->maps[i].prefix, n) == 0) {
            best = &set->maps[i];
            best_len = n;
        }
    }
    if (!best)
        return NULL;
    const char *rest = url + best_len;
    size_t dl = strlen(best->dir);
    int slash = dl > 0 && best->dir[dl - 1] != '/' && rest[0] != '/';
    mg_buf b;
    mg_buf_init(&b);
    mg_buf_append_str(&b, best->dir);
    if (slash)
        mg_buf_putc(&b, '/');
    mg_buf_append_str(&b, rest);
    char *out = mg_path_normalise(mg_buf_cstr(&b));
    mg_buf_fini(&b);
    return out;
}

const char *mg_docset_root(const mg_docset *set)
{
    return set->root;
}

void mg_docset_set_allow_outside(mg_docset *set, int allow)
{
    set->allow_outside = allow;
}

int mg_docset_allow_outside(const mg_docset *set)
{
    return set->allow_outside;
}

const mg_doc *mg_docset_load(mg_docset *set, const char *path, mg_mark at, mg_diag *d)
{
    int is_stdin = strcmp(path, "-") == 0;
    char *real = is_stdin ? strdup("-") : realpath(path, NULL);
    if (real) {
        const doc_ent *known = mg_hmap_get_str(&set->by_real, real);
        if (known) {
            free(real);
            return known->doc;
        }
    }
    char *name = mg_path_normalise(path);
    if (is_stdin) {
        free(name);
        name = strdup("-");
    }
    mg_buf text;
    mg_buf_init(&text);
    if (!real || read_input(path, name, at, &text, d) < 0) {
        if (!real)
            report_open_error(d, at, path);
        else
            goto remember_failure;
        free(name);
        mg_buf_fini(&text);
        return NULL;
    }
    struct mg_postab *pos = postab_new();
    /* Marks must point at the doc's own path string, which docset_add makes;
     * so we parse with `name` and hand its ownership over. */
    docent *e = docset_add(set, name, real, NULL, pos);
    cJSON *root = parse_text(e->doc.path, text.data ? text.data : "", text.len, pos, d);
    mg_buf_fini(&text);
    free(name);
    if (!root) {
        /* Keep the failure, not the half-built doc. */
        set->n--;
        free((char *)e->doc.path);
        free((char *)e->doc.dir);
        postab_free(pos);
        free(e);
        ((doc_ent *)mg_hmap_put_str(&set->by_real, real, NULL))->doc = NULL;
        free(real);
        return NULL;
    }
    e->doc.root = root;
    ((doc_ent *)mg_hmap_put_str(&set->by_real, real, NULL))->doc = &e->doc;
    return &e->doc;

remember_failure:
    free(name);
    mg_buf_fini(&text);
    ((doc_ent *)mg_hmap_put_str(&set->by_real, real, NULL))->doc = NULL;
    free(real);
    return NULL;
}

const mg_doc *mg_docset_load_buffer(mg_docset *set, const char *name, const char *data,
                                    size_t len, mg_diag *d)
{
    struct mg_postab *pos = postab_new();
    docent *e = docset_add(set, name, NULL, NULL, pos);
    if (len > MG_MAX_INPUT_BYTES) {
        mg_diag_error(d, mg_mark_at(e->doc.path, 0, 0), "input is over the %u-byte input limit",
                      MG_MAX_INPUT_BYTES);
        goto fail;
    }
    cJSON *root = parse_text(e->doc.path, data, len, pos, d);
    if (!root)
        goto fail;
    e->doc.root = root;
    return &e->doc;
fail:
    set->n--;
    free((char *)e->doc.path);
    free((char *)e->doc.dir);
    postab_free(pos);
    free(e);
    return NULL;
}

/* The file whose text `e` (an entry of doc's table) has its position in. */
static const char *pos_file(const mg_doc *doc, const pos_ent *e)
{
    if (!e->foreign)
        return doc->path;
    const file_ent *f = mg_hmap_get_ptr(&doc->pos->files, e->node);
    return f ? f->file : doc->path;
}

mg_mark mg_doc_mark(const mg_doc *doc, const cJSON *node)
{
    const pos_ent *e = postab_get(doc->pos, node);
    if (!e)
        return mg_mark_at(doc->path, 0, 0);
    return mg_mark_at(pos_file(doc, e), e->line, pos_col(doc->pos, e, 0));
}

mg_mark mg_doc_key_mark(const mg_doc *doc, const cJSON *node)
{
    const pos_ent *e = postab_get(doc->pos, node);
    if (!e)
        return mg_mark_at(doc->path, 0, 0);
    if (e->kline)
        return mg_mark_at(pos_file(doc, e), e->kline, pos_col(doc->pos, e, 1));
    return mg_mark_at(pos_file(doc, e), e->line, pos_col(doc->pos, e, 0));
}

int mg_doc_is_quoted(const mg_doc *doc, const cJSON *node)
{
    const pos_ent *e = postab_get(doc->pos, node);
    return e && e->quoted && cJSON_IsString(node);
}

const cJSON *mg_doc_parent(const mg_doc *doc, const cJSON *node, int *index)
{
    const pos_ent *e = postab_get(doc->pos, node);
    if (index)
        *index = e ? (int)e->index : 0;
    return e ? e->parent : NULL;
}

const cJSON *mg_doc_member(const mg_doc *doc, const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj) || !key)
        return NULL;
    if (doc && doc->pos)
        return member_find(&doc->pos->keys, obj, key, 1);
    for (const cJSON *c = obj->child; c; c = c->next)
        if (c->string && strcmp(c->string, key) == 0)
            return c;
    return NULL;
}

void mg_doc_record(const mg_doc *doc, const cJSON *node, const cJSON *parent, int index, mg_mark at,
                   mg_mark key_at)
{
    pos_ent e;
    memset(&e, 0, sizeof e);
    e.node = node;
    e.parent = parent;
    pos_set_index(&e, index);
    e.line = at.line;
    e.kline = parent && cJSON_IsObject(parent) ? key_at.line : 0;
    pos_set_cols(doc->pos, &e, at.col, parent && cJSON_IsObject(parent) ? key_at.col : 0);
    e.quoted = cJSON_IsString(node);
    /* A node copied from another document keeps that document's file. */
    e.foreign = at.file && strcmp(at.file, doc->path) != 0;
    if (e.foreign)
        ((file_ent *)mg_hmap_put_ptr(&doc->pos->files, node, NULL))->file = at.file;
    postab_put(doc->pos, &e);
    if (parent && cJSON_IsObject(parent) && node->string) {
        key_ent *k = (key_ent *)keytab_find(&doc->pos->keys, parent, node->string);
        if (k)
            k->child = node;
        else
            keytab_note(&doc->pos->keys, parent, node, index);
    }
}

void mg_doc_replace(const mg_doc *cdoc, cJSON *old, cJSON *repl)
{
    docent *de = (docent *)(void *)cdoc;
    mg_doc *doc = &de->doc;
    const pos_ent *pe = postab_get(doc->pos, old);
    pos_ent was;
    int was_col = 0, was_kcol = 0;
    memset(&was, 0, sizeof was);
    if (!pe && doc->root != old)
        return; /* not a node of this document */
    if (pe) {
        was = *pe; /* copied out: postab_put may move the slots */
        was_col = pos_col(doc->pos, pe, 0);
        was_kcol = pos_col(doc->pos, pe, 1);
    }
    cJSON *parent = (cJSON *)was.parent;
    if (parent) {
        cJSON_DetachItemViaPointer(parent, old);
        if (cJSON_IsObject(parent) && old->string) {
            if (repl->string && !(repl->type & cJSON_StringIsConst))
                cJSON_free(repl->string);
            size_t n = strlen(old->string) + 1;
            repl->string = cJSON_malloc(n);
            if (!repl->string)
                abort();
            memcpy(repl->string, old->string, n);
            repl->type &= ~cJSON_StringIsConst;
        }
        /* Spliced by hand: with the packaged cJSON 1.7.15,
         * cJSON_InsertItemInArray left a member in the middle of a mapping out. */
        cJSON *next = parent->child;
        for (int i = 0; next && i < (int)was.index; i++)
            next = next->next;
        repl->prev = repl->next = NULL;
        if (!next) {
            cJSON_AddItemToArray(parent, repl);
        } else {
            repl->next = next;
            repl->prev = next->prev;
            if (next == parent->child)
                parent->child = repl;
            else
                next->prev->next = repl;
            next->prev = repl;
        }
    } else if (doc->root == old) {
        doc->root = repl;
    }
    const pos_ent *re = postab_get(doc->pos, repl);
    mg_mark at = re ? mg_mark_at(pos_file(doc, re), re->line, pos_col(doc->pos, re, 0))
                    : mg_mark_at(doc->path, was.line, was_col);
    mg_doc_record(doc, repl, parent, (int)was.index, at, mg_mark_at(doc->path, was.kline, was_kcol));
    if (!de->replaced)
        de->replaced = cJSON_CreateArray();
    cJSON_AddItemToArray(de->replaced, old);
    if (doc->pos->gen)
        (*doc->pos->gen)++;
}

int mg_doc_hop_get(const mg_doc *doc, const cJSON *member, const mg_doc **tdoc, const cJSON **tnode)
{
    const struct mg_postab *t = doc->pos;
    if (!t || !t->gen || !t->hops.len)
        return 0;
    const hop_ent *h = mg_hmap_get_ptr(&t->hops, member);
    if (!h || h->gen != *t->gen)
        return 0;
    *tdoc = h->tdoc;
    *tnode = h->tnode;
    return 1;
}

void mg_doc_hop_put(const mg_doc *doc, const cJSON *member, const mg_doc *tdoc, const cJSON *tnode)
{
    struct mg_postab *t = doc->pos;
    if (!t || !t->gen)
        return;
    const pos_ent *pe = postab_get(t, member);
    if (!pe || !pe->loaded)
        return;
    hop_ent *h = mg_hmap_put_ptr(&t->hops, member, NULL);
    h->tdoc = tdoc;
    h->tnode = tnode;
    h->gen = *t->gen;
}

unsigned mg_docset_generation(const mg_docset *set)
{
    return set->gen;
}

unsigned mg_docset_walk_stamp(mg_docset *set)
{
    /* A mark keeps the stamp in valueint's bits above MG_MARK_BITS; a set
     * walked 2^28 times is not a catalogue's. */
    if (set->walk_stamp >= (unsigned)INT_MAX >> MG_MARK_BITS)
        abort();
    return ++set->walk_stamp;
}

unsigned mg_docset_walk_last(const mg_docset *set)
{
    return set->walk_stamp;
}

const mg_doc *mg_docset_ref_file(const mg_docset *set, const char *path)
{
    const doc_ent *e = mg_hmap_get_str(&set->ref_files, path);
    return e ? e->doc : NULL;
}

void mg_docset_set_ref_file(mg_docset *set, const char *path, const mg_doc *doc)
{
    ((doc_ent *)mg_hmap_put_str(&set->ref_files, path, NULL))->doc = doc;
}

const mg_doc *mg_docset_owner(const mg_docset *set, const cJSON *node)
{
    for (size_t i = 0; i < set->n; i++)
        if (postab_get(set->docs[i]->doc.pos, node))
            return &set->docs[i]->doc;
    return NULL;
}

size_t mg_docset_count(const mg_docset *set)
{
    return set->n;
}

const mg_doc *mg_docset_doc(const mg_docset *set, size_t i)
{
    return i < set->n ? &set->docs[i]->doc : NULL;
}

cJSON *mg_load_data_file(const char *path, mg_diag *d)
{
    mg_docset *set = mg_docset_new(NULL);
    const mg_doc *doc = mg_docset_load(set, path, mg_mark_at(NULL, 0, 0), d);
    cJSON *root = NULL;
    if (doc) {
        root = doc->root;
        ((docent *)(void *)set->docs[0])->doc.root = NULL;
    }
    /* Marks in reported errors borrowed the doc's path; they were printed already. */
    mg_docset_free(set);
    return root;
}

/* Pre-order search for the node whose value or key is marked `at`. A block
 * mapping starts where its first key does, so the shallowest node wins,
 * its value before its key: an error "at the mapping" names the mapping. */
static const cJSON *node_marked(const mg_doc *doc, const cJSON *node, mg_mark at)
{
    mg_mark m = mg_doc_mark(doc, node);
    if (m.line == at.line && m.col == at.col)
        return node;
    if (node->string) {
        m = mg_doc_key_mark(doc, node);
        if (m.line == at.line && m.col == at.col)
            return node;
    }
    for (const cJSON *c = node->child; c; c = c->next) {
        const cJSON *hit = node_marked(doc, c, at);
        if (hit)
            return hit;
    }
    return NULL;
}

void mg_doc_pointer(const mg_doc *doc, const cJSON *node, mg_buf *out)
{
    int index;
    const cJSON *parent = node ? mg_doc_parent(doc, node, &index) : NULL;
    if (!parent)
        return;
    mg_doc_pointer(doc, parent, out);
    mg_buf_putc(out, '/');
    if (cJSON_IsArray(parent))
        mg_buf_appendf(out, "%d", index);
    else
        mg_jptr_append_token(out, node->string);
}

int mg_doc_pointer_at(const mg_doc *doc, mg_mark at, mg_buf *out)
{
    if (!doc || !doc->root || !at.file || at.line <= 0 || strcmp(doc->path, at.file) != 0)
        return -1;
    const cJSON *node = node_marked(doc, doc->root, at);
    if (!node)
        return -1;
    mg_doc_pointer(doc, node, out);
    return 0;
}

int mg_docset_pointer_at(const mg_docset *set, mg_mark at, mg_buf *out)
{
    if (!set || !at.file || at.line <= 0)
        return -1;
    for (size_t i = 0; i < mg_docset_count(set); i++) {
        const mg_doc *doc = mg_docset_doc(set, i);
        if (doc->root && strcmp(doc->path, at.file) == 0)
            return mg_doc_pointer_at(doc, at, out);
    }
    return -1;
}

void mg_doc_vreport(mg_diag *d, const mg_doc *doc, const cJSON *node, int key, int warning, const char *fmt,
                    va_list ap)
{
    mg_mark at = key ? mg_doc_key_mark(doc, node) : mg_doc_mark(doc, node);
    mg_buf ptr;
    mg_buf_init(&ptr);
    /* The pointer costs a walk to the root: only when a format shows it. A
     * node without a position (made after loading) has no parent link
     * either, so its pointer would wrongly be the root's. */
    const char *p = NULL;
    const pos_ent *pe = node ? postab_get(doc->pos, node) : NULL;
    /* A node copied from another file (pe->foreign) has its position there
     * but its parents here: no pointer rather than one into the wrong file. */
    if (mg_diag_output_format() != MG_DIAG_TEXT && pe && !pe->foreign) {
        mg_doc_pointer(doc, node, &ptr);
        p = mg_buf_cstr(&ptr);
    }
    if (warning)
        mg_diag_vwarning_ptr(d, at, p, fmt, ap);
    else
        mg_diag_verror_ptr(d, at, p, fmt, ap);
    mg_buf_fini(&ptr);
}

void mg_doc_verror(mg_diag *d, const mg_doc *doc, const cJSON *node, const char *fmt, va_list ap)
{
    mg_doc_vreport(d, doc, node, 0, 0, fmt, ap);
}

#define DOC_REPORT(name, key, warning)                                                  \
    void name(mg_diag *d, const mg_doc *doc, const cJSON *node, const char *fmt, ...) \
    {                                                                                 \
        va_list ap;                                                                   \
        va_start(ap, fmt);                                                            \
        mg_doc_vreport(d, doc, node, key, warning, fmt, ap);                          \
        va_end(ap);                                                                   \
    }
DOC_REPORT(mg_doc_error, 0, 0)
DOC_REPORT(mg_doc_key_error, 1, 0)
DOC_REPORT(mg_doc_warning, 0, 1)
DOC_REPORT(mg_doc_key_warning, 1, 1)

void mg_docset_verror(const mg_docset *set, mg_diag *d, mg_mark at, const char *fmt, va_list ap)
{
    mg_buf ptr;
    mg_buf_init(&ptr);
    if (mg_diag_output_format() != MG_DIAG_TEXT && mg_docset_pointer_at(set, at, &ptr) == 0)
        mg_diag_verror_ptr(d, at, mg_buf_cstr(&ptr), fmt, ap);
    else
        mg_diag_verror(d, at, fmt, ap);
    mg_buf_fini(&ptr);
}

void mg_docset_error(const mg_docset *set, mg_diag *d, mg_mark at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mg_docset_verror(set, d, at, fmt, ap);
    va_end(ap);
}
