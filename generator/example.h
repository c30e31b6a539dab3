/* example.h - example payloads generated from a message's schema, for messages
 * the catalogue gives no example (the markdown target shows them, marked as
 * generated; docs/templates.md, `generated_example` and
 * `generated_headers_example`).
 *
 * A value is built from the model (model.h): type, required fields (optional
 * ones too, unless they lead back into a type being built), enum/const,
 * formats, numeric bounds and multipleOf, string lengths and patterns (a
 * shortest string the pattern's rx.h program accepts), minItems, unions (the
 * first option that validates), nullable, maps. A value the schema itself
 * offers (`const`, `examples`, `default`) is taken first when it validates
 * there. The whole value is then checked against the payload schema with the
 * validator msggen validate uses (validate.h): a value that does not validate
 * is never returned; the caller gets the reason instead.
 *
 * Ownership: an mg_exgen borrows the model (and its docset), which must
 * outlive it; free it with mg_exgen_free. Returned values and reasons belong
 * to the caller.
 */
#ifndef MG_EXAMPLE_H
#define MG_EXAMPLE_H

#include <cjson/cJSON.h>

#include "model.h"

typedef struct mg_exgen mg_exgen;

mg_exgen *mg_exgen_new(const mg_model *m);
void mg_exgen_free(mg_exgen *g);

/* A new value valid against g's payload schema (cJSON_Delete), or NULL with
 * *why set to a one-line reason (free()): the pattern that no string was found
 * for, or the validator's first error for the value that was built. */
cJSON *mg_example_generate(mg_exgen *g, const mg_message *msg, char **why);

/* The same for the message's headers (traits applied: mg_message.headers),
 * built from the headers type and checked against the headers schema; NULL
 * with *why when the message has none or no valid value was found. */
cJSON *mg_example_generate_headers(mg_exgen *g, const mg_message *msg, char **why);

/* A shortest string that the rx.h program matches (no word-boundary
 * assertions), as UTF-8 (free()), preferring letters and digits; NULL when
 * there is none. */
char *mg_example_rx_string(const int *prog, size_t len);

#endif
