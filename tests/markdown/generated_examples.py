"""For each folder DIR given, reads DIR/view.json (a `msggen view`) and
DIR/case (label, catalogue folder, entry file), writes each message's
generated example to DIR/<n>.json and lists the messages in DIR/list, one line
each: <n> TAB <name> TAB value|omitted TAB <reason>.

Generated headers examples go to DIR/<n>.h.json, listed in DIR/hlist (messages
with headers only): <n> TAB <name> TAB value|omitted|unlocated TAB <reason or
schema refs>. `msggen validate --schema` then checks each value against its
headers schema, reached by a `$ref` to it ("FILE#/json/pointer"). The view
does not say where a message's headers schema is, so the catalogue's files
are searched for every `headers` schema (not example data) whose property
names are exactly the headers type's fields; the schema refs listed (space
separated) are all of them, and the value must validate against each, so a
wrong match can only fail the test, never pass it.

One process for all folders: a Python start costs more than a view."""
import json
import os
import sys

try:
    import yaml
except ImportError:  # JSON catalogues still work
    yaml = None

_docs = {}


def load(path):
    path = os.path.abspath(path)
    if path not in _docs:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            _docs[path] = yaml.safe_load(text) if yaml else json.loads(text)
        except Exception:  # noqa: BLE001 - a file we cannot read has no candidates
            _docs[path] = None
    return _docs[path]


def pointer_get(doc, ptr):
    node = doc
    for tok in ptr.lstrip("/").split("/") if ptr.strip("/") else []:
        tok = tok.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and tok in node:
            node = node[tok]
        elif isinstance(node, list) and tok.isdigit() and int(tok) < len(node):
            node = node[int(tok)]
        else:
            return None
    return node


def follow(path, node, depth=0):
    """The node a local or relative-file $ref leads to, with its file."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
        ref = node["$ref"]
        if ref.startswith(("http:", "https:")):
            return path, None
        file, _, ptr = ref.partition("#")
        if file:
            path = os.path.normpath(os.path.join(os.path.dirname(path), file))
        doc = load(path)
        node = pointer_get(doc, ptr) if doc is not None else None
        depth += 1
    return path, node


def prop_names(path, node, depth=0):
    path, node = follow(path, node)
    names = set()
    if not isinstance(node, dict) or depth > 16:
        return names
    if isinstance(node.get("properties"), dict):
        names |= set(node["properties"])
    for key in ("allOf",):
        for sub in node.get(key) or []:
            names |= prop_names(path, sub, depth + 1)
    return names


def esc(tok):
    return str(tok).replace("~", "~0").replace("/", "~1")


def headers_schemas(path, node, ptr="", out=None):
    """Every `headers` schema of the file, outside example data."""
    if out is None:
        out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("examples", "example", "default", "enum", "const"):
                continue
            p = ptr + "/" + esc(k)
            if k == "headers" and isinstance(v, dict):
                out.append((path, p, v))
            headers_schemas(path, v, p, out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            headers_schemas(path, v, ptr + "/" + str(i), out)
    return out


def candidates(entry):
    """(ref, property names) of every headers schema in the entry file and
    the files its $refs name."""
    seen, todo, found = set(), [os.path.abspath(entry)], []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        doc = load(path)
        if doc is None:
            continue
        for p, ptr, node in headers_schemas(path, doc):
            found.append(("%s#%s" % (p, ptr), prop_names(p, node)))

        def refs(n):
            if isinstance(n, dict):
                r = n.get("$ref")
                if isinstance(r, str) and not r.startswith(("http:", "https:", "#")):
                    todo.append(os.path.normpath(os.path.join(os.path.dirname(path), r.partition("#")[0])))
                for v in n.values():
                    refs(v)
            elif isinstance(n, list):
                for v in n:
                    refs(v)
        refs(doc)
    return found


for out in sys.argv[1:]:
    with open(os.path.join(out, "view.json"), encoding="utf-8") as f:
        view = json.load(f)
    with open(os.path.join(out, "case"), encoding="utf-8") as f:
        _label, folder, entry = f.read().split("\n")[:3]
    cands = None
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
            if cands is None:
                cands = candidates(os.path.join(folder, entry))
            want = {f["wire"] for f in m["header_fields"]}
            refs = sorted({ref for ref, names in cands if names == want})
            if refs:
                hl.write("%d\t%s\tvalue\t%s\n" % (n, name, " ".join(refs)))
            else:
                hl.write("%d\t%s\tunlocated\tno headers schema with the properties %s\n"
                         % (n, name, ",".join(sorted(want))))
