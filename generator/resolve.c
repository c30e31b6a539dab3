/* resolve.c - "$ref" to target nodes, across files, with cycle detection.
 *
 * A reference is followed one hop at a time (hop): split at '#', percent-decode
 * both halves, load the file part through load.h relative to the referring
 * document's folder, then walk the JSON pointer. A chain of references is a
 * sequence of hops; it is a cycle when a hop reaches a $ref object already on
 * the chain. A $ref inside a schema that points at an ancestor (a tree node
 * whose children are of its own type) is not a cycle: its target is a schema
 * with structure, not another bare $ref.
 *
 * mg_resolve_all resolves each $ref node once (one hop), records the hop's
 * target in a hash table, and then looks for cycles in that table, so that a
 * broken reference is reported once, at its own position, however many other
 * references lead to it.
 */
#include "resolve.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "hmap.h"
#include "text.h"
#include "util.h"

/* The "$ref" member of `node` when node is an object that has one; NULL otherwise. */
static const cJSON *ref_member(const cJSON *node)
{
    if (!node || (node->type & 0xFF) != cJSON_Object) /* cJSON_IsObject, without the call */
        return NULL;
    for (const cJSON *c = node->child; c; c = c->next)
        if (c->string && c->string[0] == '$' && strcmp(c->string, "$ref") == 0)
            return c;
    return NULL;
}

/* Percent-decodes `s[0..n)` into `out`. Returns 0, or -1 on a bad escape or an
 * escaped NUL. */
static int percent_decode(const char *s, size_t n, mg_buf *out)
{
    mg_buf_reset(out);
    /* The run before the first escape (most refs have none) in one copy. */
    const char *pct = memchr(s, '%', n);
    size_t i = pct ? (size_t)(pct - s) : n;
    if (i)
        mg_buf_append(out, s, i);
    for (; i < n; i++) {
        if (s[i] != '%') {
            mg_buf_putc(out, s[i]);
            continue;
        }
        if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
            return -1;
        char hex[3] = {s[i + 1], s[i + 2], '\0'};
        long v = strtol(hex, NULL, 16);
        if (v == 0)
            return -1;
        mg_buf_putc(out, (char)v);
        i += 2;
    }
    return 0;
}

/* A URI scheme ("http:", "urn:") before any '/', per RFC 3986 section 3.1. */
static size_t scheme_len(const char *ref)
{
    if (!isalpha((unsigned char)ref[0]))
        return 0;
    size_t i = 1;
    while (isalnum((unsigned char)ref[i]) || ref[i] == '+' || ref[i] == '-' || ref[i] == '.')
        i++;
    return ref[i] == ':' ? i : 0;
}

