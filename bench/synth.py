#!/usr/bin/env python3
"""bench/synth.py - synthetic AsyncAPI 3.0 catalogues for the scaling benchmark.

    bench/synth.py [--seed S] [--out DIR] N

writes a catalogue of N messages into DIR (default bench/work/synth-N/), laid
out like schemas/worker-backend/ (docs/catalogue.md):

    asyncapi.yaml            info, servers, channels, operations, components
                             (schemas as refs into the files below, messages
                             with one valid example each), x-http-api, x-clients
    messages/dNNNN-*.yaml    payload schemas, about 25 messages per file
    messages/dNNNN-*.messages.yaml  their message definitions (name, title,
                             summary, description, tags, payload ref, example)
    common/cNNNN-*.yaml      shared named schemas (about N/4, 8 per file), each
                             reused by many messages (skewed: a few are popular)
                             and referring to earlier shared schemas in other
                             files
    common/job.yaml          JobResponse, JobStatus (the job API of x-http-api)

Payloads nest objects 3-7 levels deep and use arrays (of scalars and of
objects), maps (additionalProperties: scalar, object or {}), string enums,
formats (uuid, uri, date-time), ranges, lengths, defaults, required lists,
deprecation, `$ref` with a sibling description, and descriptions of which some
are multi-line block scalars. Every name carries a unique token (x<message>,
s<shared>), and the generator tracks the names msggen gives hoisted inline
types, so no two identifiers collide.

Deterministic: the same seed and N give byte-identical files (the output
folder is emptied first). Standard library only.
"""
import argparse
import json
import os
import random
import shutil
import sys

NOUNS = """asset model mesh texture layer print slice render thumbnail preview file folder
bucket archive upload download listing shop order invoice payment refund customer account
profile session token credential device printer material filament resin nozzle extruder
camera image video scene node edge vertex polygon budget quota report metric event alert
batch queue worker task stage pipeline project workspace catalog product variant price
discount coupon shipment parcel carrier address region zone cluster host service endpoint
schedule calendar window plan tier license review rating comment author editor reader
storage volume snapshot backup mirror replica index search query filter sorter cursor page
""".split()
VERBS = """sync import export publish analyse render slice scan index validate convert merge
split archive restore migrate rotate refresh enrich classify detect estimate compress
""".split()
ADJS = """primary secondary external internal source target preferred default current
previous next total average peak minimum maximum estimated observed public private
""".split()
SCALAR_WORDS = """name label code kind status count size length width height depth weight
ratio score level rank note summary title url path key hash checksum version revision
created updated expires started finished duration offset limit locale currency
amount quantity unit color opacity angle scale speed temperature pressure margin""".split()
ENUM_WORDS = """pending active paused stopped failed succeeded cancelled queued running
archived draft published hidden visible low medium high urgent small large huge tiny
manual automatic scheduled triggered partial complete unknown mixed""".split()
TEXT = """the value of this field is used by the worker when the job runs and is stored
with the result so that later jobs can read it again without asking the backend each
request carries the identifiers it needs and the backend answers with the state of
processing for every item in the batch including errors retries and timings""".split()
FORMATS = ["uuid", "uri", "date-time"]


class Block(str):
    """A description written as a `|` block scalar."""


def camel(words):
    return words[0] + "".join(w.capitalize() for w in words[1:])


def pascal(words):
    return "".join(w.capitalize() for w in words)


