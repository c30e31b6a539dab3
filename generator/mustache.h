/* mustache.h - the template engine: Mustache spec v1.4 over cJSON data, with the
 * optional inheritance (`{{<parent}}` / `{{$block}}`) and dynamic-names
 * (`{{>*name}}`) modules. Lambdas are not supported (data is JSON).
 *
 * Calling order:
 *   1. mg_tpl_parse() compiles a template once. Every syntax error (unclosed or
 *      mismatched section, bad tag, bad set-delimiter tag, nesting too deep) is
 *      reported here, with file:line:col, before anything is rendered.
 *   2. mg_tpl_set_new() makes the partial registry: partials (and parents) are
 *      fetched by name through a loader callback, compiled on first use and
 *      cached in the set. mg_tpl_set_add() registers a partial from memory.
 *   3. mg_tpl_render() appends the output for one data value to an mg_buf; call
 *      it as often as needed (templates and sets are not modified by rendering,
 *      except that the set compiles and caches partials it has not seen yet).
 *      Before producing output it compiles every partial reachable through
 *      static names, so their syntax errors and (in strict mode) unknown
 *      partials are reported before any output. On error the buffer holds a
 *      partial result that the caller must discard.
 *   4. mg_tpl_free(), mg_tpl_set_free().
 *
 * Ownership: nothing returned by this module is owned by the caller unless the
 * function name ends in `_new`, `_parse` or `_parse_take` (free with the
 * matching `_free`). mg_tpl_parse copies the source and name
 * (mg_tpl_parse_take takes the source over); the data passed to render is only
 * borrowed for the call. A set owns every template it compiled.
 *
 * Behaviour beyond the spec's letter (the spec leaves these to the host):
 *   - falsey values are false, null, a missing name, "" and []; everything else
 *     (0, {}, "0") is truthy; in strict mode (mg_tpl_render_strict) a missing
 *     name is an error instead;
 *   - numbers print as integers when integral (85, not 85.0), else in the
 *     shortest form that reads back to the same double (1.21, 0.1);
 *   - objects and arrays interpolate as compact JSON;
 *   - html escaping replaces & < > " (exactly the spec's four characters);
 *   - standalone partials and blocks indent every non-empty line (empty lines
 *     stay empty, so generated code gets no trailing whitespace);
 *   - a missing partial renders as "" unless the set is strict (then it is an
 *     error): the spec wants "", msggen's CLI and generator want an error.
 */
#ifndef MG_MUSTACHE_H
#define MG_MUSTACHE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"
#include "escape.h"

typedef struct mg_tpl mg_tpl;
typedef struct mg_tpl_set mg_tpl_set;

/* How {{name}} is written: mg_escape (escape.h) names the context, e.g.
 * MG_ESCAPE_HTML (& < > ", the spec's default), MG_ESCAPE_NONE (as is), or a
 * language's. {{&name}} and {{{name}}} are always written as is. */

/* Compiles `src` (len bytes; may contain NUL bytes). `name` names the template
 * in diagnostics (normally its path as given on the command line) and is
 * copied. Returns NULL after reporting every syntax error found (up to the
 * diag's limit). Free with mg_tpl_free. */
mg_tpl *mg_tpl_parse(const char *name, const char *src, size_t len, mg_diag *d);
/* The same without a copy: `src` (from malloc, with src[len] == '\0', as
 * mg_buf_steal hands it over) belongs to the template from now on, and is
 * freed with it, or at once when parsing fails. */
mg_tpl *mg_tpl_parse_take(const char *name, char *src, size_t len, mg_diag *d);
void mg_tpl_free(mg_tpl *t);

/* Reports what mg_tpl_parse would report for src[0..len), without building
 * a template. Returns 0, or -1 after reporting. */
int mg_tpl_check(const char *name, const char *src, size_t len, mg_diag *d);

/* The name given to mg_tpl_parse; valid until mg_tpl_free. */
const char *mg_tpl_name(const mg_tpl *t);

/* Finds the source of partial `name`. On success appends the source to `src`
 * and the file name to use in diagnostics to `path` (e.g. "dir/name.mustache")
 * and returns 1. Returns 0 when there is no such partial; it may then append a
 * short explanation to `why` (e.g. "no x.mustache in tpl/"), which strict sets
 * add to their error. Returns -1 after reporting an error itself through `d`
 * at `at` (e.g. an unreadable file). */
typedef int (*mg_tpl_loader)(void *user, const char *name, mg_buf *src, mg_buf *path,
                             mg_buf *why, mg_mark at, mg_diag *d);

