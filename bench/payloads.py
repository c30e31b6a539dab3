#!/usr/bin/env python3
"""Writes WORK/payloads.json for bench/run.sh: per message of the catalogue, its
payload schema with every $ref inlined (for ajv) and its examples as JSON text.

usage: payloads.py CATALOGUE.yaml VIEW.json WORK
"""
import json
import os
import sys

import yaml


class Docs:
    def __init__(self):
        self.cache = {}

    def load(self, path):
        path = os.path.normpath(path)
        if path not in self.cache:
            with open(path) as fh:
                self.cache[path] = yaml.safe_load(fh)
        return self.cache[path]

    def follow(self, base, ref):
        file, _, ptr = ref.partition("#")
        path = os.path.join(os.path.dirname(base), file) if file else base
        node = self.load(path)
        for tok in [t for t in ptr.split("/") if t]:
            tok = tok.replace("~1", "/").replace("~0", "~")
            node = node[int(tok)] if isinstance(node, list) else node[tok]
        return os.path.normpath(path), node

    def deref(self, base, node, depth=0):
        if depth > 64:
            raise ValueError("ref nesting too deep")
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                b, t = self.follow(base, node["$ref"])
                return self.deref(b, t, depth + 1)
            return {k: self.deref(base, v, depth + 1) for k, v in node.items()
                    if not k.startswith("x-") and k not in ("examples", "example")}
        if isinstance(node, list):
            return [self.deref(base, v, depth + 1) for v in node]
        return node


def main(cat, view_path, work):
    docs = Docs()
    root = docs.load(cat)
    view = json.load(open(view_path))
    out = []
    for m in view["messages"]:
        name = m["name"]["raw"]
        msg = root["components"]["messages"][name]
        b, payload = (docs.follow(cat, msg["payload"]["$ref"]) if "$ref" in msg["payload"]
                      else (cat, msg["payload"]))
        out.append({"message": name, "schema": docs.deref(b, payload),
                    "examples": [json.dumps(json.loads(e["json"]), separators=(",", ":")) for e in m["examples"]]})
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "payloads.json"), "w") as fh:
        json.dump(out, fh)
    with open(os.path.join(work, "examples.txt"), "w") as fh:
        for o in out:
            for e in o["examples"]:
                fh.write("%s\t%s\n" % (o["message"], e))


if __name__ == "__main__":
    main(*sys.argv[1:4])
