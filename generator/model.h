/* model.h - the message model: what a catalogue means, independent of any
 * target language.
 *
 * mg_model_new reads a loaded document (load.h), follows its references
 * (resolve.h) and builds:
 *   - catalogue information (title, version, description, servers, root x-*),
 *   - messages (AsyncAPI 2.0-2.6 channels/publish/subscribe and
 *     components.messages, AsyncAPI 3.0 channels.*.messages, operations and
 *     components.messages, or, for a plain JSON Schema, the root schema and
 *     every $defs/definitions entry),
 *   - named types: every declared schema (components.schemas, $defs,
 *     definitions, and any schema reached through a $ref), every message
 *     payload, and every inline object, string enum and union hoisted to a
 *     named type with a deterministic name (see below).
 *
 * Names of hoisted types: parent type name + property name ("Order" +
 * "shippingAddress" -> OrderShippingAddress); array items add "Item", map
 * values add "Value", union options add "Option<N>" (1-based). An inline
 * message payload is named after the message ("file-download-request" ->
 * FileDownloadRequest, or FileDownloadRequestPayload when that name is taken).
 * A $ref target is named by the last token of its JSON pointer, or, for a
 * whole file, by its `title` or else its file name without extension.
 *
 * Order (stable, deterministic): messages in the order the document reaches
 * them (channels in document order and, inside each channel, its operations or
 * messages in document order), then components.messages not reached from a
 * channel, in document order. Types: declared schemas (components.schemas,
 * $defs, definitions) in document order, then every further type in the order
 * it is first reached; a hoisted type follows its parent.
 *
 * Message traits are applied (api.h says how) to the members the model
 * reads: title, summary, description, contentType, tags, headers,
 * correlationId and examples.
 *
 * Action: AsyncAPI 3.0 operations' `action` (send|receive); for 2.x, `publish`
 * becomes "receive" and `subscribe` "send" (the application's point of view,
 * as AsyncAPI 3.0 and its converter define them).
 *
 * Errors (reported through mg_diag at the offending node): unsupported
 * version, unknown `type`, conflicting allOf members, allOf cycles, message
 * without payload, duplicate message names, two types or fields or enum
 * values whose identifiers collide, bad enums, malformed constraint values,
 * invalid regular expressions. schemafmt.h refuses unsupported schemaFormats
 * and turns Avro payloads into JSON Schema before anything is built; typo.h
 * warns about likely misspelt keywords.
 *
 * Ownership: the model owns everything it returns; strings and cJSON nodes
 * marked "borrowed" point into the documents of the mg_docset, which must
 * outlive the model. Free with mg_model_free.
 */
#ifndef MG_MODEL_H
#define MG_MODEL_H

#include <cjson/cJSON.h>

#include "diag.h"
#include "load.h"
#include "names.h"

typedef enum {
    MG_SPEC_ASYNCAPI2,
    MG_SPEC_ASYNCAPI3,
    MG_SPEC_JSON_SCHEMA
} mg_spec;

/* What a value is on the wire. */
typedef enum {
    MG_KIND_ANY,
    MG_KIND_NULL,
    MG_KIND_STRING,
    MG_KIND_INTEGER,
    MG_KIND_NUMBER,
    MG_KIND_BOOLEAN,
    MG_KIND_REF,   /* a named type (object, enum, union or alias) */
    MG_KIND_ARRAY, /* of `items` */
    MG_KIND_MAP    /* JSON object with arbitrary keys, values of `items` */
} mg_kind;

typedef enum {
    MG_TYPE_OBJECT,
    MG_TYPE_ENUM,
    MG_TYPE_UNION,
    MG_TYPE_ALIAS
} mg_type_kind;

typedef struct mg_type mg_type;
typedef struct mg_typeref mg_typeref;

/* A use of a type: the type of a field, of array items, of map values, of
 * an alias or of a union option. */
