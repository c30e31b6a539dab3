#!/usr/bin/env python3
"""Builds validator conformance cases for the generated clients.

    mutants.py MSGGEN CATALOGUE OUT_DIR  ->  OUT_DIR/cases.json

For every message with an example payload it writes the example and mutants
of it (each value replaced by one of another JSON type or out of the usual
ranges, each object member removed, an unknown member added) to files, runs
`msggen validate -i CATALOGUE --message NAME FILE...` (the reference
validator, docs/validation.md) on them, and records per file the set of
"POINTER: MESSAGE" lines it reported. The Python and TypeScript client tests
check that their generated validators report exactly the same sets.
"""
import json
import os
import re
import subprocess
import sys

MAX_PER_MESSAGE = int(os.environ.get("MUTANTS_PER_MESSAGE", "150"))
LINE = re.compile(r"^(.*?):\d+:\d+: error: payload does not match the payload of message '[^']*': (.*)$")
LINE_NOPOS = re.compile(r"^(.*?): error: payload does not match the payload of message '[^']*': (.*)$")


def replacements(v):
    if isinstance(v, bool):
        return ["true", 1]
    if isinstance(v, (int, float)):
        return ["12", 0.5, -1e9, 1e9, None]
    if isinstance(v, str):
        return [12345, "", "<>zz not-valid ~/", "x" * 3000, None]
    if isinstance(v, list):
        return [{"a": 1}, [v[0], v[0]] if v else [1]]
    if isinstance(v, dict):
        return [[1], "obj", None]
    return ["null-replaced"]


def mutants(doc):
    """(description, payload) pairs: one change each, walking the whole tree."""
    out = []

    def walk(v, setter):
        for r in replacements(v):
            out.append(setter(r))
        if isinstance(v, dict):
            for k in list(v):
                out.append(setter({kk: vv for kk, vv in v.items() if kk != k}))
                walk(v[k], lambda r, k=k: setter({**v, k: r}))
            out.append(setter({**v, "zzUnknownMember": 1}))
        elif isinstance(v, list):
            for i in range(min(len(v), 2)):
                walk(v[i], lambda r, i=i: setter(v[:i] + [r] + v[i + 1:]))

    walk(doc, lambda r: r)
    return out


def run_batches(msggen, catalogue, name, files, errors):
    """One msggen validate run for all of a message's files: with --message
    each file's errors are bounded by themselves (MG_MAX_VALIDATE_ERRORS,
    docs/validation.md), not by the run. A file with `limit` (20) errors or
    more is left out (None: too many to know), as when the files went 16 to a
    run and a run stopped after 20 diagnostics in all."""
    limit = 20
    r = subprocess.run([msggen, "validate", "-i", catalogue, "--message", name] + files,
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit("msggen validate failed for %s: %s" % (name, r.stderr[:500]))
    found = {f: set() for f in files}
    count = {f: 0 for f in files}
    for line in r.stderr.splitlines():
        mm = LINE.match(line) or LINE_NOPOS.match(line)
        if mm and mm.group(1) in found:
            found[mm.group(1)].add(mm.group(2))
            count[mm.group(1)] += 1
    for f in files:
        errors[f] = None if count[f] >= limit else found[f]


def main():
    msggen, catalogue, out_dir = sys.argv[1:4]
    view = json.loads(subprocess.run([msggen, "view", "-i", catalogue], check=True,
                                     capture_output=True, text=True).stdout)
    cases = []
    for m in view.get("messages", []):
        if not m.get("example"):
            continue
        name = m["name"]["raw"]
        example = m["example"]["value"]
        payloads = [example] + mutants(example)
        seen, unique = set(), []
        for p in payloads:
            key = json.dumps(p, sort_keys=True)
            if key not in seen:
                seen.add(key)
                unique.append(p)
        unique = unique[:MAX_PER_MESSAGE]
        files = []
        for i, p in enumerate(unique):
            f = os.path.join(out_dir, "%s.%d.json" % (name, i))
            with open(f, "w") as fh:
                json.dump(p, fh)
            files.append(f)
        errors = {}
        run_batches(msggen, catalogue, name, files, errors)
        for f, p in zip(files, unique):
            if errors[f] is None:
                continue
            cases.append({"message": name, "file": os.path.basename(f), "payload": p,
                          "errors": sorted(errors[f])})
    with open(os.path.join(out_dir, "cases.json"), "w") as fh:
        json.dump({"catalogue": catalogue, "cases": cases}, fh)
    print(len(cases))


if __name__ == "__main__":
    main()
