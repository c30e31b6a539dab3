/* fuzz_validate.c - libFuzzer harness for the interpreting validator.
 *
 * The raw input goes through every format checker; then it is parsed as JSON and validated, as an instance, against a few
 * fixed schemas that use every keyword (with error collection on and off, whose
 * verdicts must agree), and, as a schema, against a few fixed instances. Any
 * crash, sanitizer report, disagreement or unbounded error list is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "validate.h"

static const char *schemas[] = {
    "{\"type\":\"object\",\"required\":[\"id\",\"tags\"],\"properties\":{"
    "\"id\":{\"type\":\"string\",\"format\":\"uuid\"},"
    "\"name\":{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":8,\"pattern\":\"^[a-z]+\\\\d*$\"},"
    "\"n\":{\"type\":\"number\",\"minimum\":-5,\"exclusiveMaximum\":100,\"multipleOf\":0.25},"
    "\"i\":{\"type\":\"integer\",\"format\":\"int32\",\"nullable\":true},"
    "\"when\":{\"format\":\"date-time\"},\"day\":{\"format\":\"date\"},\"at\":{\"format\":\"time\"},"
    "\"mail\":{\"format\":\"email\"},\"host\":{\"format\":\"hostname\"},\"ip\":{\"format\":\"ipv4\"},"
    "\"ip6\":{\"format\":\"ipv6\"},\"url\":{\"format\":\"uri\"},\"re\":{\"format\":\"regex\"},"
    "\"state\":{\"enum\":[\"a\",\"b\",1,null,[1],{\"k\":true}]},\"c\":{\"const\":{\"x\":[1,2]}},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"uniqueItems\":true,\"maxItems\":5,"
    "\"contains\":{\"const\":\"t\"}},"
    "\"tuple\":{\"items\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"additionalItems\":false},"
    "\"map\":{\"additionalProperties\":{\"type\":\"integer\"},\"propertyNames\":{\"maxLength\":3},"
    "\"minProperties\":1,\"maxProperties\":4},"
    "\"pp\":{\"patternProperties\":{\"^x-\":{\"type\":\"string\"}},\"additionalProperties\":false},"
    "\"dep\":{\"dependencies\":{\"a\":[\"b\"],\"c\":{\"required\":[\"d\"]}}}},"
    "\"additionalProperties\":{\"anyOf\":[{\"type\":\"boolean\"},{\"oneOf\":[{\"minimum\":1},{\"maximum\":3}]}]},"
    "\"if\":{\"required\":[\"kind\"]},\"then\":{\"properties\":{\"kind\":{\"enum\":[\"x\"]}}},"
    "\"else\":{\"not\":{\"required\":[\"other\"]}}}",
    /* Recursive: a tree of nodes. */
    "{\"definitions\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},"
    "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/node\"}}},\"additionalProperties\":false}},"
    "\"anyOf\":[{\"$ref\":\"#/definitions/node\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}]}",
    /* $id-based refs. */
    "{\"$id\":\"http://x.test/root.json\",\"definitions\":{\"a\":{\"$id\":\"#A\",\"type\":\"string\"},"
    "\"b\":{\"$id\":\"sub/b.json\",\"items\":{\"$ref\":\"#/definitions/c\"},\"definitions\":{\"c\":{\"type\":\"integer\"}}}},"
    "\"properties\":{\"a\":{\"$ref\":\"#A\"},\"b\":{\"$ref\":\"sub/b.json\"}},\"items\":{\"$ref\":\"#\"}}",
};

static const char *instances[] = {"null", "1", "\"s\"", "[1,\"a\",[],{}]",
                                  "{\"a\":1,\"b\":[1,2],\"c\":{\"d\":\"e\"}}"};

static cJSON *schema_trees[sizeof schemas / sizeof schemas[0]];
static cJSON *instance_trees[sizeof instances / sizeof instances[0]];
static mg_validator *shared;

static void check(mg_validator *v, const cJSON *schema, const cJSON *instance)
{
    mg_vresult r;
    mg_vresult_init(&r);
    int full = mg_validate(v, schema, instance, &r);
    int quick = mg_validate(v, schema, instance, NULL);
    /* Without an error list evaluation stops at the first failure, so it may
     * not reach a broken part of the schema that the full run reports (-1);
     * otherwise the verdicts agree. */
    if ((full != -1 && quick != full) || (quick == -1 && full != -1))
        abort();
    if (r.count > MG_MAX_VALIDATE_ERRORS || (full != 1 && r.count == 0) || (full == 1 && r.count != 0))
        abort();
    mg_vresult_fini(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!shared) {
        shared = mg_validator_new(NULL, NULL);
        for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
            schema_trees[i] = cJSON_Parse(schemas[i]);
            if (!schema_trees[i])
                abort();
            mg_validator_add_schema(shared, NULL, schema_trees[i]);
        }
        for (size_t i = 0; i < sizeof instances / sizeof instances[0]; i++)
            instance_trees[i] = cJSON_Parse(instances[i]);
    }
    /* The raw bytes as a string, through every format checker. */
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    static const char *formats[] = {"date-time", "date", "time", "email", "hostname",
                                    "ipv4", "ipv6", "uri", "uuid", "regex"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (mg_validate_format(formats[i], text) < 0)
            abort();
    free(text);
    cJSON *input = cJSON_ParseWithLength((const char *)data, size);
    if (!input)
        return 0;
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++)
        check(shared, schema_trees[i], input);
    /* The input as a schema: a fresh validator, so nothing leaks between runs. */
    mg_validator *v = mg_validator_new(NULL, NULL);
    for (size_t i = 0; i < sizeof instances / sizeof instances[0]; i++)
        check(v, input, instance_trees[i]);
    mg_validator_free(v);
    cJSON_Delete(input);
    return 0;
}