/* Makes an empty partial set. `loader` may be NULL (then only partials added
 * with mg_tpl_set_add exist); `user` is passed to it. Free with
 * mg_tpl_set_free, which frees every template the set compiled. */
mg_tpl_set *mg_tpl_set_new(mg_tpl_loader loader, void *user);
void mg_tpl_set_free(mg_tpl_set *s);

/* Strict sets report an unknown partial as an error; by default (as the spec
 * requires) it renders as the empty string. */
void mg_tpl_set_strict(mg_tpl_set *s, int strict);

/* Raises the work and output bounds of each render with this set above
 * MG_MAX_RENDER_STEPS and MG_MAX_OUTPUT_BYTES (smaller values keep those):
 * the generator sizes them to the data, so that a big catalogue renders while
 * an exponential expansion over small data still stops early. */
void mg_tpl_set_limits(mg_tpl_set *s, long max_steps, size_t max_output);

/* The same bounds, computed only if a render needs them: the first time a
 * render with this set goes past MG_MAX_RENDER_STEPS or MG_MAX_OUTPUT_BYTES
 * (most never do), the set calls fn(user, &max_steps, &max_output) and
 * from then on holds what it gave as mg_tpl_set_limits would; that render
 * goes on under them. fn must give what it would have given when it was set
 * (the data it sizes must not change meanwhile), and `user` must stay valid
 * until fn is called or the set's limits are set again. fn returns 0 when
 * what it gave is those bounds. It may instead give bounds below them and
 * return 1 (bounds that grow with what a render needs): then the set calls
 * it again whenever a render goes past what it gave, until it returns 0; a
 * render stops only past the bounds it gave then. */
typedef int mg_tpl_limits_fn(void *user, long *max_steps, size_t *max_output);
void mg_tpl_set_limits_lazy(mg_tpl_set *s, mg_tpl_limits_fn *fn, void *user);

/* Compiles `src` and registers it as partial `name` (replacing nothing: the
 * first registration of a name wins). `path` names it in diagnostics (NULL:
 * use `name`). Returns 0, or -1 after reporting syntax errors. */
int mg_tpl_set_add(mg_tpl_set *s, const char *name, const char *path, const char *src,
                   size_t len, mg_diag *d);

/* Renders `t` with `data` as the root of the context stack (NULL: an empty
 * context) and appends the result to `out`. `partials` may be NULL: then every
 * partial is unknown (and an error, as in a strict set). Returns 0, or -1 after
 * reporting an error (unknown partial in a strict set, syntax error in a
 * partial, partials nested deeper than MG_MAX_PARTIAL_DEPTH). */
int mg_tpl_render(const mg_tpl *t, const cJSON *data, mg_tpl_set *partials, mg_escape esc,
                  mg_buf *out, mg_diag *d);

/* ---- the data interface ----
 *
 * The engine reads its data only through these operations, so that data need
 * not be a built tree: a value is an opaque pointer that only its source
 * interprets (NULL is no value). mg_tpl_cjson_source() is the source over
 * plain cJSON (`msggen render`, the mustache spec, and today `generate`); a
 * source over the model can compute each key when a template asks for it.
 * Every operation but `get` is called only with values the same source
 * returned (or the root given to mg_tpl_render_data). */
typedef enum {
    MG_TV_NULL,   /* null: falsey, prints nothing */
    MG_TV_FALSE,
    MG_TV_TRUE,
    MG_TV_NUMBER, /* truthy (0 too), prints as mg_tpl_format_number */
    MG_TV_STRING, /* falsey when "" */
    MG_TV_LIST,   /* falsey when empty; a section iterates it */
    MG_TV_OBJECT  /* truthy; a section pushes it on the context stack */
} mg_tv_kind;

