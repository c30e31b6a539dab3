"""Compares the generated Python validator with the reference verdicts of
mutants.py: `check_validate.py CASES.json LABEL` prints one ok/not ok line."""
import importlib
import json
import os
import sys

# The generated package's import name (run.sh: x-clients python.module, else <catalogue>_client).
validate_message = importlib.import_module(os.environ.get("PY_MODULE", "worker_client")).validate_message

cases = json.load(open(sys.argv[1]))["cases"]
label = sys.argv[2]
bad = []
for c in cases:
    got = sorted(set("%s: %s" % e for e in validate_message(c["message"], c["payload"])))  # sets, as docs/validation.md compares
    if got != c["errors"]:
        bad.append((c["file"], c["errors"], got))
n_err = sum(1 for c in cases if c["errors"])
if bad:
    print("not ok python_validator_should_report_what_msggen_validate_reports_%s: %d of %d payloads differ"
          % (label, len(bad), len(cases)))
    for f, want, got in bad[:10]:
        print("# %s: want %s" % (f, want))
        print("# %s:  got %s" % (f, got))
else:
    print("ok python_validator_should_report_what_msggen_validate_reports_%s" % label)
    print("# %d payloads, %d of them invalid" % (len(cases), n_err))