class Gen:
    def __init__(self, n, seed):
        self.n = n
        self.r = random.Random("msggen-synth:%s:%d" % (seed, n))
        self.shared = []    # (name, file, schema)
        self.shared_by_name = {}
        self.uuid_n = 0

    # ---- text -----------------------------------------------------------
    def sentence(self, lo=5, hi=14):
        r = self.r
        words = [r.choice(TEXT) for _ in range(r.randint(lo, hi))]
        s = " ".join(words)
        if r.random() < 0.15:
            s += " (see `%s`, e.g. <%s> & \"%s\")" % (r.choice(SCALAR_WORDS), r.choice(NOUNS), r.choice(ADJS))
        return s[0].upper() + s[1:] + "."

    def description(self):
        r = self.r
        if r.random() < 0.2:
            lines = [self.sentence() for _ in range(r.randint(2, 4))]
            if r.random() < 0.5:
                lines.append("")
                lines += ["- " + self.sentence(3, 6) for _ in range(r.randint(2, 3))]
            return Block("\n".join(lines) + "\n")
        return self.sentence()

    # ---- schemas --------------------------------------------------------
    def scalar(self, with_desc):
        r = self.r
        t = r.random()
        s = {}
        if t < 0.45:
            s["type"] = "string"
            if r.random() < 0.3:
                s["format"] = r.choice(FORMATS)
            elif r.random() < 0.08:
                s["minLength"] = 1
                s["maxLength"] = r.choice([64, 200, 500])
        elif t < 0.65:
            s["type"] = "integer"
            if r.random() < 0.15:
                s["minimum"] = 0
                s["maximum"] = r.choice([100, 1000, 65535])
        elif t < 0.8:
            s["type"] = "number"
            if r.random() < 0.1:
                s["minimum"] = 0
                s["maximum"] = 1
                if r.random() < 0.5:
                    s["default"] = 0.5
        elif t < 0.95:
            s["type"] = "boolean"
            if r.random() < 0.1:
                s["default"] = False
        else:
            s["type"] = ["string", "number", "boolean"]
        if with_desc:
            s["description"] = self.description()
            if r.random() < 0.02:
                s["deprecated"] = True
        return s

    def field_words(self, used, hoists, taken, prefix):
        """A field name (list of words) not used in this object; when `hoists`,
        also one whose hoisted type name (prefix + words [+ suffix]) is free."""
        r = self.r
        for attempt in range(1000):
            k = r.random()
            if k < 0.4:
                w = [r.choice(SCALAR_WORDS)]
            elif k < 0.75:
                w = [r.choice(NOUNS), r.choice(SCALAR_WORDS)]
            else:
                w = [r.choice(ADJS), r.choice(NOUNS)]
            if hoists:
                w = [r.choice(ADJS if attempt < 500 else NOUNS), r.choice(NOUNS)]
            key = tuple(w)
            if key in used:
                continue
            if hoists and any(tuple(prefix) + key + sfx in taken for sfx in ((), ("item",), ("value",))):
                continue
            used.add(key)
            if hoists:
                for sfx in ((), ("item",), ("value",)):
                    taken.add(tuple(prefix) + key + sfx)
            return w
        raise RuntimeError("no free field name")

    def obj(self, prefix, depth, taken, min_fields, max_fields, with_desc, ref_pool):
        """An inline object whose hoisted name is `prefix` (a word list), with a
        nesting of exactly `depth` object levels below it along one branch."""
        r = self.r
        props = {}
        used = set()
        nf = r.randint(min_fields, max_fields)
        deep_at = r.randrange(nf) if depth > 0 else -1
        for i in range(nf):
            if i == deep_at:
                kind = "deep"
            else:
                k = r.random()
                kind = ("scalar" if k < 0.55 else "enum" if k < 0.62 else "array" if k < 0.72
                        else "map" if k < 0.78 else "ref" if k < 0.9 and ref_pool else
                        "object" if k < 0.95 and depth > 1 else "scalar")
            s = self.scalar(with_desc) if kind == "scalar" else None
            # Inline objects, enums and unions become named types (hoisted).
            hoists = kind in ("deep", "enum", "object", "array", "map") or (
                s is not None and isinstance(s["type"], list))
            w = self.field_words(used, hoists, taken, prefix)
            name = camel(w)
            sub = tuple(prefix) + tuple(w)
            if kind == "scalar":
                pass
            elif kind == "enum":
                s = {"type": "string"}
                if with_desc:
                    s["description"] = self.description()
                s["enum"] = r.sample(ENUM_WORDS, r.randint(2, 5))
            elif kind == "array":
                s = {"type": "array"}
                if with_desc:
                    s["description"] = self.description()
                if r.random() < 0.5 or depth <= 1:
                    it = self.scalar(False)
                    it.pop("default", None)
                    s["items"] = it
                else:
                    s["items"] = self.obj(sub + ("item",), 0, taken, 2, 4, False, ref_pool)
            elif kind == "map":
                s = {"type": "object"}
                if with_desc:
                    s["description"] = self.description()
                k2 = r.random()
                if k2 < 0.4:
                    s["additionalProperties"] = {"type": r.choice(["number", "string", "integer"])}
                elif k2 < 0.7 or depth <= 1:
                    s["additionalProperties"] = {}
                else:
                    s["additionalProperties"] = self.obj(sub + ("value",), 0, taken, 2, 3, False, ref_pool)
            elif kind == "ref":
                target = self.pick_shared(ref_pool)
                s = {"$ref": target}
                if with_desc and r.random() < 0.8:
                    s["description"] = self.description()
            else:
                d = depth - 1 if kind == "deep" else r.randint(0, max(0, depth - 2))
                s = self.obj(sub, d, taken, 2, 5, with_desc and r.random() < 0.3, ref_pool)
                if with_desc and "description" not in s:
                    s = dict(description=self.description(), **s)
            props[name] = s
        out = {"type": "object"}
        req = [p for p in props if r.random() < 0.35]
        if req:
            out["required"] = req
        out["properties"] = props
        return out

    def pick_shared(self, pool):
        """A ref to a shared schema: popular ones (low index) are picked more often."""
        i = int(len(pool) * self.r.random() ** 2)
        return pool[i]

    # ---- examples -------------------------------------------------------
    def resolve_ref(self, ref):
        return self.shared_by_name[ref.rsplit("/", 1)[1]]

    def value(self, s, depth=0):
        r = self.r
        if "$ref" in s:
            return self.value(self.resolve_ref(s["$ref"]), depth)
        if "enum" in s:
            return s["enum"][0]
        t = s.get("type")
        if isinstance(t, list):
            return "mixed"
        if t == "string":
            f = s.get("format")
            if f == "uuid":
                self.uuid_n += 1
                return "%08x-0000-4000-8000-%012x" % (self.uuid_n, self.uuid_n * 7919)
            if f == "uri":
                return "https://example.com/%s/%d" % (r.choice(NOUNS), r.randint(1, 999))
            if f == "date-time":
                return "2026-%02d-%02dT%02d:%02d:00Z" % (r.randint(1, 12), r.randint(1, 28),
                                                         r.randint(0, 23), r.randint(0, 59))
            return "%s %s" % (r.choice(ADJS), r.choice(NOUNS))
        if t == "integer":
            return r.randint(s.get("minimum", 0), s.get("maximum", 5000))
        if t == "number":
            return round(r.uniform(s.get("minimum", 0), s.get("maximum", 100)), 2)
        if t == "boolean":
            return r.random() < 0.5
        if t == "array":
            return [self.value(s["items"], depth + 1) for _ in range(r.randint(1, 2))]
        if t == "object" and "properties" in s:
            out = {}
            req = set(s.get("required", []))
            for k, v in s["properties"].items():
                if k in req or r.random() < 0.5:
                    out[k] = self.value(v, depth + 1)
            return out
        if t == "object":
            ap = s.get("additionalProperties", {})
            if not ap:
                return {"k1": "any value"}
            return {"k%d" % i: self.value(ap, depth + 1) for i in range(1, r.randint(1, 2) + 1)}
        return "any"

    # ---- the catalogue --------------------------------------------------
    def build(self):
        r, n = self.r, self.n
        nshared = max(4, n // 4)
        per_common = 8
        files_common = []
        # Shared schemas, each in a common file; later ones refer to earlier ones
        # (other files included), so $ref chains cross files.
        for j in range(nshared):
            fi = j // per_common
            if fi == len(files_common):
                files_common.append(("c%04d-%s.yaml" % (fi, r.choice(NOUNS)), []))
            fname = files_common[fi][0]
            words = [r.choice(ADJS), r.choice(NOUNS), "s%d" % j]
            name = pascal(words)
            pool = []
            for k in range(min(j, 3)):
                i = int(j * r.random() ** 2)
                tf = files_common[i // per_common][0]
                ref = ("#/%s" % self.shared[i][0]) if tf == fname else "./%s#/%s" % (tf, self.shared[i][0])
                pool.append(ref)
            taken = set()
            s = self.obj(words, r.randint(0, 2), taken, 3, 6, True, pool)
            s = dict(description=self.description(), **s)
            self.shared.append((name, fname, s))
            self.shared_by_name[name] = s
            files_common[fi][1].append((name, s))
        # Messages, ~25 per domain file.
        per_dom = 25
        msgs = []
        doms = []
        for i in range(n):
            di = i // per_dom
            if di == len(doms):
                dn = r.choice(NOUNS)
                doms.append(("d%04d-%s.yaml" % (di, dn), dn, []))
            dfile, dtag, dlist = doms[di]
            suffix = r.choice(["request", "completed", "event"])
            words = [r.choice(NOUNS), r.choice(VERBS), "x%d" % i, suffix]
            mname = "-".join(words)
            pwords = words + ["message"]
            pname = pascal(pwords)
            pool = ["../common/%s#/%s" % (self.shared[k][1], self.shared[k][0]) for k in range(nshared)]
            taken = set()
            s = self.obj(pwords, r.randint(3, 7) - 1, taken, 6, 12, True, pool)
            s = dict(description=self.description(), **s)
            if r.random() < 0.05:
                s["deprecated"] = True
            dlist.append((pname, s))
            msgs.append((mname, words, pname, dfile, dtag, s))
        return files_common, doms, msgs


# ---- YAML writing (block style; strings JSON-quoted unless plainly safe) ----

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-/()")
KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if v is None:
        return "null"
    s = str(v)
    if s == "$ref":
        return s
    if (s and all(c in SAFE for c in s) and s[0].isalpha() and s.lower() not in KEYWORDS
            and not s.endswith(" ")):
        return s
    return json.dumps(s)


def emit(out, v, indent):
    pad = "  " * indent
    if isinstance(v, dict):
        if not v:
            out.append(" {}\n")
            return
        out.append("\n")
        for k, x in v.items():
            out.append("%s%s:" % (pad, scalar(k)))
            emit_value(out, x, indent + 1)
    elif isinstance(v, list):
        if not v:
            out.append(" []\n")
            return
        if all(not isinstance(x, (dict, list)) for x in v):
            out.append(" [%s]\n" % ", ".join(scalar(x) for x in v))
            return
        out.append("\n")
        for x in v:
            out.append("%s-" % pad)
            if isinstance(x, dict) and x and list(x) != ["$ref"]:
                first = True
                for k, y in x.items():
                    out.append(("%s " if first else "%s  ") % ("" if first else pad) + "%s:" % scalar(k))
                    emit_value(out, y, indent + 2)
                    first = False
            else:
                emit_value(out, x, indent + 1)


def emit_value(out, v, indent):
    if isinstance(v, dict) and list(v) == ["$ref"]:
        out.append(" {$ref: '%s'}\n" % v["$ref"].replace("'", "''"))
    elif isinstance(v, Block):
        out.append(" |\n")
        for line in v.rstrip("\n").split("\n"):
            out.append(("  " * indent + line).rstrip() + "\n")
    elif isinstance(v, (dict, list)):
        emit(out, v, indent)
    else:
        out.append(" %s\n" % scalar(v))


def yaml_doc(header, top):
    out = [header]
    for k, v in top:
        out.append("%s:" % scalar(k))
        emit_value(out, v, 1)
        out.append("\n")
    return "".join(out)


JOB = {
    "JobResponse": {
        "type": "object", "description": "Answer of the job API when a job was enqueued.",
        "required": ["success", "jobId", "messageName", "queue"],
        "properties": {
            "success": {"type": "boolean", "description": "Whether the job was accepted."},
            "jobId": {"type": "string", "description": "ID of the created job."},
            "messageName": {"type": "string", "description": "The message type of the job."},
            "queue": {"type": "string", "description": "Name of the queue the job was added to."}}},
    "JobStatus": {
        "type": "object", "description": "State of a job as reported by the job API.",
        "required": ["jobId", "name", "queue", "state", "data", "returnvalue", "progress", "timestamp"],
        "properties": {
            "jobId": {"type": "string", "description": "ID of the job."},
            "name": {"type": "string", "description": "Job name (the message type)."},
            "queue": {"type": "string", "description": "Queue holding the job."},
            "state": {"type": "string", "description": "Lifecycle state of the job.",
                      "enum": ["waiting", "active", "completed", "failed", "delayed"]},
            "data": {"type": "object", "description": "The payload the job was created with.",
                     "additionalProperties": {"type": ["string", "number", "boolean"]}},
            "returnvalue": {"type": ["string", "number", "boolean"],
                            "description": "Value returned by the worker."},
            "progress": {"type": "number", "description": "Progress reported by the worker."},
            "timestamp": {"type": "integer", "description": "Creation time in ms since the epoch."}}},
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of messages")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--out", help="output folder (default bench/work/synth-N)")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    out = a.out or os.path.join(here, "work", "synth-%d" % a.n)
    if os.path.isdir(out):
        shutil.rmtree(out)
    g = Gen(a.n, a.seed)
    commons, doms, msgs = g.build()

    for fname, items in commons:
        write(os.path.join(out, "common", fname),
              yaml_doc("# Shared schemas of the synthetic catalogue (bench/synth.py).\n\n", items))
    write(os.path.join(out, "common", "job.yaml"),
          yaml_doc("# The job API (x-http-api).\n\n", list(JOB.items())))
    for fname, tag, items in doms:
        write(os.path.join(out, "messages", fname),
              yaml_doc("# Payload schemas of domain '%s' (bench/synth.py).\n\n" % tag, items))

    r = g.r
    tags = sorted({d[1] for d in doms})
    channels, operations, cschemas, cmessages = [], [], [], []
    mdefs = {}
    for mname, words, pname, dfile, tag, schema in msgs:
        channels.append((mname, {"address": mname, "title": " ".join(w.capitalize() for w in words),
                                 "messages": {mname: {"$ref": "#/components/messages/%s" % mname}}}))
        summary = g.sentence(4, 10)
        # No `messages` list: the operation applies to every message of its
        # channel (keeps the root file under msggen's per-file input limit
        # at 50 000 messages).
        operations.append((camel(words), {
            "action": "send", "channel": {"$ref": "#/channels/%s" % mname}}))
        cschemas.append((pname, {"$ref": "./messages/%s#/%s" % (dfile, pname)}))
        m = {"name": mname, "title": " ".join(w.capitalize() for w in words), "summary": summary,
             "description": g.description(), "contentType": "application/json",
             "tags": [{"name": tag}]}
        if schema.get("deprecated"):
            m["deprecated"] = True
        m["payload"] = {"$ref": "./%s#/%s" % (dfile, pname)}
        m["examples"] = [{"name": camel(words), "summary": "A typical %s payload." % mname,
                          "payload": g.value(schema)}]
        # Message definitions live beside their payloads, one file per domain.
        mfile = dfile.replace(".yaml", ".messages.yaml")
        mdefs.setdefault(mfile, []).append((mname, m))
        cmessages.append((mname, {"$ref": "./messages/%s#/%s" % (mfile, mname)}))
    for mfile, items in mdefs.items():
        write(os.path.join(out, "messages", mfile),
              yaml_doc("# Message definitions (bench/synth.py).\n\n", items))
    for name, fname, _ in g.shared:
        cschemas.append((name, {"$ref": "./common/%s#/%s" % (fname, name)}))
    cschemas += [(k, {"$ref": "./common/job.yaml#/%s" % k}) for k in JOB]

    top = [
        ("asyncapi", "3.0.0"),
        ("info", {"title": "Synthetic Catalogue %d" % a.n, "version": "1.0.%d" % a.n,
                  "description": Block("Synthetic catalogue of %d messages (bench/synth.py, seed %s).\n\n"
                                       "Generated for the scaling benchmark; not a real API.\n" % (a.n, a.seed)),
                  "license": {"name": "ISC"},
                  "tags": [{"name": t, "description": g.sentence(3, 8)} for t in tags]}),
        ("defaultContentType", "application/json"),
        ("servers", {"local": {"host": "localhost:3000", "protocol": "http",
                               "description": "Job API on a development machine."}}),
        ("channels", dict(channels)),
        ("operations", dict(operations)),
        ("components", {"schemas": dict(cschemas), "messages": dict(cmessages)}),
        ("x-http-api", {
            "description": "One HTTP request per job.",
            "auth": {"type": "bearer", "header": "Authorization", "scheme": "Bearer", "optional": True},
            "env": {"baseUrl": "SYNTH_URL", "apiKey": "SYNTH_API_KEY", "timeout": "SYNTH_TIMEOUT"},
            "defaultBaseUrl": "http://localhost:3000", "defaultTimeoutSeconds": 30,
            "send": {"method": "POST", "path": "/api/jobs/{messageType}",
                     "description": "Enqueue a job.", "headers": {"Content-Type": "application/json"},
                     "body": "payload", "response": {"$ref": "#/components/schemas/JobResponse"}},
            "status": {"method": "GET", "path": "/api/jobs/{jobId}", "description": "Read a job.",
                       "response": {"$ref": "#/components/schemas/JobStatus"}},
            "errors": {"description": "Any non-2xx answer is an error.",
                       "messageFields": ["error", "message"]}}),
        ("x-clients", {"class": "SynthClient", "python": {"package": "synth-client", "module": "synth_client"},
                       "typescript": {"package": "@synth/client"},
                       "c": {"prefix": "synth", "macro_prefix": "SYNTH"}}),
    ]
    write(os.path.join(out, "asyncapi.yaml"),
          yaml_doc("# Synthetic catalogue: %d messages, seed %s (bench/synth.py).\n\n" % (a.n, a.seed), top))
    print(os.path.join(out, "asyncapi.yaml"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
