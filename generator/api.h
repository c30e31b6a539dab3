/* api.h - what the catalogue's interface is: servers, security schemes,
 * channels, operations, and where each message is used.
 *
 * model.h owns the data (messages and their types); this module owns the
 * interface around them, read from the same resolved AsyncAPI document (2.0 to
 * 2.6, 3.0, 3.1). mg_model_new builds it (mg_model.api) once the messages
 * exist; view.c reads it. A JSON Schema catalogue has an empty interface.
 *
 * Everything is normalised into model-owned cJSON trees of one shape for both
 * AsyncAPI versions, with the key names the view uses (docs/templates.md,
 * "Interface"). Messages are named by their index in mg_model.messages.
 *
 *   servers:  [{name, title, summary, description, host, pathname, protocol,
 *              protocol_version, url, variables: [param], security: [req],
 *              tags: [tag], bindings}]
 *   security_schemes: [{name, type, description, scheme, bearer_format, in,
 *              param_name, open_id_connect_url, scopes: [string],
 *              flows: [{flow, authorization_url, token_url, refresh_url,
 *              scopes: [{name, description}]}]}]
 *   channels: [{key, address, title, summary, description,
 *              parameters: [param], servers: [string], tags: [tag],
 *              external_docs, bindings,
 *              messages: [{key, message}]}]
 *   operations: [{key, id, action, channel, channel_address, parameters: [param]
 *              (the channel's), title, summary,
 *              description, tags: [tag], external_docs, security: [req], bindings,
 *              messages: [int], reply: null | {address, address_description,
 *              channel, channel_address, messages: [int]}}]
 *   uses:     one list per message: [{operation, channel, channel_address,
 *              action, reply}] (operation: its key or null; reply: true for
 *              the reply of a request/reply operation)
 *   message_bindings: one per message: its bindings (traits merged) or null
 *   message_external_docs: one per message: its externalDocs (traits
 *              merged) as external_docs, or null
 *   info:     {tags: [tag], external_docs, license: {name, url},
 *              contact: {name, url, email}} (null when absent)
 *   param:    {name, description, enum: [string], default, examples:
 *              [string], location} (non-string values as JSON text);
 *   req:      {scheme (the components.securitySchemes key; null for an
 *              inline 3.x scheme), type, scopes: [string]};
 *   tag:      {name, description, external_docs}; external_docs: {url,
 *              description} or null; bindings: the object as written, traits
 *              merged (protocol -> binding), or null.
 *
 * Traits (mg_traits_member): AsyncAPI 2.x applies each trait over the
 * object in order with JSON Merge Patch (RFC 7386: a trait's member wins, a
 * trait's null deletes); 3.x merges the traits in order the same way and the
 * object over them, so that a member the object sets itself is never
 * overridden. Objects are merged member by member at every depth (headers
 * schemas, correlationId, externalDocs, bindings...), $refs followed where two
 * objects meet; arrays (tags, examples, required, enum) and scalars are
 * replaced whole. A member only one of them has is taken as written (the same
 * node, so a trait's headers stay one shared schema).
 *
 * Errors (one line, at the offending node): a 3.x operation without a
 * channel, or whose channel or reply channel is not one of the root
 * `channels`; an operation message that its channel does not list.
 * Warning: a 2.x security requirement naming no components.securitySchemes
 * entry (kept as written).
 *
 * Ownership: mg_api_new returns an object the model frees with mg_api_free;
 * nothing else is owned by the caller.
 */
#ifndef MG_API_H
#define MG_API_H

#include <cjson/cJSON.h>

#include "diag.h"
#include "load.h"

struct mg_model;

typedef struct mg_api {
    cJSON *servers, *security_schemes, *channels, *operations;
    cJSON *uses;             /* array with one array per message */
    cJSON *message_bindings; /* array with one object or null per message */
    cJSON *message_external_docs; /* array with one external_docs or null per message */
    cJSON *info;             /* object */
} mg_api;

/* Builds the interface of `m` (whose messages are built). Returns NULL after
 * reporting errors. */
mg_api *mg_api_new(const struct mg_model *m, mg_diag *d);
void mg_api_free(mg_api *a);

/* Trait merges of one model: mg_model_new makes it (mg_model.traits) and
 * mg_model_free frees it. */
typedef struct mg_traits mg_traits;
mg_traits *mg_traits_new(mg_docset *set, int v3);
void mg_traits_free(mg_traits *t);

/* The member `key` of the object `node` (a message or an operation, in `doc`)
 * after its `traits` are applied as the model's AsyncAPI version says (see
 * above). When one value wins whole, returns that node as written (a $ref is
 * not followed), *out_doc its document and *out_owner (when not NULL) the
 * object it came from (`node` or the trait, $ref followed). When two objects
 * had to be merged, the merged object is built once, with every node at the
 * position of the node it was copied from (load.h: mg_doc_record; a node from
 * another file keeps that file in its marks, and a $ref it holds is rewritten
 * to reach the same target from `doc`'s folder), and put in `node` as its own
 * member `key` (replacing the one written there: mg_doc_replace), so that
 * $refs and JSON pointers work as for any member; then *out_doc is `doc` and
 * *out_owner `node`. Asking again returns the same node. NULL when neither has
 * the member. Broken trait $refs were reported by the resolver already and are
 * skipped. */
const cJSON *mg_traits_member(mg_traits *t, const mg_doc *doc, const cJSON *node, const char *key,
                              const mg_doc **out_doc, const cJSON **out_owner);

/* How many merged members mg_traits_member has put into documents so far:
 * 0 while the documents are as loaded (for model.c's schema checks). */
size_t mg_traits_merged(const mg_traits *t);

/* A copy of `bindings` of `node` with its traits' bindings merged in (see
 * above), or NULL when none has bindings. Caller frees with cJSON_Delete. */
cJSON *mg_traits_bindings_new(mg_docset *set, const mg_doc *doc, const cJSON *node, int v3);

#endif