typedef struct mg_tpl_source {
    void *self; /* the source's state, passed to every operation */
    mg_tv_kind (*kind)(void *self, const void *v);
    /* Member k[0..n) of `v`, or NULL when `v` is not an object or has no such
     * member. `hash` is mg_hash_mem_seed(0, k, n) (hmap.h), which the engine
     * computes once per tag when it parses the template. `cache` (may be
     * NULL) is a word the engine keeps with a context frame, zero at first:
     * the source may remember there where `v` is. */
    const void *(*get)(void *self, const void *v, const char *k, size_t n, uint32_t hash,
                       size_t *cache);
    /* The first element of a list or member of an object, NULL when empty;
     * then the one after `item`, NULL at the end. */
    const void *(*first)(void *self, const void *v);
    const void *(*next)(void *self, const void *item);
    /* The name of an object's member (an item from first/next of an object). */
    const char *(*key)(void *self, const void *item);
    /* The text of a string, number or boolean ("true"/"false"), or a list or
     * object as compact JSON; *n is its length. It may be written to
     * `scratch` (reset first) and is valid until scratch or `v` changes. */
    const char *(*text)(void *self, const void *v, size_t *n, mg_buf *scratch);
    /* The value of a number (its sign and bits, which text need not show:
     * -0 interpolates as "0"); for printing data as JSON. */
    double (*number)(void *self, const void *v);
    /* NULL, or the cJSON source (mg_tpl_cjson below) to which this source's
     * `get` and `kind`, `text` of a string or a number and `first`/`next`
     * of a list forward unchanged: the engine then looks names up in it
     * directly (no calls through the pointers, and each tag remembers where
     * its name was in objects of one shape), and reads strings, numbers and
     * lists itself. The other operations (objects' members listed,
     * containers' text) still go through this source. */
    const struct mg_tpl_cjson *direct;
} mg_tpl_source;

/* mg_tpl_render over any source; `root` (may be NULL: an empty context) is
 * the bottom of the context stack. `strict` selects mg_tpl_render_strict's
 * behaviour. */
int mg_tpl_render_data(const mg_tpl *t, const mg_tpl_source *src, const void *root,
                       mg_tpl_set *partials, mg_escape esc, int strict, mg_buf *out, mg_diag *d);

/* mg_tpl_render_data with `root` over `outer` (NULL: none, as
 * mg_tpl_render_data): the context stack holds outer at the bottom and root
 * on top of it, as in a section whose value is root. A name root lacks is
 * looked up in outer ("." is root). */
int mg_tpl_render_data_over(const mg_tpl *t, const mg_tpl_source *src, const void *outer, const void *root,
                            mg_tpl_set *partials, mg_escape esc, int strict, mg_buf *out, mg_diag *d);

/* The source over plain cJSON: values are `const cJSON *`. Objects looked up
 * often get a hash index, kept in the source until mg_tpl_cjson_source_fini
 * (the data must not change while the source is in use). Within one
 * mg_tpl_render_data call the index also remembers tag names by their
 * address in the template; each call starts afresh, so templates may be
 * freed and parsed again between renders that share a source. */
typedef struct mg_tpl_cjson {
    mg_tpl_source src;
    struct mg_tpl_cjson_state *st;
} mg_tpl_cjson;
void mg_tpl_cjson_source_init(mg_tpl_cjson *c);
void mg_tpl_cjson_source_fini(mg_tpl_cjson *c);

/* Forgets the tag names remembered by address (see above) for a source that
 * the next render reads through another source forwarding to it (the engine
 * starts afresh by itself only when it is given this source). */
void mg_tpl_cjson_source_renew(mg_tpl_cjson *c);

/* Members the data lacks, supplied by the host: when `get` finds no member
 * k[0..n) (`hash` as for get) in `obj`, a cJSON object with members, the
 * source returns fn(user, obj, k, n, hash, memo) instead of NULL. What fn returns
 * (NULL: no such member either) must stay valid and unchanged while the
 * source is in use, and must be NULL for a name `obj` has: the source may ask
 * fn first, and search the members only when fn gives NULL. run.c supplies a lazy view's
 * escaped members so (view.h). `memo` (may be NULL) is a 16-bit word the
 * engine keeps for the tag (or the part of a dotted name) that looks k up,
 * zero at first, and gives again for every object and every render the tag
 * looks k up in, whatever source asks: fn may keep there what depends on
 * k[0..n) alone (not on obj or user), such as where the name is in a table
 * of its own, so that the next call spares finding it. Every hook of a
 * process must agree on what the word means (msggen's all are
 * mg_view_escapes_get_memo). */
typedef const cJSON *mg_tpl_cjson_miss_fn(void *user, const cJSON *obj, const char *k, size_t n,
                                          uint32_t hash, uint16_t *memo);
void mg_tpl_cjson_source_miss(mg_tpl_cjson *c, mg_tpl_cjson_miss_fn *fn, void *user);

/* Constant members the hook answers from bits, which the engine may read
 * itself instead of calling the hook (a lazy view's false flags: most of
 * the hook's 118 000 calls in a generate). Member i of a set is the name
 * whose memo word (above) the hook sets to i + 2. */
