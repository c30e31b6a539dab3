/* schemafmt.h - which `schemaFormat`s msggen reads, and the pass that leaves
 * only JSON Schema for the model.
 *
 * Read (as JSON Schema, the model's language):
 *   application/vnd.aai.asyncapi[+json|+yaml][;version=...]   AsyncAPI Schema
 *   application/schema+json|+yaml[;version=draft-04..2020-12] JSON Schema
 *   application/vnd.oai.openapi[+json|+yaml][;version=3.0.x]  OpenAPI 3.0 Schema
 *       Object (JSON Schema with `nullable`, which the model reads)
 *   application/vnd.apache.avro[+json|+yaml][;version=1.8.x-1.11.x]  Avro,
 *       converted by avro.h
 * Refused, once, at the `schemaFormat` value: every other format (protobuf,
 * RAML, ...) and Avro versions outside 1.8-1.11.
 *
 * mg_schema_formats_apply rewrites the loaded documents of `set` in place
 * (load.h: mg_doc_replace): each AsyncAPI 3 multi-format schema
 * ({schemaFormat, schema}, wherever it is: a payload, components.schemas, the
 * target of a $ref) becomes its `schema`, and each Avro schema (so marked by
 * a multi-format schema, or by a 2.x message's `schemaFormat` or one of its
 * traits', whose Kafka binding `key` is then Avro too, as AsyncAPI's parser
 * reads it) its JSON Schema equivalent. A refused format is reported once per
 * `schemaFormat` value, however many messages use it. Owns nothing.
 */
#ifndef MG_SCHEMAFMT_H
#define MG_SCHEMAFMT_H

#include "diag.h"
#include "load.h"

typedef enum {
    MG_SFMT_JSON_SCHEMA, /* AsyncAPI Schema, JSON Schema, OpenAPI 3.0 */
    MG_SFMT_AVRO,
    MG_SFMT_REFUSED
} mg_sfmt;

/* Classifies a schemaFormat value (media types compare case-insensitively). */
mg_sfmt mg_schema_format_kind(const char *fmt);

/* Applies the formats of every multi-format schema and 2.x message in the
 * documents loaded into `set` (call after mg_resolve_all). Returns 0, or -1
 * after reporting errors. */
int mg_schema_formats_apply(mg_docset *set, mg_diag *d);

#endif
