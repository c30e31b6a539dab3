/* load.h - reads YAML and JSON files into cJSON trees, with the source position
 * of every node kept in a side table.
 *
 * A mg_docset owns every document it has loaded, and every document owns its
 * cJSON tree, its path string and its position table; all are freed by
 * mg_docset_free. A file is read and parsed once per docset, however often it is
 * asked for (the cache key is the file's real path).
 *
 * YAML follows the 1.2 core schema for plain scalars (true/false/null/~ and
 * numbers; `yes`/`no` stay strings); quoted scalars are always strings.
 * A number node whose double may not be the number written (more than 15
 * significant digits, such as 9223372036854775807; a nonzero number that
 * underflows or overflows; a YAML hex or octal integer at or beyond 2^53, kept
 * in decimal) keeps its text in `valuestring` (cJSON leaves it NULL for
 * numbers, frees it with the node and copies it in cJSON_Duplicate); every
 * other number node has none. validate.c decides exactly with it.
 * Merge keys ("<<", YAML 1.1 only) are refused rather than kept as a literal key.
 * Duplicate keys, multiple documents, alias bombs (MG_MAX_ALIAS_NODES), nesting
 * deeper than MG_MAX_NESTING and files over MG_MAX_INPUT_BYTES are errors,
 * reported through mg_diag with the file's line and column.
 */
#ifndef MG_LOAD_H
#define MG_LOAD_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

typedef struct mg_doc mg_doc;
typedef struct mg_docset mg_docset;

struct mg_doc {
    const char *path;   /* as the caller or the referring $ref named it, normalised
                         * (no "./", no "a/../"); owned by the doc; used in marks */
    const char *dir;    /* folder part of path ("." when none); owned by the doc */
    cJSON *root;        /* owned by the doc */
    struct mg_postab *pos; /* position side table; private to load.c */
};

/* Creates an empty set. `root_dir` bounds which files $ref may reach (see
 * resolve.h); NULL means no bound: a catalogue may refer to any local file
 * (reading needs no sandbox; only writes are confined, by emit.h). Free with
 * mg_docset_free. */
mg_docset *mg_docset_new(const char *root_dir);
void mg_docset_free(mg_docset *set);

/* The confining root folder (absolute, real path), or NULL when there is none. */
const char *mg_docset_root(const mg_docset *set);

/* Allows $ref to http(s) URLs and paths outside the root (still never fetched). */
void mg_docset_set_allow_outside(mg_docset *set, int allow);
int mg_docset_allow_outside(const mg_docset *set);

/* Serves remote $refs from a local copy (`--ref-map URL_PREFIX=DIR`, as the
 * AsyncAPI CLI's --map-base-url does): a $ref URL that starts with URL_PREFIX
 * is read from DIR + the rest of the URL; nothing is ever fetched. `spec` is
 * "URL_PREFIX=DIR" split at the first '=', URL_PREFIX starting with http://
 * or https:// and DIR not empty; it is copied. Returns 0, or -1 (nothing
 * added) when `spec` has not that shape. mg_ref_map_split checks the shape
 * alone (for option parsing) and gives URL_PREFIX's length. */
int mg_docset_add_ref_map(mg_docset *set, const char *spec);
int mg_ref_map_split(const char *spec, size_t *prefix_len);

/* The local path (normalised, relative to the working folder unless DIR is
 * absolute) that serves `url` under the longest matching --ref-map prefix, or
 * NULL when no map matches. `url` has no fragment. Caller frees with free(). */
char *mg_docset_map_url(const mg_docset *set, const char *url);

/* Loads `path` (YAML or JSON: a name ending in ".json" is strict JSON;
 * otherwise JSON when the first non-blank byte is '{' or '[' and the file
 * parses as strict JSON, YAML otherwise; "-" reads stdin), or returns the
 * already loaded document for the same file. `at` is where the request came
 * from, for the "cannot open" error (use a zero mark for command-line files).
 * Returns NULL after reporting an error. The document belongs to the set. A
 * file that failed to parse is reported once: later requests for it return NULL
 * silently. A file that cannot be opened is reported at every request's `at`. */
const mg_doc *mg_docset_load(mg_docset *set, const char *path, mg_mark at, mg_diag *d);

/* Parses an in-memory buffer as if it were the file `name`; the document joins
 * the set (not cached by path). For tests and fuzzing. */
const mg_doc *mg_docset_load_buffer(mg_docset *set, const char *name, const char *data,
                                    size_t len, mg_diag *d);

