"""Writes each message's generated example of a `msggen view` (stdin) to
DIR/<n>.json and lists them in DIR/list, one line per message:
<n> TAB <name> TAB value|omitted TAB <reason>."""
import json
import os
import sys

out = sys.argv[1]
view = json.load(sys.stdin)
with open(os.path.join(out, "list"), "w", encoding="utf-8") as lst:
    for n, m in enumerate(view["messages"]):
        g = m["generated_example"]
        name = m["name"]["raw"]
        if g["has_value"]:
            with open(os.path.join(out, "%d.json" % n), "w", encoding="utf-8") as f:
                json.dump(g["value"], f, ensure_ascii=False)
            lst.write("%d\t%s\tvalue\t\n" % (n, name))
        else:
            lst.write("%d\t%s\tomitted\t%s\n" % (n, name, (g["why"] or "").replace("\n", " ")))
