/* vplan.h - the validation plan: every schema of a catalogue compiled into a
 * flat list of target-neutral validation functions, for templates that
 * generate validators (C, Python, TypeScript).
 *
 * The plan follows generator/validate.c rule for rule: the same keywords, the
 * same order, the same error locations and the same message wording, so a
 * generated validator agrees with `msggen validate` on every instance. Each
 * schema object reached from a named type (following $ref, allOf, items, ...)
 * becomes one function with a numeric id; a subschema is a call of another
 * function, so recursive schemas are recursive calls. Messages that do not
 * depend on the instance are pre-rendered, and every string a template must
 * print as a literal comes as `*_lit`, escaped with the target's rules
 * (helpers.vplan in target.yaml). docs/templates.md ("The validation plan")
 * describes every key.
 *
 * A target asks for the plan by having `helpers.vplan` (an object) in its
 * target.yaml; the view then carries `validation` at the root and
 * `validate_fn` on every type.
 *
 * Compiling and sharing the functions is the same work for every target (only
 * the literals differ): an mg_vplan_raw keeps that work for the next target of
 * the same model. The first build from a cached mg_vplan_raw converts its
 * functions in place into that target's form (literals escaped, references
 * named, no name_rest), so that the plans of targets whose literals read the
 * same refer to one tree, not to a copy beside the raw one; other targets get
 * copies of it. The converted functions keep none of their constant members
 * (false, true, null, []: about half their nodes): a target whose view
 * answers for them (mg_vplan_consts.chain and .put) refers to the functions
 * and is given them; for the others, copies have them back in place. A raw
 * plan made for a cache leaves them out as each function is compiled. The
 * converted functions also keep each list or object that reads as one met
 * before once: the repeat is a reference to it (read through as the part
 * itself; copies are made through it).
 *
 * Ownership: the returned tree belongs to the caller (cJSON_Delete); it copies
 * what it needs from the model. A cached mg_vplan_raw belongs to the caller
 * too (mg_vplan_raw_free) and must not outlive the model's use: pass it only
 * with the model it was built from.
 */
#ifndef MG_VPLAN_H
#define MG_VPLAN_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"

typedef struct mg_vplan_raw mg_vplan_raw;

/* The constant members the caller's type views lack (a lazy view keeps them
 * aside: view.h), which the plan reads as flags where the member is absent.
 * `list(arg, obj, keys, vals, max)`: at most `max` of them, names in keys[] and
 * values (cJSON_False, cJSON_True, cJSON_NULL, cJSON_Array for []) in vals[],
 * in the order they were added; returns how many. `is_true(arg, obj, k)`:
 * whether `obj` lacks member `k` and it is true. Borrowed for the call of
 * mg_vplan_build_shared only; the names list() gives must stay allocated and
 * unchanged for that call (the plan remembers what it read by their address).
 * `key_id(arg, k)` and `get(arg, obj, ids, n, vals)` (both NULL: the plan
 * uses list): key_id gives name `k` a number for get, or -1 (then the plan
 * uses list); get sets vals[i] to the value (as list's) of the constant
 * member numbered ids[i] that `obj` lacks, or 0 when it has none of that
 * name: the plan reads the few flags it needs, not every constant.
 *
 * `chain` and `put` (both NULL: the plan's objects keep every member) let
 * the plan leave out its own constant members where the caller answers for
 * them when a template reads them (a lazy view's constants, view.h): a
 * cached raw plan's functions have none (false, true, null or [], most of
 * their members), and a plan that refers to them calls chain(arg, keys,
 * vals, n) for the n constants of an object (names in keys[], string
 * literals of vplan.c, values as list's, in the object's order; it returns a
 * handle, made once per set of constants and build) and put(arg, first,
 * handle) for the object whose first member is `first`, before it reads any
 * flag through is_true or get. The caller must answer them from then on for
 * that object and every reference to it, until the next build. With them
 * given, the fields' shapes may also list their members in another order
 * (the flags of one kind shared: shape_lean), as a lazy view may, and so
 * may the functions (their references to function 0 last, shared); without,
 * every object reads as mg_vplan_build makes it. */
typedef struct mg_vplan_consts {
    size_t (*list)(void *arg, const cJSON *obj, const char **keys, int *vals, size_t max);
    int (*is_true)(void *arg, const cJSON *obj, const char *k);
    void *arg;
    int (*key_id)(void *arg, const char *k);
    void (*get)(void *arg, const cJSON *obj, const int *ids, size_t n, int *vals);
    uint32_t (*chain)(void *arg, const char *const *keys, const int *vals, size_t n);
    void (*put)(void *arg, cJSON *first, uint32_t chain);
} mg_vplan_consts;

/* Builds the plan of every type of `m`. `types` is the view's `types` list
 * (one item per m->types entry, same order): each item gets `validate_fn`.
 * `opts` is helpers.vplan (NULL: JSON string literals). `cache` may be NULL;
 * otherwise *cache is the compiled functions of an earlier call with the same
 * model, or NULL (then it is set). Returns the plan, or NULL after reporting
 * an error. */
cJSON *mg_vplan_build(const mg_model *m, cJSON *types, const cJSON *opts, mg_vplan_raw **cache, mg_diag *d);

/* mg_vplan_build, where the parts of the functions that read the same in every
 * target (no literal, no function reference: about half the members) are not
 * copied: the plan refers to them in *cache (cJSON_IsReference items), so
 * *cache must outlive the plan, and nothing may add members inside them. When
 * the caller escapes none of the keys of the functions, each whole function is
 * such a reference, to a copy *cache keeps for every set of escaped literals it
 * met (targets whose literals read the same share one; a target whose `keep`
 * drops `name_rest` gets a copy without it). `escaped(arg, key)` says whether
 * the caller will add escaped forms beside members named `key` (which it cannot
 * do inside a reference); if so for any key inside the shared parts, or if
 * `cache` or `escaped` is NULL, every member is copied as mg_vplan_build does.
 * `keep(arg, member)` (NULL: keep all) says whether the plan needs a member of
 * a function or pattern (by its name, the same for every member of that name):
 * the others are not copied, for a view pruned to the keys its templates read
 * (view.h), but references (shared parts, whole functions) hold every member.
 * The members the plan reads back itself (one_of, any_of, has_one_of, ...) must
 * be kept. `consts` (NULL: none) answers for the constant members the type
 * views lack. */
cJSON *mg_vplan_build_shared(const mg_model *m, cJSON *types, const cJSON *opts, mg_vplan_raw **cache,
                             int (*escaped)(void *arg, const char *key),
                             int (*keep)(void *arg, const cJSON *member), void *arg,
                             const mg_vplan_consts *consts, mg_diag *d);
void mg_vplan_raw_free(mg_vplan_raw *r);

/* Does `pred(arg, key)` hold for a member name under the plan's `functions`
 * or `patterns` (a plan built from `r` has the same names there)? Lets a
 * caller that adds members beside some keys skip the walk of a plan that
 * has none of them. The set is made with the raw plan. */
int mg_vplan_raw_any_key(mg_vplan_raw *r, int (*pred)(void *arg, const char *key), void *arg);

#endif