/* Position of a node of `doc`'s tree: its value's first character. For a member
 * of an object, mg_doc_key_mark gives the key's position instead. Unknown nodes
 * (e.g. created later) give the mark of the file with line 0. */
mg_mark mg_doc_mark(const mg_doc *doc, const cJSON *node);
mg_mark mg_doc_key_mark(const mg_doc *doc, const cJSON *node);

/* True when a string node was written in YAML in a non-plain style (single or
 * double quoted, `|` or `>` block), or is a JSON string. Lets later stages tell
 * `1` from `"1"` where that matters. */
int mg_doc_is_quoted(const mg_doc *doc, const cJSON *node);

/* The member `key` of object `obj` in O(1) through the document's member index
 * (cJSON_GetObjectItemCaseSensitive scans); NULL when absent or obj is not an
 * object. Nodes created after loading are found by a scan. */
const cJSON *mg_doc_member(const mg_doc *doc, const cJSON *obj, const char *key);

/* Rewriting a loaded document, for schemafmt.c, which puts the JSON Schema
 * equivalent of an Avro schema in the Avro schema's place, and api.c, which
 * puts a member merged from traits in the message's or operation's place.
 * mg_doc_record gives `node` (made after loading) a place in doc's tables:
 * child `index` of `parent` (NULL: the root), at the position `at`, its key
 * (for an object member) at `key_at`. When `at` is in another loaded
 * document's file (a node copied from there), marks of the node name that
 * file (at.file is borrowed: pass a mark of that document), and reports at it
 * carry no JSON pointer (its parents are in `doc`). mg_doc_replace puts the detached tree `repl` where `old`
 * is (under old's key and key position; repl keeps its own position when it
 * has one, else takes old's); `old` is kept, out of the tree, until the set is
 * freed, so that pointers to it stay valid. */
void mg_doc_record(const mg_doc *doc, const cJSON *node, const cJSON *parent, int index, mg_mark at,
                   mg_mark key_at);
void mg_doc_replace(const mg_doc *doc, cJSON *old, cJSON *repl);

/* A cache for resolve.c, so that a file named by thousands of $refs is
 * checked (root confinement, stat) and looked up once: the document that a
 * $ref to the normalised path `path` (relative to the working folder) led to,
 * or NULL when none has been recorded. Only successful hops are recorded. */
const mg_doc *mg_docset_ref_file(const mg_docset *set, const char *path);
void mg_docset_set_ref_file(mg_docset *set, const char *path, const mg_doc *doc);

/* The number of mg_doc_replace calls on the set's documents so far (its
 * tree generation): unchanged, no tree of the set has been rewritten. */
unsigned mg_docset_generation(const mg_docset *set);

/* Walk marks: a walk over the trees of a set that must meet each object
 * or array once (resolve.c's, typo.c's, model.c's schema checks) keeps what
 * it knows of a node in the node, where a table of visited nodes cost a hash
 * insertion per node (about 140 instructions; 25 M at 1 000 messages). cJSON
 * uses valueint for numbers only, so an object's or array's holds the mark:
 * the walk's stamp and MG_MARK_BITS bits of its own. A mark is read only
 * with the stamp that wrote it, so a walk never clears earlier walks' marks.
 *
 * mg_docset_walk_stamp gives a stamp no node of the set carries yet (every
 * node a set holds was made with valueint 0 or was marked under an earlier
 * stamp of the same set); mg_docset_walk_last gives the latest one handed
 * out (0: none), which tells a walk resumed later whether another walk has
 * marked nodes since. mg_node_mark gives the bits `node` carries under
 * `stamp` (0 when it carries another stamp's, or none); mg_node_set_mark
 * sets them. Only objects and arrays carry marks: on any other node
 * mg_node_set_mark does nothing and mg_node_mark gives 0. The marks are the
 * walks' bookkeeping, not content: nothing else may read or write an object's
 * or array's valueint in a set's trees. */
#define MG_MARK_BITS 3u
unsigned mg_docset_walk_stamp(mg_docset *set);
unsigned mg_docset_walk_last(const mg_docset *set);

static inline unsigned mg_node_mark(const cJSON *node, unsigned stamp)
{
    unsigned v = (unsigned)node->valueint;
    if (!(node->type & (cJSON_Array | cJSON_Object)) || v >> MG_MARK_BITS != stamp)
        return 0;
    return v & ((1u << MG_MARK_BITS) - 1);
}

