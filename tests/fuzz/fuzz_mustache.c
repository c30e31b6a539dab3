/* fuzz_mustache.c - libFuzzer harness for the template engine: the input is
 * compiled as a template (and also registered as partial "self", so that
 * recursion, inheritance and dynamic names reach the input itself), then
 * rendered with a fixed data object in both escape modes, lenient and strict. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "mustache.h"

static const char data_json[] =
    "{\"name\": \"<World & co>\", \"n\": 85, \"x\": 1.21, \"t\": true, \"f\": false, \"z\": null,"
    " \"empty\": \"\", \"list\": [1, \"two\", {\"name\": \"three\"}, [4, 5]],"
    " \"obj\": {\"a\": {\"b\": {\"c\": \"deep\"}}, \"list\": []},"
    " \"kind\": \"self\", \"other\": \"base\", \"nums\": [0, -1, 1e300, 0.1],"
    " \"items\": [{\"kind\": \"row\", \"v\": 1}, {\"kind\": \"base\", \"v\": 2}, {\"kind\": \"nope\"}]}";

static const char *const partials[] = {
    "row", "<tr>{{#list}}<td>{{.}}</td>{{/list}}</tr>\n",
    "base", "{{$title}}Default{{/title}}\n  {{$body}}\n  body {{name}}\n  {{/body}}\n[{{$tail}}{{/tail}}]",
    "wrap", "{{<base}}{{$title}}T{{/title}}{{$tail}}{{>*kind}}{{/tail}}{{/base}}",
    "indent", "a\n  {{>row}}\n\nb\n",
    NULL};

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    static cJSON *data;
    if (!data)
        data = cJSON_Parse(data_json);
    mg_diag d;
    mg_diag_init_sink(&d, quiet, NULL);
    mg_tpl *t = mg_tpl_parse("fuzz.mustache", (const char *)buf, len, &d);
    if (!t)
        return 0;
    for (int mode = 0; mode < 4; mode++) {
        mg_tpl_set *set = mg_tpl_set_new(NULL, NULL);
        mg_tpl_set_strict(set, mode & 1);
        for (const char *const *p = partials; *p; p += 2)
            mg_tpl_set_add(set, p[0], NULL, p[1], strlen(p[1]), &d);
        mg_tpl_set_add(set, "self", NULL, (const char *)buf, len, &d);
        mg_buf out;
        mg_buf_init(&out);
        mg_tpl_render(t, data, set, (mode & 2) ? MG_ESCAPE_NONE : MG_ESCAPE_HTML, &out, &d);
        mg_buf_fini(&out);
        mg_tpl_set_free(set);
    }
    mg_tpl_free(t);
    return 0;
}
