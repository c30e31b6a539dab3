"""The generated Python validator on the cases of cases.py: one line per case,
NAME TAB VERDICT TAB SECONDS TAB ERRORS-JSON (ordered "POINTER: MESSAGE").
Usage: check.py GENERATED-DIR CASES-DIR."""
import glob
import importlib
import json
import os
import sys
import time

pkg = os.path.dirname(glob.glob(os.path.join(sys.argv[1], "*", "validate.py"))[0])
sys.path.insert(0, os.path.dirname(pkg))
validate_message = importlib.import_module(os.path.basename(pkg) + ".validate").validate_message


def nonfinite(v):
    """Only the top-level members may be {"$nonfinite": ...} (no recursion on deep values)."""
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, dict) and list(x) == ["$nonfinite"]:
                v[k] = float(x["$nonfinite"].lower().replace("infinity", "inf"))
    return v


for line in open(os.path.join(sys.argv[2], "manifest")):
    name, message = line.split()
    text = open(os.path.join(sys.argv[2], name + ".json"), encoding="utf-8").read()
    start = time.monotonic()
    # A caller can build a value deeper than json.loads reads with the default
    # recursion limit: read it with a higher one, validate with the default.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(50000)
    try:
        payload = nonfinite(json.loads(text))
    finally:
        sys.setrecursionlimit(limit)
    try:
        errors = ["%s: %s" % e for e in validate_message(message, payload)]
    except Exception as e:   # a crash is a result too: the verdict is wrong
        errors = ["crash: %r" % e]
    seconds = time.monotonic() - start
    verdict = "invalid" if errors else "valid"
    if any(e.startswith("crash: ") for e in errors):
        verdict = "crash"
    print("%s\t%s\t%.3f\t%s" % (name, verdict, seconds, json.dumps(errors)), flush=True)
