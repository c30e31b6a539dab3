/* view.h - the view: the model as templates see it, for one target.
 *
 * mg_view_build turns an mg_model into a cJSON tree of strings, numbers,
 * booleans, lists and maps only (docs/templates.md documents every key, with
 * an example). The target (may be NULL: neutral defaults) contributes, from
 * its target.yaml:
 *   types            mustache strings printing each kind of type (string,
 *                    integer, number, boolean, any, null, array, map, ref,
 *                    object, enum, union, alias, nullable) and `formats:`
 *                    overrides for strings by format;
 *   naming           the casing of each kind of identifier (type, field,
 *                    message, method, constant, enum_value, file);
 *   reserved         the language's reserved words;
 *   reserved_catalogue  mustache strings rendered with the view's `catalogue`
 *                    (the client class the templates derive from the title or
 *                    x-clients...): more reserved words, per catalogue;
 *   reserved_escape  a mustache string turning a reserved `{{name}}` into a
 *                    legal identifier (default "{{name}}_");
 *   helpers          copied to the view's `target`; helpers.doc_escape, a
 *                    list of {from, to}, is applied to description text to
 *                    make each item's `doc` and `doc_lines`.
 * Identifiers that collide after casing and escaping (two fields of one type,
 * two types, two messages, two values of one enum) are an error that names
 * both sources.
 *
 * Ownership: mg_view_build returns a tree the caller frees with cJSON_Delete.
 * The view copies what it needs: it does not point into the model, so the
 * model may be freed first.
 */
#ifndef MG_VIEW_H
#define MG_VIEW_H

#include <cjson/cJSON.h>

#include "diag.h"
#include "hmap.h"
#include "model.h"
#include "mustache.h"
#include "target.h"

/* Builds the view of `m` for target `t` (NULL: no target). Returns NULL after
 * reporting errors (identifier collisions, bad type-map templates, bad
 * target.yaml values). */
cJSON *mg_view_build(const mg_model *m, const mg_target *t, mg_diag *d);

/* What the views of several targets of one model can share (the validation
 * plan's compiled functions and shapes, generated examples, printed JSON
 * texts, descriptions' lines, name objects), kept between calls of
 * mg_view_build_cached with the same model. Views built with a cache refer
 * into it and into the model (cJSON references): free every such view first,
 * then the cache (mg_view_cache_free, NULL is fine), before or with the
 * model. */
typedef struct mg_view_cache mg_view_cache;
mg_view_cache *mg_view_cache_new(void);
void mg_view_cache_free(mg_view_cache *c);

/* Makes the views built with `cache` from now on pruned: their types,
 * fields, messages and validation plan leave out members whose names are
 * not in `keep` (a string set such as mg_target_names, target.h; borrowed
 * until the next call) and that the view stage does not read itself; the
 * work of making them is skipped too. Every member whose name is in `keep`
 * is what it is in the full view, so a template that reads only names in
 * `keep` renders a pruned view exactly as the full one, unless it prints an
 * object or list of it as JSON, or reports a missing key (the nearest keys
 * it suggests may differ): run.c then renders the full view. NULL: full
 * views again (the default). Views without a target are never pruned, and
 * `msggen view` never prunes. */
void mg_view_cache_prune(mg_view_cache *c, const mg_hmap *keep);

/* What gives, when a template reads one, the members a lazy view
 * (mg_view_cache_escapes_lazy) leaves out: the members helpers.escapes adds
 * (`<key>_<name>` beside a string member `key`), made when read; most
 * members whose value is false, true, null or an empty list (more than
 * half of a view's nodes: the is_* and has_* flags, unset strings, ...),
 * kept as a few bits per object; a message's generated_example and
 * generated_headers_example (an example generated and printed for every
 * message, which templates read for the messages without examples only),
 * made when read from the message the object was built from; and a
 * field's `name` (which no shipped template reads), made when read from
 * the field. (The name is from when it held escapes only.) */
typedef struct mg_view_escapes mg_view_escapes;

/* With `esc` not NULL, the views built with `cache` (for a target) from now
 * on leave out those members, and each build sets *esc to what gives them
 * when asked (mg_view_escapes_get), or to NULL when the build fails. The
 * caller frees *esc with mg_view_escapes_free, after the last lookup and
 * before or after the view. Such a view has every other member of the view
 * built without `esc` (each object keeps its first member), and a template
 * that reads it through mg_view_escapes_get for the names its objects lack
 * renders it exactly as that view, unless it prints an object as JSON or
 * iterates an object's members (run.c then renders the full view). NULL:
 * views with all their members again (the default). */
void mg_view_cache_escapes_lazy(mg_view_cache *c, mg_view_escapes **esc);

/* The member k[0..n) (`hash` as in mg_tpl_source.get) that `obj` would have
 * in the view built without mg_view_cache_escapes_lazy and has not in the
 * lazy one: a constant member left out (the same node for every false, true,
 * null or empty list: a lookup that finds one is not a missing key), or an
 * escaped member, a message's generated example or a field's name, made at
 * its first lookup (the same object of the lazy view, references to it and
 * shares of it in other lists answer from one memo; one text escaped alike
 * is one member; a generated example made has its escaped members as any
 * object of the view). NULL when that view has no such member either (`obj`
 * may be any value, or NULL). Valid until mg_view_escapes_free; lookups
 * need the view as it was built (its member lists and texts are the memo's
 * keys), and the model and the cache it was built from (a generated example
 * is made from them and kept in the cache, a field's name refers to the
 * model's texts). */
const cJSON *mg_view_escapes_get(mg_view_escapes *e, const cJSON *obj, const char *k, size_t n,
                                 uint32_t hash);

/* mg_view_escapes_get with a memo word for the name (NULL: none), as
 * mg_tpl_cjson_source_miss's hooks are given it: zero at first, then where
 * the name is among the constants' known names (the same for every view and
 * every `e`), so that later calls for the name spare finding it. */
const cJSON *mg_view_escapes_get_memo(mg_view_escapes *e, const cJSON *obj, const char *k, size_t n,
                                      uint32_t hash, uint16_t *memo);

/* Fills *b so that a cJSON source given it (mg_tpl_cjson_source_bits)
 * answers itself the constants mg_view_escapes_get_memo answers from bit
 * sets (false, true, null and [] members of the names its memo words
 * number). The pointers in *b are valid until `e` is freed. */
void mg_view_escapes_bits(const mg_view_escapes *e, mg_tpl_cjson_bits *b);

/* How many constant members the lazy view left out, over every object, and
 * the nodes of its generated examples (seven for each, not counting lines)
 * and of its fields' names (a name object and its casings for each) (for
 * render limits that grow with the view's size). 0 for NULL. */
size_t mg_view_escapes_left_out(const mg_view_escapes *e);

/* Frees `e` and the members it made (NULL is fine). */
void mg_view_escapes_free(mg_view_escapes *e);

/* mg_view_build, reusing and filling `cache` (NULL: as mg_view_build). */
cJSON *mg_view_build_cached(const mg_model *m, const mg_target *t, mg_view_cache *cache, mg_diag *d);


/* Prints a view (or any JSON) deterministically: two-space indentation,
 * members in view order, a final newline; numbers, strings and names as cJSON
 * prints them, invisible code points as \uXXXX. Caller frees with free(). */
char *mg_view_print_new(const cJSON *json);

/* The same, walking the template data interface (mustache.h): what `msggen
 * view` prints is what the engine reads, from any source. */
char *mg_view_print_source_new(const mg_tpl_source *src, const void *v);

#endif
