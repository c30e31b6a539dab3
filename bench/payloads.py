#!/usr/bin/env python3
"""Builds the payload sets of the validator benchmark (bench/validators.sh).

usage: payloads.py CATALOGUE.yaml VIEW.json WORK

Writes, into WORK:
  payloads.json        per message: its payload schema with every $ref inlined
                       (for ajv) and its payloads per set, as compact JSON text
  examples-SET.txt     one line per payload, "MESSAGE<TAB>JSON" (for bench_c)
  check/SET/MSG.json   the payloads as files, for `msggen validate --message`
for the sets
  minimal    one per message: only the required properties; arrays hold one
             item, maps and free-form objects are empty
  full       one per message: every property present, recursively; arrays hold
             three items, maps and free-form objects three entries
  catalogue  the message examples of the catalogue, as written there

The minimal and full payloads are built from the schemas alone and are
deterministic: values come from const, enum, examples, default, the bounds
and the format (uuid, uri, date-time) of each property; a choice that needs
variety (which enum value, which number) is a CRC-32 of the JSON pointer of
the value, so every run writes the same bytes.
"""
import json
import os
import sys
import zlib

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

    def deref(self, base, node, keep_examples, depth=0):
        """node with every $ref inlined and x- extensions dropped; the
        examples are dropped too unless keep_examples (ajv would reject
        nothing for them, but they are not part of what is validated)."""
        if depth > 64:
            raise ValueError("$ref nesting deeper than 64: recursive schema?")
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                b, t = self.follow(base, node["$ref"])
                return self.deref(b, t, keep_examples, depth + 1)
            return {k: self.deref(base, v, keep_examples, depth + 1) for k, v in node.items()
                    if not k.startswith("x-") and (keep_examples or k not in ("examples", "example"))}
        if isinstance(node, list):
            return [self.deref(base, v, keep_examples, depth + 1) for v in node]
        return node


WORDS = ("dragon", "articulated", "benchy", "gear", "bracket", "vase", "lamp", "figure",
         "planter", "hinge", "knight", "tower", "rocket", "whistle", "keychain", "coaster")


def crc(ptr):
    return zlib.crc32(ptr.encode())


def type_of(s):
    t = s.get("type")
    if isinstance(t, list):
        return t[0] if t else None
    if t is None:
        if "properties" in s or "additionalProperties" in s or "required" in s:
            return "object"
        if "items" in s:
            return "array"
    return t


def string_value(s, ptr, name):
    h = crc(ptr)
    fmt = s.get("format")
    if fmt == "uuid":
        x = "%032x" % (zlib.crc32(ptr.encode(), 1) << 96 | h << 64 | zlib.crc32(ptr.encode(), 2) << 32 | zlib.crc32(ptr.encode(), 3))
        return "%s-%s-4%s-a%s-%s" % (x[0:8], x[8:12], x[13:16], x[17:20], x[20:32])
    if fmt == "date-time":
        return "2025-%02d-%02dT%02d:%02d:%02d.%03dZ" % (1 + h % 12, 1 + h % 28, h % 24, h % 60, (h >> 8) % 60, h % 1000)
    if fmt == "date":
        return "2025-%02d-%02d" % (1 + h % 12, 1 + h % 28)
    if fmt in ("uri", "uri-reference", "url"):
        return "https://storage.example.com/models/%08x/%s-%s.stl?version=%d" % (h, WORDS[h % 16], WORDS[(h >> 4) % 16], h % 9 + 1)
    if fmt == "email":
        return "%s.%s@example.com" % (WORDS[h % 16], WORDS[(h >> 4) % 16])
    v = "%s %s %s" % (WORDS[h % 16], WORDS[(h >> 4) % 16], name)
    lo, hi = s.get("minLength", 0), s.get("maxLength")
    while len(v) < lo:
        v += " " + WORDS[len(v) % 16]
    return v[:hi] if hi is not None else v


def number_value(s, ptr, integer):
    h = crc(ptr)
    lo = s.get("minimum", s.get("exclusiveMinimum"))
    hi = s.get("maximum", s.get("exclusiveMaximum"))
    if lo is None and hi is None:
        lo, hi = 0, 1000
    elif lo is None:
        lo = hi - 1000
    elif hi is None:
        hi = lo + 1000
    if integer:
        lo, hi = int(lo) + 1, int(hi) - 1
        return lo + h % (hi - lo + 1) if hi >= lo else int(lo)
    v = lo + (hi - lo) * ((h % 9973) + 1) / 9975.0
    return round(v, 3) if lo < round(v, 3) < hi else v


def value(s, ptr, name, full):
    """A valid instance of schema s; full: every optional property too."""
    h = crc(ptr)
    if "const" in s:
        return s["const"]
    if "enum" in s:
        return s["enum"][h % len(s["enum"])]
    for key in ("examples", "example"):
        ex = s.get(key)
        if key == "examples" and isinstance(ex, list) and ex:
            return ex[h % len(ex)]
        if key == "example" and ex is not None:
            return ex
    if "default" in s and full:
        return s["default"]
    t = type_of(s)
    if t == "object":
        out = {}
        props = s.get("properties", {})
        req = set(s.get("required", []))
        for k, ps in props.items():
            if full or k in req:
                out[k] = value(ps, ptr + "/" + k, k, full)
        extra = s.get("additionalProperties", True)
        if full and not props and extra is not False:
            es = extra if isinstance(extra, dict) else {}
            for i in range(3):
                k = "%s%d" % (WORDS[(h + i) % 16], i)
                out[k] = value(es, ptr + "/" + k, k, full) if type_of(es) else \
                    ("%s %s" % (WORDS[(h >> i) % 16], name), round(0.25 + i * 1.5, 2), i == 1)[i]
        return out
    if t == "array":
        n = max(s.get("minItems", 0), 3 if full else 1)
        n = min(n, s.get("maxItems", n))
        return [value(s.get("items", {}), "%s/%d" % (ptr, i), name, full) for i in range(n)]
    if t == "string":
        return string_value(s, ptr, name)
    if t == "integer":
        return number_value(s, ptr, True)
    if t == "number":
        return number_value(s, ptr, False)
    if t == "boolean":
        return h % 2 == 0
    if t == "null":
        return None
    return "%s %s" % (WORDS[h % 16], name)  # any value


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def main(cat, view_path, work):
    docs = Docs()
    root = docs.load(cat)
    with open(view_path) as fh:
        view = json.load(fh)
    out = []
    for m in view["messages"]:
        name = m["name"]["raw"]
        msg = root["components"]["messages"][name]
        b, payload = (docs.follow(cat, msg["payload"]["$ref"]) if "$ref" in msg["payload"]
                      else (cat, msg["payload"]))
        gen = docs.deref(b, payload, True)
        out.append({"message": name, "schema": docs.deref(b, payload, False), "sets": {
            "minimal": [compact(value(gen, "", name, False))],
            "full": [compact(value(gen, "", name, True))],
            "catalogue": [compact(json.loads(e["json"])) for e in m["examples"]],
        }})
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "payloads.json"), "w") as fh:
        json.dump(out, fh)
    for st in ("minimal", "full", "catalogue"):
        os.makedirs(os.path.join(work, "check", st), exist_ok=True)
        with open(os.path.join(work, "examples-%s.txt" % st), "w") as fh:
            for o in out:
                for i, e in enumerate(o["sets"][st]):
                    fh.write("%s\t%s\n" % (o["message"], e))
                    with open(os.path.join(work, "check", st, "%s.%d.json" % (o["message"], i)), "w") as f:
                        f.write(e + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:4])
