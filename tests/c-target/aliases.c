/* aliases.c - a $ref to a schema that is one plain value is that value in the
 * C record (tests/c-target/catalogues/primitive-aliases.yaml): the members are
 * used here with their C types, so this file does not compile when they are
 * cJSON *. Reads the example, checks the typed values, fills a record from
 * _new/_init, writes it back with _to_json and validates it.
 * Prints one test line per case; exit 1 on a failure. */
#include <stdio.h>
#include <string.h>

#include "aliases.h"

static int failures;

static void check(int cond, const char *name)
{
    printf("%s c_primitive_alias_%s\n", cond ? "ok" : "not ok", name);
    failures += !cond;
}

int main(void)
{
    cJSON *json = cJSON_Parse("{\"sentAt\": \"2024-05-01T12:00:00Z\", \"seenAt\": \"2024-05-01T12:00:01Z\", "
                              "\"count\": 9007199254740991, \"ratio\": 0.25, \"on\": true, \"note\": null, "
                              "\"history\": [\"2024-05-01T11:00:00Z\", \"2024-05-01T10:00:00Z\"], "
                              "\"counts\": {\"a\": 1, \"b\": -7}}");
    aliases_error err = {0};
    aliases_Reading *r = aliases_Reading_from_json(json, &err);
    char *sent = r ? r->sent_at : NULL;       /* char *, not cJSON * */
    char *seen = r ? r->seen_at : NULL;       /* an alias of an alias */
    int64_t count = r ? r->count_ : 0;        /* int64_t */
    double ratio = r ? r->ratio : 0;          /* double */
    bool on = r ? r->on : false;              /* bool */
    char **history = r ? r->history : NULL;   /* items */
    int64_t *counts = r ? r->counts_values : NULL; /* map values */
    check(r && sent && !strcmp(sent, "2024-05-01T12:00:00Z") && seen && !strcmp(seen, "2024-05-01T12:00:01Z"),
          "string_members_should_be_char_pointers");
    check(r && r->has_count_ && count == 9007199254740991LL, "integer_member_should_be_int64");
    check(r && r->has_ratio && ratio == 0.25 && r->has_on && on, "number_and_boolean_members_should_be_typed");
    check(r && r->history_count == 2 && !strcmp(history[1], "2024-05-01T10:00:00Z"), "array_items_should_be_typed");
    check(r && r->counts_count == 2 && !strcmp(r->counts_keys[1], "b") && counts[1] == -7, "map_values_should_be_typed");
    check(r && r->has_note && r->note_is_null, "a_nullable_alias_should_stay_json");
    cJSON *back = r ? aliases_Reading_to_json(r) : NULL;
    check(back && cJSON_Compare(back, json, 1), "record_should_write_back_the_same_json");
    cJSON_Delete(back);
    aliases_Reading_free(r);

    static char when[] = "2024-05-02T00:00:00Z";
    aliases_Reading *n = aliases_Reading_new();
    aliases_Reading local;
    aliases_Reading_init(&local);
    check(n && !local.sent_at && !local.has_count_, "new_and_init_should_give_empty_records");
    if (n) {
        n->sent_at = when;
        n->count_ = -5;
        n->has_count_ = true;
        cJSON *out = aliases_Reading_to_json(n);
        n->sent_at = NULL; /* not ours to free */
        char *text = out ? cJSON_PrintUnformatted(out) : NULL;
        aliases_error e2 = {0};
        check(text && !strcmp(text, "{\"sentAt\":\"2024-05-02T00:00:00Z\",\"count\":-5}") && aliases_Reading_validate(out, &e2),
              "a_filled_record_should_write_valid_json");
        aliases_error_clear(&e2);
        cJSON_free(text);
        cJSON_Delete(out);
    }
    aliases_Reading_free(n);
    aliases_error_clear(&err);
    cJSON_Delete(json);
    return failures ? 1 : 0;
}