static inline void mg_node_set_mark(const cJSON *node, unsigned stamp, unsigned bits)
{
    if (node->type & (cJSON_Array | cJSON_Object))
        ((cJSON *)(uintptr_t)node)->valueint = (int)(stamp << MG_MARK_BITS | bits);
}

/* resolve.c's memo of followed $refs, so that a $ref that every stage
 * follows is walked once: mg_doc_hop_put records that the "$ref" member
 * `member` of `doc` led to `tnode` of `tdoc` (only for a member the loader
 * made, which lives as long as the set; others are not kept), and
 * mg_doc_hop_get gives it back (returns 1) unless mg_doc_replace has changed
 * a tree of the set since (returns 0: follow it again). */
int mg_doc_hop_get(const mg_doc *doc, const cJSON *member, const mg_doc **tdoc, const cJSON **tnode);
void mg_doc_hop_put(const mg_doc *doc, const cJSON *member, const mg_doc *tdoc, const cJSON *tnode);

/* Finds which loaded document owns `node`; NULL if none. */
const mg_doc *mg_docset_owner(const mg_docset *set, const cJSON *node);

/* The node's parent in `doc`'s tree (NULL for the root or an unknown node) and,
 * through `index` (may be NULL), its position among the parent's children.
 * Lets resolve.c name a node by its JSON pointer without searching the tree. */
const cJSON *mg_doc_parent(const mg_doc *doc, const cJSON *node, int *index);

/* The documents loaded so far, in load order (i < mg_docset_count). */
size_t mg_docset_count(const mg_docset *set);
const mg_doc *mg_docset_doc(const mg_docset *set, size_t i);

/* Lexical normal form of a path, as mg_doc.path uses it: no "." or empty
 * parts, "a/.." folded (leading ".." of a relative path kept), "." for an
 * empty result. $ref paths are URI references, so "sub/../x" means "x" even
 * when "sub" does not exist. Caller frees with free(). */
char *mg_path_normalise(const char *path);

/* The folder part of `path`: "." when it has no '/', "/" for "/name". Returns a
 * heap string the caller frees. */
char *mg_path_dir(const char *path);

/* Appends to `out` the JSON pointer (RFC 6901) of `node` in `doc`'s tree
 * (nothing for the root), through the parent links. */
void mg_doc_pointer(const mg_doc *doc, const cJSON *node, mg_buf *out);

/* Appends to `out` the JSON pointer (RFC 6901) of the node of a loaded
 * document whose value or key starts at `at` (file, line and column as marks
 * give them). Returns 0, or -1 when no node starts there. Scans the document:
 * meant for error paths (structured diagnostics, diag.h). */
int mg_docset_pointer_at(const mg_docset *set, mg_mark at, mg_buf *out);

/* Reports an error (mg_doc_error) or a warning (mg_doc_warning) at `node` of
 * `doc`: at its value, or with mg_doc_key_error at its key (a member's name),
 * and, in the structured diagnostics formats (diag.h), with its JSON pointer.
 * A node made after loading has no position and no pointer: the error is
 * reported at the file. */
void mg_doc_error(mg_diag *d, const mg_doc *doc, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void mg_doc_key_error(mg_diag *d, const mg_doc *doc, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void mg_doc_warning(mg_diag *d, const mg_doc *doc, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void mg_doc_key_warning(mg_diag *d, const mg_doc *doc, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void mg_doc_verror(mg_diag *d, const mg_doc *doc, const cJSON *node, const char *fmt, va_list ap);
/* The general form: at the key when `key`, a warning when `warning`. */
void mg_doc_vreport(mg_diag *d, const mg_doc *doc, const cJSON *node, int key, int warning, const char *fmt,
                    va_list ap);

/* The same for one document: the pointer of the node of `doc` whose value or
 * key starts at `at`; -1 when none does. */
int mg_doc_pointer_at(const mg_doc *doc, mg_mark at, mg_buf *out);

/* Reports an error at `at` with the JSON pointer of the node of `set` that
 * starts there, when the format is structured and there is one (for stages
 * that keep marks rather than nodes: model.c, view.c). */
void mg_docset_verror(const mg_docset *set, mg_diag *d, mg_mark at, const char *fmt, va_list ap);
void mg_docset_error(const mg_docset *set, mg_diag *d, mg_mark at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reads one data file (YAML or JSON) outside any docset: for `msggen render`'s
 * data and for payload files. Returns a tree the caller frees with cJSON_Delete,
 * or NULL after reporting an error. */
cJSON *mg_load_data_file(const char *path, mg_diag *d);

#endif
