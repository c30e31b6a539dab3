#!/usr/bin/env python3
"""Payload cases for the C-target tests, and the comparison with msggen validate.

  cases.py make VIEW.json OUTDIR        writes every message example and invalid
                                        variants of it into OUTDIR, and OUTDIR/manifest
                                        ("MESSAGE<TAB>FILE" lines)
  cases.py compare MANIFEST GOT.txt MSGGEN CATALOGUE
                                        runs `msggen validate -i CATALOGUE --message M`
                                        on every case and compares its errors (as sets
                                        of "POINTER: MESSAGE") with the generated
                                        validator's (GOT.txt from roundtrip.c).
  cases.py make-many VIEW.json OUTDIR [VIEW.json OUTDIR]...
  cases.py compare-many NAME MANIFEST GOT.txt MSGGEN CATALOGUE [NAME ...]...
                                        the same for several catalogues in one
                                        process (a Python start is 0.1 s of CPU
                                        here); compare-many ends each line of a
                                        catalogue with "/NAME".
Prints test lines (ok / not ok) for tests/c-target/run.sh.
"""
import collections
import copy
import json
import os
import re
import subprocess
import sys


def wrong(v):
    if isinstance(v, str):
        return 12345
    if isinstance(v, bool) or isinstance(v, (int, float)):
        return "not-a-number"
    if isinstance(v, list):
        return {"not": "an array"}
    if isinstance(v, dict):
        return ["not", "an", "object"]
    return True


def variants(payload, fields):
    """Invalid (and edge) variants of a valid payload: (label, value)."""
    out = []
    if not isinstance(payload, dict):
        return out
    req = [f["wire"] for f in fields if f.get("required") and f["wire"] in payload]
    if req:
        p = copy.deepcopy(payload)
        del p[req[0]]
        out.append(("missing-" + req[0], p))
    for k in list(payload)[:2]:
        p = copy.deepcopy(payload)
        p[k] = wrong(p[k])
        out.append(("wrong-type-" + k, p))
    p = copy.deepcopy(payload)
    p["__unknown_member__"] = {"x": [1, 2.5, None]}
    out.append(("extra-member", p))
    for k, v in payload.items():   # one level down, for deeper pointers
        if isinstance(v, dict) and v:
            p = copy.deepcopy(payload)
            kk = next(iter(v))
            p[k][kk] = wrong(v[kk])
            out.append(("nested-" + k + "-" + kk, p))
            break
        if isinstance(v, list) and v and isinstance(v[0], dict) and v[0]:
            p = copy.deepcopy(payload)
            kk = next(iter(v[0]))
            p[k][0][kk] = wrong(v[0][kk])
            out.append(("nested-" + k + "-0-" + kk, p))
            break
    out.append(("not-an-object", [payload]))
    return out


def exact_float(text):
    f = float(text)
    return int(f) if f.is_integer() else f


def make(view_path, outdir):
    view = json.load(open(view_path))
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for m in view["messages"]:
        name = m["name"]["raw"]
        for i, ex in enumerate(m.get("examples", [])):
            # An integral number the view wrote with an exponent
            # (-9.2233720368547758e+18, the double -2^63) is written back as
            # that double's integer: json.dump would write the float rounded
            # to another number (-9.223372036854776e+18, below int64's range
            # when read exactly, as _parse reads it).
            payload = json.loads(ex["json"], parse_float=exact_float)
            base = "%s__ex%d" % (m["file"], i)
            cases = [("valid", payload)] + variants(payload, m.get("fields", []))
            for label, value in cases:
                f = os.path.join(outdir, "%s__%s.json" % (base, re.sub(r"[^A-Za-z0-9_-]", "_", label)))
                with open(f, "w") as fh:
                    json.dump(value, fh, indent=1)
                lines.append("%s\t%s" % (name, f))
    with open(os.path.join(outdir, "manifest"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("# %d cases from %d messages" % (len(lines), len(view["messages"])))


def compare(manifest, got_path, msggen, catalogue, print=print):
    by_msg = collections.defaultdict(list)
    for line in open(manifest):
        msg, f = line.rstrip("\n").split("\t")
        by_msg[msg].append(f)
    got = collections.defaultdict(set)
    problems = collections.defaultdict(list)
    for line in open(got_path, encoding="utf-8", errors="replace"):
        f, what = line.rstrip("\n").split("\t", 1)
        if what.startswith("roundtrip:") or what.startswith("setup:") or what.startswith("verdicts differ"):
            problems[f].append(what)
        else:
            got[f].add(what)
    want = collections.defaultdict(set)
    for msg, files in by_msg.items():
        r = subprocess.run([msggen, "validate", "-v", "-i", catalogue, "--message", msg] + files,
                           capture_output=True, text=True, errors="replace")
        for line in (r.stdout + r.stderr).splitlines():
            m = re.match(r"^(.*?): valid$", line)
            if m:
                want[m.group(1)].add("valid")
                continue
            m = re.match(r"^(.*?):\d+:\d+: error: payload does not match the payload of message '[^']*': (.*)$", line)
            if m:
                want[m.group(1)].add(m.group(2))
    nok = nbad = nvalid = nrt = nrt_bad = 0
    for msg, files in sorted(by_msg.items()):
        for f in files:
            name = os.path.basename(f)
            if want[f] != got[f]:
                nbad += 1
                print("not ok c_validator_should_agree_with_msggen_validate/%s: generated %s, msggen validate %s"
                      % (name, sorted(got[f]), sorted(want[f])))
            else:
                nok += 1
            if "valid" in got[f]:
                nvalid += 1
            if problems[f]:
                nrt_bad += 1
                print("not ok c_roundtrip_should_be_lossless/%s: %s" % (name, "; ".join(problems[f])))
            elif "valid" in got[f]:
                nrt += 1
    if nbad == 0:
        print("ok c_validator_should_agree_with_msggen_validate_on_%d_payloads" % nok)
    if nrt_bad == 0:
        print("ok c_roundtrip_should_be_lossless_on_%d_valid_payloads" % nrt if nrt else
              "not ok c_roundtrip_should_be_lossless: no valid payload was checked")
    if nvalid == 0:
        print("not ok c_examples_should_validate: no example was valid")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "make-many":
        for i in range(2, len(sys.argv), 2):
            try:   # (one catalogue's failure leaves it without a manifest, as with "make")
                make(sys.argv[i], sys.argv[i + 1])
            except Exception as e:
                print("cases.py make %s: %r" % (sys.argv[i], e), file=sys.stderr)
    elif sys.argv[1] == "compare-many":
        for i in range(2, len(sys.argv), 5):
            name = sys.argv[i]
            try:
                compare(*sys.argv[i + 1:i + 5], print=lambda line, name=name: sys.stdout.write(line + "/" + name + "\n"))
            except Exception as e:
                print("not ok c_validator_comparison_should_run/%s: %r" % (name, e))
            sys.stdout.flush()
    else:
        compare(*sys.argv[2:6])
