"""Differential test of the generated validators' pattern matching against
msggen validate (PCRE2, or the same linear-time programs): every pattern of
the JSON-Schema draft-07 suite (pattern, patternProperties) with its test
strings, and random patterns from a small grammar (seeded, so the same every
run) with random strings.

  regex_diff.py make DIR SUITE-DIR   DIR/catalogue.yaml (one message whose
                                     payload has an array of strings with a
                                     pattern per member) and one payload file
                                     per pattern, DIR/p<N>.json
  regex_diff.py prune DIR ERRORS   drops the members whose pattern msggen
                                     generate refused (ERRORS: its messages)
  regex_diff.py compare DIR MSGGEN TARGET RESULTS
                                     RESULTS: check.py's or check.mjs's lines;
                                     one ok/not ok line

Strings whose verdict msggen validate cannot give (a pattern PCRE2 rejects,
or stops at its backtracking limit on) are not compared.
"""
import json
import os
import random
import subprocess
import sys

ATOMS = ["a", "b", "-", " ", ".", "[ab]", "[^a]", "[a-c]", "\\d", "\\w", "\\s", "\\D", "[\\d-]", "\u00e9",
         "\\n", "1", "[^\\s]", "\\.", "_", "[\\w\u00e9]", "x{"]
ASSERTIONS = ["^", "$", "\\b", "\\B"]
QUANTS = ["", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}", "*?", "+?"]
CHARS = ["a", "b", "c", "-", " ", "1", "\n", "\u00e9", "_", "x", "{", "\u0661"]


def gen_alt(r, depth):
    out = []
    for i in range(1 + (r.random() < 0.25) + (r.random() < 0.12)):
        if i:
            out.append("|")
        for _ in range(r.randrange(5)):
            if depth < 3 and r.random() < 0.2:
                out.append(r.choice(["(", "(?:"]) + gen_alt(r, depth + 1) + ")")
            elif r.random() < 0.15:
                out.append(r.choice(ASSERTIONS))
                continue   # PCRE2 refuses a quantified assertion
            else:
                out.append(r.choice(ATOMS))
            out.append(r.choice(QUANTS))
    return "".join(out)


def suite_cases(suite):
    cases = []
    for name in ("pattern.json", "patternProperties.json"):
        path = os.path.join(suite, name)
        if not os.path.exists(path):
            continue
        for group in json.load(open(path, encoding="utf-8")):
            schema = group["schema"]
            pats = [schema["pattern"]] if "pattern" in schema else list(schema.get("patternProperties", {}))
            strings = []
            for t in group["tests"]:
                d = t["data"]
                if isinstance(d, str):
                    strings.append(d)
                elif isinstance(d, dict):
                    strings.extend(d.keys())
            cases.extend((p, strings) for p in pats if strings)
    return cases


def make(d, suite):
    os.makedirs(d, exist_ok=True)
    r = random.Random(7)
    cases = suite_cases(suite)
    for _ in range(700):
        p = gen_alt(r, 0)
        cases.append((p, ["".join(r.choice(CHARS) for _ in range(r.randrange(9))) for _ in range(8)]))
    props = {}
    for i, (p, strings) in enumerate(cases):
        props["p%d" % i] = {"type": "array", "items": {"type": "string", "pattern": p}}
        with open(os.path.join(d, "p%d.json" % i), "w", encoding="utf-8") as f:
            json.dump({"p%d" % i: strings}, f)
    catalogue = {
        "asyncapi": "3.0.0", "info": {"title": "Regex Diff", "version": "1.0.0"},
        "channels": {"c": {"address": "c", "messages": {"patterns": {"$ref": "#/components/messages/patterns"}}}},
        "operations": {"send": {"action": "send", "channel": {"$ref": "#/channels/c"}}},
        "components": {"messages": {"patterns": {"name": "patterns", "payload": {"type": "object", "properties": props}}}},
    }
    with open(os.path.join(d, "catalogue.yaml"), "w", encoding="utf-8") as f:
        json.dump(catalogue, f, indent=1)
    with open(os.path.join(d, "manifest"), "w") as f:
        f.write("".join("p%d patterns\n" % i for i in range(len(cases))))