struct mg_typeref {
    mg_kind kind;
    int nullable;            /* type: [x, "null"], nullable: true, or oneOf [x, {type: null}] */
    const char *format;      /* borrowed; NULL when none */
    mg_type *ref;            /* MG_KIND_REF */
    mg_typeref *items;       /* MG_KIND_ARRAY items, MG_KIND_MAP values; for a
                              * tuple, the items after the positions */
    mg_typeref **tuple;      /* MG_KIND_ARRAY tuple (2020-12 prefixItems, draft-07
                              * items list): the positions' types; NULL when none */
    int ntuple;
    int tuple_rest;          /* tuple: items after the positions are allowed */
    const char *key_pattern; /* MG_KIND_MAP from patternProperties (one pattern,
                              * additionalProperties false): the keys' pattern
                              * (borrowed); NULL when none */
    cJSON *constraints;      /* model-owned object: minimum, maximum, exclusiveMinimum,
                              * exclusiveMaximum, multipleOf, minLength, maxLength,
                              * pattern, format, minItems, maxItems, uniqueItems,
                              * minProperties, maxProperties, enum, const (only
                              * those present); never NULL */
    const mg_doc *doc;       /* the raw schema this was built from (borrowed) */
    const cJSON *schema;
};

typedef struct mg_field {
    mg_name name;            /* casings of the property name */
    const char *wire;        /* borrowed: the JSON property name */
    mg_typeref *type;
    int required;
    int read_only, write_only, deprecated;
    const char *description; /* borrowed; NULL when none */
    const cJSON *default_value, *const_value, *examples; /* borrowed; NULL when absent */
    mg_mark mark;            /* the property key */
} mg_field;

typedef struct mg_enum_value {
    mg_name name;            /* casings of the value ("in-progress" -> IN_PROGRESS) */
    const cJSON *value;      /* borrowed */
} mg_enum_value;

typedef struct mg_union_option {
    mg_typeref *type;
    const char *tag;         /* discriminator value (model-owned); NULL without discriminator */
    mg_name tag_name;        /* casings of the tag (for tag enum constants); empty without */
    int tag_declared;        /* the option's object declares the tag property with
                              * that string as its const or only enum value (a
                              * literal type in TS/Python) */
} mg_union_option;

struct mg_type {
    mg_type_kind kind;
    mg_name name;
    const char *title, *description; /* borrowed; NULL when none */
    int declared;            /* 1: named in the document; 0: hoisted inline schema */
    int deprecated;
    int recursive;           /* reaches itself through its fields */
    int index;               /* position in mg_model.types */
    mg_mark mark;
    const mg_doc *doc;       /* raw resolved schema (borrowed) */
    const cJSON *schema;
    cJSON *extensions;       /* model-owned object of the schema's x-* members */
    cJSON *constraints;      /* model-owned; object-level (minProperties, ...) */

    /* MG_TYPE_OBJECT */
    mg_field **fields;
    int nfields;
    int closed;              /* additionalProperties: false */
    mg_typeref *additional;  /* typed additionalProperties beside properties; or NULL */
    /* MG_TYPE_ENUM */
    mg_enum_value **values;
    int nvalues;
    /* MG_TYPE_UNION */
    mg_union_option **options;
    int noptions;
    const char *discriminator; /* borrowed; NULL when none. Set from `discriminator`
                                * (propertyName, mapping), or found: a property every
                                * option (an object) requires with a distinct string
                                * const (or one-value enum) */
    int tagged;              /* every option has a tag and the tags are distinct */
    int multi_type;          /* built from a type list (type: [string, integer]):
                              * the options are its types, in that order */
    int any_of;              /* 1 for anyOf, 0 for oneOf */
    /* MG_TYPE_ALIAS */
    mg_typeref *target;

    int building_;           /* private to model.c */
};

typedef struct mg_example {
    const char *name;        /* model-owned ("example 1" when unnamed) */
    const char *summary;     /* borrowed; NULL */
    const cJSON *value;      /* borrowed: the payload */
    const cJSON *headers;    /* borrowed: the example's headers; NULL when none */
    const mg_doc *doc;
    mg_mark mark;            /* position of the payload */
} mg_example;

