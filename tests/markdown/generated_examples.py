"""For each folder DIR given, reads DIR/view.json (a `msggen view`), writes
each message's generated example to DIR/<n>.json and lists the messages in
DIR/list, one line each: <n> TAB <name> TAB value|omitted TAB <reason>.
One process for all folders: a Python start costs more than a view."""
import json
import os
import sys

for out in sys.argv[1:]:
    with open(os.path.join(out, "view.json"), encoding="utf-8") as f:
        view = json.load(f)
    with open(os.path.join(out, "list"), "w", encoding="utf-8") as lst:
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
