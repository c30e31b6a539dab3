"""Python API parity with the reference client's package page
(../shared/seeds/python-client-pypi-page.txt): every message it documents must
exist in the generated package with the same message type name, method name
and payload type name, and the payload type must have the documented fields
with the documented required flags ([✓] required, [✗] optional).

    seed_parity.py SEED_PAGE ALLOWED  (with the generated package on PYTHONPATH)

Prints one ok / not ok line. ALLOWED lists the intended differences, one per
line as printed here, with the reason in comments; a line there that no
longer differs is an error too. Messages the page does not document are
listed as a detail line.
"""
import re
import sys

import worker_client
from worker_client import MessageTypes, WorkerClient

page = open(sys.argv[1], encoding="utf-8").read().splitlines()
seed = {}
i = 0
while i < len(page):
    m = re.match(r"^Method: client\.([a-z0-9_]+)\(data, opts=None\)$", page[i])
    if m:
        # the message name is the line before "Description:", which may span lines
        j = i - 1
        while j > 0 and not page[j].startswith("Description: "):
            j -= 1
        name = page[j - 1].strip()
        ptype = re.match(r"^Payload Type: (\w+)$", page[i + 1]).group(1)
        fields = {}
        k = i + 3
        while k < len(page) and not page[k + 1 if k + 1 < len(page) else k].startswith("Description: "):
            for f in re.finditer(r"(?:^|- )(\w+)\((\w*)\) \[(✓|✗)\]", page[k]):
                fields[f.group(1)] = f.group(3) == "✓"
            if re.match(r"^(Configuration|[a-z0-9]+(-[a-z0-9]+)+)$", page[k + 1] if k + 1 < len(page) else ""):
                break
            k += 1
        seed[name] = (m.group(1), ptype, fields)
    i += 1

problems = []
ours_types = {v for k, v in vars(MessageTypes).items() if k.isupper()}
for name, (method, ptype, fields) in sorted(seed.items()):
    if name not in ours_types:
        problems.append("%s: no such message type" % name)
        continue
    if not callable(getattr(WorkerClient, method, None)):
        problems.append("%s: no method %s" % (name, method))
    td = getattr(worker_client, ptype, None)
    if td is None:
        problems.append("%s: no payload type %s" % (name, ptype))
        continue
    req, opt = td.__required_keys__, td.__optional_keys__
    for f, required in fields.items():
        if f not in req and f not in opt:
            problems.append("%s: %s has no field %s" % (name, ptype, f))
        elif (f in req) != required:
            problems.append("%s: %s.%s is %s, the reference says %s" % (
                name, ptype, f, "required" if f in req else "optional", "required" if required else "optional"))
    for f in sorted((req | opt) - set(fields)):
        problems.append("%s: %s.%s is not in the reference" % (name, ptype, f))
allowed = {l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip() and not l.startswith("#")}
stale = sorted(allowed - set(problems))
problems = [p for p in problems if p not in allowed]
test = "python_client_should_have_the_reference_api"
if len(seed) < 60:
    print("not ok %s: read only %d messages from the seed page" % (test, len(seed)))
elif problems or stale:
    print("not ok %s: %d unexpected differences, %d stale lines in %s" % (test, len(problems), len(stale), sys.argv[2]))
    for p in problems[:30]:
        print("# " + p)
    for p in stale:
        print("# stale: " + p)
else:
    print("ok " + test)
    extra = sorted(ours_types - set(seed))
    print("# %d messages as documented (%d documented differences); not on the page: %s"
          % (len(seed), len(allowed), ", ".join(extra) or "none"))