/* Is the absolute path `p` the folder `root` or inside it? */
static int path_within(const char *p, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return 1;
    return strncmp(p, root, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* Lexically absolute and normalised form of `path` (relative to the cwd). */
static char *absolute_lexical(const char *path)
{
    mg_buf b;
    mg_buf_init(&b);
    if (path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        mg_buf_append_str(&b, cwd ? cwd : "/");
        free(cwd);
        mg_buf_putc(&b, '/');
    }
    mg_buf_append_str(&b, path);
    /* Absolute, so ".." at the top stays at "/". */
    char *out = mg_path_normalise(mg_buf_cstr(&b));
    mg_buf_fini(&b);
    return out;
}

/* Reports that `ref`, the "$ref" member `member` of `doc`, leads nowhere;
 * `fmt` says why. */
static void unresolved(mg_diag *d, const mg_doc *doc, const cJSON *member, const char *ref, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void unresolved(mg_diag *d, const mg_doc *doc, const cJSON *member, const char *ref, const char *fmt, ...)
{
    mg_buf b;
    mg_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    mg_buf_vappendf(&b, fmt, ap);
    va_end(ap);
    mg_doc_error(d, doc, member, "unresolved $ref '%s': %s", ref, mg_buf_cstr(&b));
    mg_buf_fini(&b);
}

/* Evaluates the JSON pointer `ptr` (already percent-decoded, starting with '/'
 * or empty) in `doc`. Reports at `member` (the "$ref" in `from`) and returns
 * NULL when it leads nowhere. */
static const cJSON *walk_pointer(const mg_doc *doc, const mg_doc *from, const char *ptr,
                                 const char *ref, const cJSON *member, mg_diag *d)
{
    const cJSON *cur = doc->root;
    const char *in_file = doc == from ? "" : " in ";
    const char *file = doc == from ? "" : doc->path;
    mg_buf tok;
    mg_buf_init(&tok);
    const char *p = ptr;
    while (*p == '/') {
        size_t prefix_len = (size_t)(p - ptr);
        p++;
        mg_buf_reset(&tok);
        const char *bad = NULL;
        /* A token without '~' (nearly all: "components", "schemas", a
         * type's name) is its own decoding: one append, not a putc per
         * byte (a fifth of resolving's own instructions). */
        const char *te = p;
        while (*te && *te != '/' && *te != '~')
            te++;
        if (*te == '~')
            p = mg_jptr_decode_token(&tok, p, &bad);
        else {
            mg_buf_append(&tok, p, (size_t)(te - p));
            p = te;
        }
        if (bad) {
            mg_doc_error(d, from, member,
                         "bad JSON pointer in $ref '%s': '~%c' is not an escape (write '~0' for '~' and '~1' for '/')",
                         ref, bad[1] && bad[1] != '/' ? bad[1] : ' ');
            mg_buf_fini(&tok);
            return NULL;
        }
        const char *name = mg_buf_cstr(&tok);
        const cJSON *next = NULL;
        if (cJSON_IsObject(cur)) {
            next = mg_doc_member(doc, cur, name);
        } else if (cJSON_IsArray(cur)) {
            int ok = *name != '\0' && (name[0] != '0' || name[1] == '\0');
            for (const char *q = name; ok && *q; q++)
                ok = *q >= '0' && *q <= '9';
            if (ok && strlen(name) < 10) {
                int idx = atoi(name);
                next = cJSON_GetArrayItem(cur, idx);
            }
        } else {
            unresolved(d, from, member, ref, "'%.*s'%s%s is not an object or array, so it has no '%s'",
                       (int)prefix_len, ptr, in_file, file, name);
            mg_buf_fini(&tok);
            return NULL;
        }
        if (!next) {
            if (prefix_len == 0)
                unresolved(d, from, member, ref, "no '%s' at the top of %s", name,
                           doc == from ? "the document" : doc->path);
            else
                unresolved(d, from, member, ref, "no '%s' under '%.*s'%s%s", name, (int)prefix_len, ptr,
                           in_file, file);
            mg_buf_fini(&tok);
            return NULL;
        }
        cur = next;
    }
    mg_buf_fini(&tok);
    return cur;
}

/* The documents that the file parts of mg_resolve_all's $refs reached: a
 * catalogue's refs name the same few files from each document over and
 * over ("./d0000-node.yaml#/A", "./d0000-node.yaml#/B", ...), and decoding,
 * joining, normalising and looking up the path again was about 2 000
 * instructions a hop. The key is the referring document and the file part's
 * raw bytes (before percent-decoding), which decide the path exactly. Only
 * files that were reached are kept, so an error is reported as before. */
typedef struct file_ent {
    const mg_doc *doc;     /* the referring document */
    const char *file;      /* the file part, in its $ref's string (not a copy) */
    size_t flen;
    const mg_doc *target;
} file_ent;

typedef struct file_key {
    const mg_doc *doc;
    const char *file;
    size_t flen;
} file_key;

static int file_eq(const void *ent, const void *key)
{
    const file_ent *e = ent;
    const file_key *k = key;
    return e->doc == k->doc && e->flen == k->flen && memcmp(e->file, k->file, k->flen) == 0;
}

static uint32_t file_hash(const mg_doc *doc, const char *file, size_t flen)
{
    return mg_hash_mem_seed(mg_hash_ptr(doc), file, flen);
}

/* Follows one $ref: `member` is the "$ref" member of an object in `doc`.
 * Returns 0 with `*tdoc`/`*tnode` set, or -1 after reporting. `files`, when
 * not NULL, holds file_ents (see above). */
static int hop(mg_docset *set, const mg_doc *doc, const cJSON *member, const mg_doc **tdoc,
               const cJSON **tnode, mg_diag *d, mg_hmap *files)
{
    /* Followed before (resolving every $ref, then the typo walk and the model
     * follow the same ones): 1 568 hops of the worker-backend catalogue's
     * model were 6.1 M instructions. Only successes are kept, so an error is
     * reported by every request as before. */
    if (mg_doc_hop_get(doc, member, tdoc, tnode))
        return 0;
    if (!cJSON_IsString(member) || !member->valuestring) {
        mg_doc_error(d, doc, member, "'$ref' must be a string (a URI reference such as '#/components/schemas/Name')");
        return -1;
    }
    const char *ref = member->valuestring;
    const char *hash = strchr(ref, '#');
    size_t flen = hash ? (size_t)(hash - ref) : strlen(ref);
    const char *frag = hash ? hash + 1 : "";
    /* A remote ref is read from the local copy a --ref-map names, never fetched. */
    char *mapped = NULL;
    size_t sl = scheme_len(ref);
    if (sl) {
        int web = (sl == 4 && strncmp(ref, "http", 4) == 0) || (sl == 5 && strncmp(ref, "https", 5) == 0);
        if (web) {
            char *url = mg_xstrndup(ref, flen);
            mapped = mg_docset_map_url(set, url);
            free(url);
        }
        if (!web)
            mg_doc_error(d, doc, member,
                         "'$ref: %s' uses the URI scheme '%.*s:', which msggen does not support (use a relative path)",
                         ref, (int)sl, ref);
        else if (!mapped)
            mg_doc_error(d, doc, member,
                         "'$ref: %s' is remote; msggen does not fetch (serve it from a local copy with --ref-map URL_PREFIX=DIR, or copy the file next to the schema and use a relative path)",
                         ref);
        if (!mapped)
            return -1;
    }
    mg_buf file, ptr;
    mg_buf_init(&file);
    mg_buf_init(&ptr);
    int rc = -1;
    const mg_doc *target = doc;
    uint32_t fh = 0;
    if (files && !mapped && flen > 0) {
        fh = file_hash(doc, ref, flen);
        const file_ent *fe = mg_hmap_find(files, fh, file_eq, &(file_key){doc, ref, flen});
        if (fe) { /* the file part decoded and reached fe->target before */
            if (percent_decode(frag, strlen(frag), &ptr) < 0) {
                mg_doc_error(d, doc, member, "bad percent-escape in $ref '%s' (write '%%' as '%%25')", ref);
                goto out;
            }
            target = fe->target;
            goto walk;
        }
    }
    if ((!mapped && percent_decode(ref, flen, &file) < 0) || percent_decode(frag, strlen(frag), &ptr) < 0) {
        mg_doc_error(d, doc, member, "bad percent-escape in $ref '%s' (write '%%' as '%%25')", ref);
        goto out;
    }
    if (mapped) {
        /* The URL path is percent-decoded into a file name like a relative ref's. */
        if (percent_decode(mapped, strlen(mapped), &file) < 0) {
            mg_doc_error(d, doc, member, "bad percent-escape in $ref '%s' (write '%%' as '%%25')", ref);
            goto out;
        }
    }
    if (file.len > 0) {
        mg_buf joined;
        mg_buf_init(&joined);
        if (!mapped && file.data[0] != '/' && strcmp(doc->dir, ".") != 0) {
            mg_buf_append_str(&joined, doc->dir);
            mg_buf_putc(&joined, '/');
        }
        mg_buf_append_str(&joined, mg_buf_cstr(&file));
        char *norm = mg_path_normalise(mg_buf_cstr(&joined));
        mg_buf_reset(&joined);
        mg_buf_append_str(&joined, norm);
        free(norm);
        const char *jp = mg_buf_cstr(&joined);
        /* A file that an earlier $ref reached with this very path passed the
         * checks below already; thousands of refs to one shared file would
         * otherwise each cost realpath, getcwd and stat. */
        const mg_doc *known = mg_docset_ref_file(set, jp);
        if (known) {
            target = known;
            mg_buf_fini(&joined);
            goto reached;
        }
        const char *root = mg_docset_root(set);
        if (root && !mg_docset_allow_outside(set)) {
            char *real = realpath(jp, NULL);
            char *abs = absolute_lexical(jp);
            int inside = path_within(abs, root) && (!real || path_within(real, root));
            free(real);
            free(abs);
            if (!inside) {
                mg_doc_error(d, doc, member,
                             "$ref '%s' points outside the catalogue's root folder (move the file inside it)",
                             ref);
                mg_buf_fini(&joined);
                goto out;
            }
        }
        struct stat st;
        if (stat(jp, &st) != 0 && mapped) {
            mg_doc_error(d, doc, member, "'$ref: %s' is served by --ref-map from '%s', which cannot be opened: %s", ref, jp,
                         strerror(errno));
            mg_buf_fini(&joined);
            goto out;
        }
        if (stat(jp, &st) != 0) {
            unresolved(d, doc, member, ref, "cannot open '%s': %s", jp, strerror(errno));
            mg_buf_fini(&joined);
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            unresolved(d, doc, member, ref, "'%s' is a directory", jp);
            mg_buf_fini(&joined);
            goto out;
        }
        target = mg_docset_load(set, jp, mg_doc_mark(doc, member), d);
        if (target)
            mg_docset_set_ref_file(set, jp, target);
        mg_buf_fini(&joined);
        if (!target)
            goto out; /* the file's own error has been reported */
    reached:
        if (files && !mapped) {
            file_ent *fe = mg_hmap_add(files, fh);
            *fe = (file_ent){doc, ref, flen, target};
        }
    }
walk:;
    const char *pp = mg_buf_cstr(&ptr);
    if (*pp && *pp != '/') {
        mg_doc_error(d, doc, member,
                     "$ref '%s': only JSON-pointer fragments ('#/a/b') are supported, not plain-name anchors",
                     ref);
        goto out;
    }
    const cJSON *n = walk_pointer(target, doc, pp, ref, member, d);
    if (!n)
        goto out;
    *tdoc = target;
    *tnode = n;
    mg_doc_hop_put(doc, member, target, n);
    rc = 0;
out:
    free(mapped);
    mg_buf_fini(&file);
    mg_buf_fini(&ptr);
    return rc;
}

/* ------------------------------------------------------- node hash set / map */

/* An entry of the refs table (an mg_hmap keyed by node pointer). */
typedef struct refent {
    const cJSON *node;     /* the object holding "$ref": the key */
    const mg_doc *doc;     /* where node lives */
    const mg_doc *tdoc;    /* hop target, when ok */
    const cJSON *tnode;
    int ok;                /* the hop succeeded */
    int color;             /* cycle search: 0 new, 1 on the current path, 2 done */
    size_t order;          /* discovery order, for deterministic reporting */
} refent;

/* Which members hold data or names rather than schemas: a "$ref" key inside
 * them is not a reference (a property may be called "$ref"; an example payload
 * may contain one). */
static int is_data_member(const char *name)
{
    static const char *const data[] = {"enum", "const", "default", "examples", "example", NULL};
    if (name[0] != 'e' && name[0] != 'c' && name[0] != 'd') /* the initials above: most names are none */
        return 0;
    for (const char *const *p = data; *p; p++)
        if (strcmp(name, *p) == 0)
            return 1;
    return 0;
}

static int is_name_map_member(const char *name)
{
    static const char *const maps[] = {"properties", "patternProperties", "definitions", "$defs",
                                       "dependentSchemas", NULL};
    if (name[0] != 'p' && name[0] != 'd' && name[0] != '$')
        return 0;
    for (const char *const *p = maps; *p; p++)
        if (strcmp(name, *p) == 0)
            return 1;
    return 0;
}

typedef struct witem {
    const mg_doc *doc;
    const cJSON *node;
    int names; /* node's members are names (e.g. under "properties"): not refs themselves */
} witem;

/* --------------------------------------------------------------- public API */

int mg_resolve_ref(mg_docset *set, const mg_doc *doc, const cJSON *node, mg_ref_target *out,
                   mg_diag *d)
{
    out->doc = doc;
    out->node = node;
    out->first = node;
    const cJSON *member = ref_member(node);
    if (!member)
        return 0;
    const cJSON *seen[MG_MAX_REF_DEPTH + 1];
    const mg_doc *seen_doc[MG_MAX_REF_DEPTH + 1];
    const mg_doc *cur_doc = doc;
    const cJSON *cur = node;
    const cJSON *start = member;
    for (int hops = 0;; hops++) {
        if (hops >= MG_MAX_REF_DEPTH) {
            mg_doc_error(d, doc, start, "$ref chain longer than %d hops (is it a cycle?)", MG_MAX_REF_DEPTH);
            return -1;
        }
        seen[hops] = cur;
        seen_doc[hops] = cur_doc;
        const mg_doc *tdoc;
        const cJSON *tnode;
        if (hop(set, cur_doc, member, &tdoc, &tnode, d, NULL) < 0)
            return -1;
        if (hops == 0)
            out->first = tnode;
        cur_doc = tdoc;
        cur = tnode;
        member = ref_member(cur);
        if (!member)
            break;
        for (int k = 0; k <= hops; k++)
            if (seen[k] == cur) {
                mg_buf chain;
                mg_buf_init(&chain);
                for (int i = k; i <= hops; i++) {
                    char *uri = mg_resolve_node_uri(set, seen_doc[i], seen[i]);
                    mg_buf_appendf(&chain, "%s -> ", uri);
                    free(uri);
                }
                char *uri = mg_resolve_node_uri(set, cur_doc, cur);
                mg_buf_append_str(&chain, uri);
                free(uri);
                mg_doc_error(d, cur_doc, member,
                             "$ref cycle with no schema in between: %s", mg_buf_cstr(&chain));
                mg_buf_fini(&chain);
                return -1;
            }
    }
    out->doc = cur_doc;
    out->node = cur;
    return 1;
}

char *mg_resolve_node_uri(const mg_docset *set, const mg_doc *doc, const cJSON *node)
{
    if (!doc)
        doc = mg_docset_owner(set, node);
    mg_buf b;
    mg_buf_init(&b);
    if (!doc) {
        mg_buf_append_str(&b, "?#");
        return mg_buf_steal(&b, NULL);
    }
    /* Collect the path from the node up to the root, then write it forwards. */
    size_t n = 0, cap = 16;
    const cJSON **chain = malloc(cap * sizeof *chain);
    int *idx = malloc(cap * sizeof *idx);
    if (!chain || !idx)
        abort();
    const cJSON *cur = node;
    while (cur && cur != doc->root) {
        int i;
        const cJSON *parent = mg_doc_parent(doc, cur, &i);
        if (!parent)
            break;
        if (n == cap) {
            cap *= 2;
            chain = realloc(chain, cap * sizeof *chain);
            idx = realloc(idx, cap * sizeof *idx);
            if (!chain || !idx)
                abort();
        }
        chain[n] = cur;
        idx[n] = cJSON_IsArray(parent) ? i : -1;
        n++;
        cur = parent;
    }
    mg_buf_append_str(&b, doc->path);
    mg_buf_putc(&b, '#');
    while (n > 0) {
        n--;
        mg_buf_putc(&b, '/');
        if (idx[n] >= 0) {
            mg_buf_appendf(&b, "%d", idx[n]);
            continue;
        }
        mg_jptr_append_token(&b, chain[n]->string ? chain[n]->string : "");
    }
    free(chain);
    free(idx);

    return mg_buf_steal(&b, NULL);
}

int mg_resolve_all(mg_docset *set, const mg_doc *doc, mg_diag *d)
{
    int errors_before = d->errors;
    mg_hmap refs;  /* refent */
    mg_hmap files; /* file_ent: see hop */
    mg_hmap_init(&refs, sizeof(refent));
    mg_hmap_init(&files, sizeof(file_ent));
    /* Every collection walked carries the walk's mark (load.h), so shared
     * and recursive subtrees are walked once. A scalar (a root, or what a
     * $ref leads to) holds no $ref and is not pushed again: meeting it twice
     * does nothing. */
    unsigned stamp = mg_docset_walk_stamp(set);
    size_t order = 0;
    size_t sn = 0, scap = 64;
    witem *stack = malloc(scap * sizeof *stack);
    /* Refs in discovery order, for a deterministic cycle search. */
    size_t rn = 0, rcap = 64;
    const cJSON **reflist = malloc(rcap * sizeof *reflist);
    if (!stack || !reflist)
        abort();
    stack[sn++] = (witem){doc, doc->root, 0};
    while (sn > 0 && !mg_diag_full(d)) {
        witem w = stack[--sn];
        if (mg_node_mark(w.node, stamp))
            continue;
        mg_node_set_mark(w.node, stamp, 1);
        const cJSON *member = w.names ? NULL : ref_member(w.node);
        if (member) {
            const mg_doc *tdoc = NULL;
            const cJSON *tnode = NULL;
            int ok = hop(set, w.doc, member, &tdoc, &tnode, d, &files) == 0;
            refent *e = mg_hmap_put_ptr(&refs, w.node, NULL);
            e->doc = w.doc;
            e->ok = ok;
            e->tdoc = tdoc;
            e->tnode = tnode;
            e->order = order++;
            reflist = mg_xgrow(reflist, rn, &rcap, sizeof *reflist);
            reflist[rn++] = w.node;
            if (ok) {
                stack = mg_xgrow(stack, sn, &scap, sizeof *stack);
                stack[sn++] = (witem){tdoc, tnode, 0};
            }
        }
        if (!mg_json_is_collection(w.node))
            continue;
        /* Push children in reverse so they are walked in document order. */
        /* Only collections can hold a $ref: scalars are never pushed, which
         * keeps the stack small for data-heavy files. */
        size_t count = 0;
        for (const cJSON *c = w.node->child; c; c = c->next)
            count += mg_json_is_collection(c);
        if (sn + count > scap) {
            while (sn + count > scap)
                scap *= 2;
            stack = realloc(stack, scap * sizeof *stack);
            if (!stack)
                abort();
        }
        size_t base = sn;
        size_t k = 0;
        int in_object = (w.node->type & 0xFF) == cJSON_Object;
        for (const cJSON *c = w.node->child; c; c = c->next) {
            if (!mg_json_is_collection(c))
                continue;
            int skip = 0, names = 0;
            if (in_object && c->string) {
                if (!w.names && c->string[0] == '$' && strcmp(c->string, "$ref") == 0)
                    skip = 1;
                else if (!w.names && is_data_member(c->string))
                    skip = 1;
                else if (!w.names && is_name_map_member(c->string))
                    names = 1;
            }
            if (skip)
                continue;
            stack[base + count - 1 - k] = (witem){w.doc, c, names};
            k++;
        }
        /* Close the gap left by skipped members. */
        if (k < count)
            memmove(&stack[base], &stack[base + count - k], k * sizeof *stack);
        sn = base + k;
    }
    /* Cycles: a ref whose hop lands on another ref object forms a chain; a chain
     * that comes back to itself has no schema anywhere in it. */
    const cJSON **path = malloc((rn ? rn : 1) * sizeof *path);
    if (!path)
        abort();
    for (size_t r = 0; r < rn && !mg_diag_full(d); r++) {
        size_t pn = 0;
        const cJSON *cur = reflist[r];
        refent *e = mg_hmap_get_ptr(&refs, cur);
        while (e && e->color == 0) {
            e->color = 1;
            path[pn++] = cur;
            if (!e->ok) {
                e = NULL;
                break;
            }
            cur = e->tnode;
            e = mg_hmap_get_ptr(&refs, cur);
        }
        if (e && e->color == 1) {
            /* `cur` is on the current path: report the cycle at the ref where
             * it starts, naming the chain. */
            size_t s = 0;
            while (s < pn && path[s] != cur)
                s++;
            mg_buf chain;
            mg_buf_init(&chain);
            for (size_t i = s; i < pn; i++) {
                refent *pe = mg_hmap_get_ptr(&refs, path[i]);
                char *uri = mg_resolve_node_uri(set, pe->doc, path[i]);
                mg_buf_appendf(&chain, "%s -> ", uri);
                free(uri);
            }
            char *uri = mg_resolve_node_uri(set, e->doc, cur);
            mg_buf_append_str(&chain, uri);
            free(uri);
            mg_doc_error(d, e->doc, ref_member(cur),
                         "$ref cycle with no schema in between: %s", mg_buf_cstr(&chain));
            mg_buf_fini(&chain);
        }
        for (size_t i = 0; i < pn; i++)
            ((refent *)mg_hmap_get_ptr(&refs, path[i]))->color = 2;
    }
    free(path);
    free(reflist);
    free(stack);
    mg_hmap_fini(&refs);
    mg_hmap_fini(&files);
    return d->errors > errors_before ? -1 : 0;
}
