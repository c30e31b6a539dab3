/* yscan_diff.h - compares yscan.c's event stream with libyaml's for one text
 * (tests/unit/test_yscan.c and tests/fuzz/fuzz_yscan.c).
 *
 * yscan_diff returns YSCAN_GAVE_UP when the fast path gave up (any libyaml
 * verdict is then fine), YSCAN_SAME when it took the text and every event
 * equals libyaml's (type, start mark, and for scalars style, length and
 * bytes) and libyaml read the whole stream without error, and YSCAN_DIFFERENT
 * otherwise, with `why` saying where. Needs yscan.h and yaml.h.
 */
#ifndef MG_YSCAN_DIFF_H
#define MG_YSCAN_DIFF_H

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "yscan.h"

enum { YSCAN_GAVE_UP, YSCAN_SAME, YSCAN_DIFFERENT };

static int yscan_diff_type(yaml_event_type_t t)
{
    switch (t) {
    case YAML_STREAM_START_EVENT: return MG_YEV_STREAM_START;
    case YAML_STREAM_END_EVENT: return MG_YEV_STREAM_END;
    case YAML_DOCUMENT_START_EVENT: return MG_YEV_DOC_START;
    case YAML_DOCUMENT_END_EVENT: return MG_YEV_DOC_END;
    case YAML_SEQUENCE_START_EVENT: return MG_YEV_SEQ_START;
    case YAML_SEQUENCE_END_EVENT: return MG_YEV_SEQ_END;
    case YAML_MAPPING_START_EVENT: return MG_YEV_MAP_START;
    case YAML_MAPPING_END_EVENT: return MG_YEV_MAP_END;
    case YAML_SCALAR_EVENT: return MG_YEV_SCALAR;
    case YAML_ALIAS_EVENT: return MG_YEV_ALIAS;
    default: return 0;
    }
}

static int yscan_diff(mg_yscan *s, const char *text, size_t len, char *why, size_t whylen)
{
    why[0] = '\0';
    if (mg_yscan_run(s, text, len) < 0) {
        if (s->n != 0)
            snprintf(why, whylen, "gave up but left %zu events", s->n);
        return s->n ? YSCAN_DIFFERENT : YSCAN_GAVE_UP;
    }
    yaml_parser_t ps;
    if (!yaml_parser_initialize(&ps))
        return YSCAN_DIFFERENT;
    yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
    int verdict = YSCAN_SAME;
    for (size_t i = 0;; i++) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&ps, &ev)) {
            snprintf(why, whylen, "libyaml refuses at event %zu (%s at %zu:%zu) what yscan takes", i,
                     ps.problem ? ps.problem : "?", ps.problem_mark.line + 1, ps.problem_mark.column + 1);
            verdict = YSCAN_DIFFERENT;
            break;
        }
        int done = ev.type == YAML_STREAM_END_EVENT;
        if (i >= s->n) {
            snprintf(why, whylen, "yscan ends after %zu events, libyaml goes on", s->n);
            verdict = YSCAN_DIFFERENT;
        } else {
            const mg_yev *e = &s->ev[i];
            int t = yscan_diff_type(ev.type);
            int line = (int)ev.start_mark.line, col = (int)ev.start_mark.column;
            if (e->type != t) {
                snprintf(why, whylen, "event %zu: type %d, libyaml %d (at %d:%d)", i, e->type, t, line + 1, col + 1);
                verdict = YSCAN_DIFFERENT;
            } else if (e->line != line || e->col != col) {
                snprintf(why, whylen, "event %zu (type %d): mark %d:%d, libyaml %d:%d", i, t, e->line + 1, e->col + 1,
                         line + 1, col + 1);
                verdict = YSCAN_DIFFERENT;
            } else if (t == MG_YEV_SCALAR &&
                       ((int)ev.data.scalar.style != e->style || ev.data.scalar.length != e->len ||
                        memcmp(ev.data.scalar.value, s->val + e->off, e->len) != 0 || s->val[e->off + e->len] != '\0')) {
                snprintf(why, whylen, "event %zu (scalar at %d:%d): style %d \"%.*s\", libyaml style %d \"%.*s\"", i,
                         line + 1, col + 1, e->style, (int)(e->len > 60 ? 60 : e->len), s->val + e->off,
                         (int)ev.data.scalar.style, (int)(ev.data.scalar.length > 60 ? 60 : ev.data.scalar.length),
                         (const char *)ev.data.scalar.value);
                verdict = YSCAN_DIFFERENT;
            }
        }
        yaml_event_delete(&ev);
        if (verdict == YSCAN_SAME && done && i + 1 != s->n) {
            snprintf(why, whylen, "yscan goes on after libyaml's stream end");
            verdict = YSCAN_DIFFERENT;
        }
        if (verdict != YSCAN_SAME || done)
            break;
    }
    yaml_parser_delete(&ps);
    return verdict;
}

#endif
