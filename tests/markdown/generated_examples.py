"""For each folder DIR given, reads DIR/view.json (a `msggen view`) and
DIR/case (label, catalogue folder, entry file), writes each message's
generated example to DIR/<n>.json and lists the messages in DIR/list, one line
each: <n> TAB <name> TAB value|omitted TAB <reason>.

Generated headers examples go to DIR/<n>.h.json, listed in DIR/hlist (messages
with headers only): <n> TAB <name> TAB value|omitted TAB <reason>; `msggen
validate --message NAME --headers` then checks each value against the
message's headers schema (traits merged), as the payloads are checked.

One process for all folders: a Python start costs more than a view."""
import json
import os
import sys

for out in sys.argv[1:]:
    with open(os.path.join(out, "view.json"), encoding="utf-8") as f:
        view = json.load(f)
    with open(os.path.join(out, "list"), "w", encoding="utf-8") as lst, \
            open(os.path.join(out, "hlist"), "w", encoding="utf-8") as hl:
        for n, m in enumerate(view["messages"]):
            g = m["generated_example"]
            name = m["name"]["raw"]
            if g["has_value"]:
                with open(os.path.join(out, "%d.json" % n), "w", encoding="utf-8") as f:
                    json.dump(g["value"], f, ensure_ascii=False)
                lst.write("%d\t%s\tvalue\t\n" % (n, name))
            else:
                why = (g["why"] or "").replace("\n", " ")
                lst.write("%d\t%s\tomitted\t%s\n" % (n, name, why))
            if not m["has_headers"]:
                continue
            h = m["generated_headers_example"]
            if not h["has_value"]:
                hl.write("%d\t%s\tomitted\t%s\n" % (n, name, (h["why"] or "").replace("\n", " ")))
                continue
            with open(os.path.join(out, "%d.h.json" % n), "w", encoding="utf-8") as f:
                json.dump(h["value"], f, ensure_ascii=False)
            hl.write("%d\t%s\tvalue\t\n" % (n, name))