def prune(d, errors):
    path = os.path.join(d, "catalogue.yaml")
    lines = open(path, encoding="utf-8").read().split("\n")
    bad = set()
    for e in open(errors, encoding="utf-8"):
        if ": error: " not in e:
            continue
        parts = e.split(":")
        if len(parts) > 2 and parts[1].isdigit():
            bad.add(lines[int(parts[1]) - 3].strip().split('"')[1])   # "pN": { two lines above "pattern"
    catalogue = json.load(open(path, encoding="utf-8"))
    props = catalogue["components"]["messages"]["patterns"]["payload"]["properties"]
    for name in bad:
        del props[name]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(catalogue, f, indent=1)
    with open(os.path.join(d, "manifest"), "w") as f:
        f.write("".join("%s patterns\n" % name for name in props))


def reference(d, msggen):
    """msggen validate over all files, in batches of 200 (one process, not
    one per file: that was some 700 runs). Its limit on diagnostics is per
    file with --message (MG_MAX_VALIDATE_ERRORS, which says when it cuts),
    so a batch reports what one run per file reported; each line starts with
    its file's path."""
    files = [l.split()[0] + ".json" for l in open(os.path.join(d, "manifest"))]
    want = {f: set() for f in files}
    undecided = set()
    tag = "payload does not match the payload of message 'patterns': "
    for i in range(0, len(files), 200):
        batch = files[i:i + 200]
        by_path = {os.path.join(d, f): f for f in batch}
        r = subprocess.run([msggen, "validate", "-i", os.path.join(d, "catalogue.yaml"), "--message", "patterns"]
                           + list(by_path), capture_output=True, text=True)
        for line in r.stderr.splitlines():
            path = line.split(":", 1)[0]
            if path not in by_path:
                # Not a line about one file: no verdict for any file of the batch.
                undecided.update(batch)
                continue
            if tag in line:
                want[by_path[path]].add(line.split(tag, 1)[1])
            else:
                undecided.add(by_path[path])
    return want, undecided


def compare(d, msggen, target, results):
    cache = os.path.join(d, "reference.json")   # the same for every target
    if not os.path.exists(cache):
        want, undecided = reference(d, msggen)
        json.dump({"want": {f: sorted(e) for f, e in want.items()}, "undecided": sorted(undecided)}, open(cache, "w"))
    ref = json.load(open(cache))
    want = {f: set(e) for f, e in ref["want"].items()}
    undecided = set(ref["undecided"])
    got = {}
    for line in open(results, encoding="utf-8"):
        name, _, _, errors = line.rstrip("\n").split("\t")
        got[name + ".json"] = set(json.loads(errors))
    bad = [f for f in want if f not in undecided and got.get(f) != want[f]]
    test = "hostile_payload_patterns_should_match_like_msggen_validate_%s" % target
    nstrings = sum(len(next(iter(json.load(open(os.path.join(d, f), encoding="utf-8")).values())))
                   for f in want if f not in undecided)
    if bad:
        print("not ok %s: %d of %d patterns differ" % (test, len(bad), len(want) - len(undecided)))
        src = json.load(open(os.path.join(d, "catalogue.yaml"), encoding="utf-8"))
        props = src["components"]["messages"]["patterns"]["payload"]["properties"]
        for f in bad[:8]:
            print("# %s /%s/: want %s" % (f, props[f[:-5]]["items"]["pattern"], sorted(want[f])))
            print("#     got %s" % sorted(got.get(f, [])))
    else:
        print("ok %s" % test)
        print("# %d patterns, %d strings compared (%d patterns undecided by msggen validate)"
              % (len(want) - len(undecided), nstrings, len(undecided)))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "prune":
        prune(sys.argv[2], sys.argv[3])
    else:
        compare(*sys.argv[2:6])