typedef struct mg_tpl_bits {
    uint64_t present; /* bit i: the object lacks member i, a constant... */
    uint64_t truth;   /* ... which is true or [] */
    uint64_t nul;     /* ... which is null or [] */
} mg_tpl_bits;

/* Where the bits are, by an object's first member (cJSON's type bits
 * `num_flag` and `node_flag` are the host's, not cJSON's):
 *   - with `num_flag` in its type: members 0 to 63 in sets[at], at =
 *     (size_t)(int64_t) its valuedouble, when at < count;
 *   - not a number, with `node_flag`: members 0 to 63 in the first and 64
 *     to 127 in the second of the two sets that begin node number
 *     (uint32_t) its valueint, when below node_count, of `nodes` (an array
 *     of node_count nodes of node_size bytes each).
 * A member whose bit is in neither is asked of the hook. One whose bit is
 * present is vals[truth | nul << 1] (of its bits in that set). */
typedef struct mg_tpl_cjson_bits {
    int num_flag;
    const mg_tpl_bits *sets;
    size_t count;
    int node_flag;
    const void *nodes;
    size_t node_count, node_size;
    const cJSON *vals[4];
} mg_tpl_cjson_bits;

/* Makes source `c` answer a tag's name from the bits *b says (copied;
 * the sets and nodes it points to are borrowed, unchanged while the source
 * is in use; NULL: none any more) instead of calling the hook, when the
 * tag's last lookup was answered by the hook and its memo word names a
 * member present in the object's bits. The hook must answer such a name
 * so itself. */
void mg_tpl_cjson_source_bits(mg_tpl_cjson *c, const mg_tpl_cjson_bits *b);

/* mg_tpl_render in strict mode (what `generate` and `check` use): a variable,
 * section or inverted section whose name the data does not have (after the
 * whole context-stack lookup, dotted names included) is an error at the tag,
 * naming the key and the nearest keys that do exist ("did you mean 'id'?"),
 * instead of the spec's empty string / false. A dotted name that stops at a
 * part which exists and is null or false is falsey, not an error. A block
 * inside a parent tag that the parent (with its partials and parents) does not
 * declare is an error at the block: it would silently replace nothing. */
int mg_tpl_render_strict(const mg_tpl *t, const cJSON *data, mg_tpl_set *partials, mg_escape esc,
                         mg_buf *out, mg_diag *d);

/* Convenience for short strings such as an output path "src/{{name.snake}}.c":
 * parses `src` (a C string; `name` is used in diagnostics), renders it with
 * `data` and no partials (a partial tag is an error), appends to `out`, frees
 * the template. Returns 0 or -1 after reporting. */
int mg_tpl_render_string(const char *name, const char *src, const cJSON *data,
                         mg_escape esc, mg_buf *out, mg_diag *d);

/* mg_tpl_render_string in strict mode (see mg_tpl_render_strict). */
int mg_tpl_render_string_strict(const char *name, const char *src, const cJSON *data,
                                mg_escape esc, mg_buf *out, mg_diag *d);

/* Writes `v` as mustache interpolates a number: integral values without a
 * fraction ("85", "-3"), others in the shortest form that reads back to the same
 * double ("1.21", "1e+300"). `out` needs 32 bytes. Returns the length. */
int mg_tpl_format_number(double v, char out[32]);

/* Calls fn(user, name, len) for every name `t` can look up in its data: each
 * part of the name of a variable, section or inverted section ("a.b" gives
 * "a" and "b"), and the data name of a dynamic partial or parent ({{>*x}}
 * gives "x"), in template order, repeats included. "." gives nothing. Names
 * inside the partials and parents `t` includes are not followed: the caller
 * walks those templates too (their names are their own). The generator keeps
 * only these keys of a target's view (view.h). `name` points into `t`. */
typedef void mg_tpl_name_fn(void *user, const char *name, size_t len);
void mg_tpl_names(const mg_tpl *t, mg_tpl_name_fn *fn, void *user);

/* Whether mg_tpl_names(t) gives every name mg_tpl_names_text gives for t's
 * source: 1 unless t has a parent tag ({{<name}}), whose content outside
 * its blocks the compiled template does not keep. */
int mg_tpl_names_complete(const mg_tpl *t);

/* The same for template text src[0..len) that need not be compiled: its tags
 * only (following set-delimiter tags), so a text that would not compile may
 * give names too. Returns 0, or -1 (nothing reported) when its tags do not
 * read (an unclosed tag, a bad name or set-delimiter tag): what it reads is
 * then unknown. */
int mg_tpl_names_text(const char *src, size_t len, mg_tpl_name_fn *fn, void *user);

#endif
