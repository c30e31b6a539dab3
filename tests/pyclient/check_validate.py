"""Compares the generated Python validators with the reference verdicts of
mutants.py: `check_validate.py CASES.json LABEL MODULE PKGDIR...` (groups of
four, one per catalogue: its cases, its label, the generated package's import
name and the folder holding it) prints one ok/not ok line per group. One
python3 for all of them (a start is 0.1 s of CPU here); each package is
imported from its own folder, with any module of the same name imported
before dropped first."""
import importlib
import json
import sys

args = sys.argv[1:]
for i in range(0, len(args) - 3, 4):
    path, label, module, pkgdir = args[i:i + 4]
    test = "python_validator_should_report_what_msggen_validate_reports_%s" % label
    try:
        for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
            del sys.modules[name]
        sys.path.insert(0, pkgdir)
        try:
            validate_message = importlib.import_module(module).validate_message
        finally:
            sys.path.remove(pkgdir)
        cases = json.load(open(path))["cases"]
        bad = []
        for c in cases:
            got = sorted(set("%s: %s" % e for e in validate_message(c["message"], c["payload"])))  # sets, as docs/validation.md compares
            if got != c["errors"]:
                bad.append((c["file"], c["errors"], got))
    except Exception as ex:  # noqa: BLE001 - a package that does not import or raises fails by name
        print("not ok %s: %r" % (test, ex))
        continue
    n_err = sum(1 for c in cases if c["errors"])
    if bad:
        print("not ok %s: %d of %d payloads differ" % (test, len(bad), len(cases)))
        for f, want, got in bad[:10]:
            print("# %s: want %s" % (f, want))
            print("# %s:  got %s" % (f, got))
    else:
        print("ok %s" % test)
        print("# %d payloads, %d of them invalid" % (len(cases), n_err))