typedef struct mg_message {
    mg_name name;
    const char *title, *summary, *description; /* borrowed; NULL when none */
    const char *content_type;  /* borrowed; message contentType or defaultContentType */
    const char *channel;       /* borrowed; channel address; NULL when no channel */
    const char *action;        /* "send" | "receive" | NULL */
    int deprecated;
    int index;
    mg_type *payload;          /* the payload's named type */
    mg_type *headers;          /* the headers' named type (traits applied); NULL when none.
                                * Inline headers are named <Message>Headers, or
                                * <Trait>Headers from a components.messageTraits entry
                                * as written (<Trait> alone when it ends in "headers");
                                * merged from the message and traits: <Message>Headers. */
    const char *correlation_location;    /* borrowed: correlationId.location; NULL when none */
    const char *correlation_description; /* borrowed; NULL when none */
    const mg_doc *payload_doc; /* raw resolved payload schema (borrowed) */
    const cJSON *payload_schema;
    const mg_doc *headers_doc; /* raw resolved headers schema, traits merged (borrowed); */
    const cJSON *headers_schema; /* NULL when the message has no headers */
    const mg_doc *examples_doc; /* the AsyncAPI `examples` list as written, traits */
    const cJSON *examples_node; /* applied (borrowed; headers-only ones too); NULL when none */
    mg_example **examples;
    int nexamples;
    cJSON *tags;               /* model-owned array of tag names */
    cJSON *extensions;         /* model-owned object of x-* members */
    mg_mark mark;
    const mg_doc *doc;
    const cJSON *node;
} mg_message;

typedef struct mg_model {
    mg_spec spec;
    const char *spec_version;  /* borrowed: "2.6.0", "3.0.0", or the $schema URI */
    const char *title, *version, *description; /* borrowed or model-owned; never NULL
                                                * except description */
    mg_name name;              /* from the title */
    cJSON *servers;            /* model-owned array of {name, url, host, protocol,
                                * pathname, description, ...} */
    cJSON *extensions;         /* model-owned object: root x-* members (+ info's) */
    mg_message **messages;
    int nmessages;
    mg_type **types;
    int ntypes;
    mg_docset *set;            /* borrowed */
    const mg_doc *doc;         /* the root document (borrowed) */
    struct mg_api *api;        /* the interface: servers, channels, operations, uses
                                * (api.h); model-owned, never NULL */
    struct mg_traits *traits;  /* trait merges (api.h: mg_traits_member); model-owned */
    struct mg_model_priv *priv;
} mg_model;

/* Builds the model of `doc` (already loaded into `set`). Returns NULL after
 * reporting errors. */
mg_model *mg_model_new(mg_docset *set, const mg_doc *doc, mg_diag *d);
void mg_model_free(mg_model *m);

/* The whole front end for one catalogue file: loads `path` into a new docset
 * (returned in *set; the caller frees it with mg_docset_free after the model),
 * checks every $ref (mg_resolve_all) and builds the model. `ref_maps` (may be
 * NULL when nref_maps is 0) are --ref-map "URL_PREFIX=DIR" strings (load.h),
 * borrowed. Returns NULL after reporting errors (*set may still need freeing). */
mg_model *mg_model_load(const char *path, const char *const *ref_maps, size_t nref_maps, mg_docset **set,
                        mg_diag *d);

/* True when using `r` leads (through refs, items and map values) to `goal`:
 * a member of `goal` for which this holds needs indirection in languages with
 * value types. */
int mg_typeref_reaches(const mg_model *m, const mg_typeref *r, const mg_type *goal);

/* The named type built from the schema node `node` (a declared schema, a
 * $ref target or a hoisted inline schema; the first one when several were),
 * or NULL. Constant time: for linking nodes to types without scanning. */
const mg_type *mg_model_type_of_node(const mg_model *m, const cJSON *node);

/* The message built from the (resolved) message node `node`, or NULL. */
const mg_message *mg_model_message_of_node(const mg_model *m, const cJSON *node);

/* Finds a message by raw name, or by any casing of it; NULL if none. */
const mg_message *mg_model_find_message(const mg_model *m, const char *name);

/* Reports that no message is named `name` (what mg_model_find_message did not
 * find), at the catalogue's messages (components.messages, else channels, else
 * the document), with the nearest message names. */
void mg_model_report_no_message(const mg_model *m, const char *name, mg_diag *d);

/* A loader for the validator (validate.h, mg_vloader) that reaches the
 * catalogue's other files through `docset` (an mg_docset *): file: URIs are
 * loaded (quietly: the resolver has reported broken ones), http(s) URIs only
 * through the docset's --ref-map. So `msggen validate` and the example
 * generator check values against the same documents the model was built from. */
const cJSON *mg_model_validator_loader(void *docset, const char *uri);

const char *mg_kind_name(mg_kind k);            /* "string", "ref", "array", ... */
const char *mg_type_kind_name(mg_type_kind k);  /* "object", "enum", "union", "alias" */

#endif
