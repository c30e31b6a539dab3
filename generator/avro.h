/* avro.h - Apache Avro schemas (1.8-1.11) read as the JSON Schema they mean.
 *
 * mg_avro_convert replaces an Avro schema, inside its loaded document, by an
 * equivalent JSON Schema (load.h: mg_doc_replace), so that the model, the
 * validator and the views read one schema language. Every node it makes has
 * the position of the Avro node it comes from, so a later error about the
 * schema points at the Avro text. The mapping follows AsyncAPI's own
 * avro-schema-parser where it defines one (docs/catalogue.md has the table):
 *
 *   null boolean string      -> type null / boolean / string
 *   int, long                -> integer, format int32 / int64
 *   float, double            -> number, format float / double
 *   bytes                    -> string, pattern ^[\x00-\xff]*$
 *   fixed (size N)           -> string, that pattern, minLength = maxLength = N
 *   enum                     -> string enum of its symbols
 *   array / map              -> array of items / object of additionalProperties
 *   record (and error)       -> object; a field is required unless its type is
 *                               a union with null or it has a default
 *   union [A, B]             -> oneOf [A, B] (null last: [null, A] is a nullable A)
 *   logicalType on a string  -> format (uuid); on other types the base type
 *                               (timestamp-millis: integer int64, date: int32)
 *   doc / default            -> description / default
 *   a named type (record, enum, fixed) -> $defs/<name> of the converted root
 *                               and a $ref at each use (the root one: its own
 *                               pointer), so a named type is one model type.
 *
 * Invalid Avro (an unknown type name, a record without fields, an enum
 * without symbols, a fixed without size, a name defined twice, a bad name)
 * is one error at the Avro node.
 *
 * Owns: a mg_avro keeps, per document, the named types converted so far, so
 * that two schemas of one document defining the same type identically share
 * it. Free with mg_avro_free.
 */
#ifndef MG_AVRO_H
#define MG_AVRO_H

#include <cjson/cJSON.h>

#include "diag.h"
#include "load.h"

typedef struct mg_avro mg_avro;

mg_avro *mg_avro_new(void);
void mg_avro_free(mg_avro *a);

/* Converts the Avro schema `node` of `doc` and puts the result in its place.
 * Returns the new node, or NULL after reporting an error (the document is
 * then unchanged). */
cJSON *mg_avro_convert(mg_avro *a, const mg_doc *doc, cJSON *node, mg_diag *d);

#endif
