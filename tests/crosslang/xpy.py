#!/usr/bin/env python3
"""tests/crosslang: the Python side, publisher or subscriber, of a generated
Python client package (per-operation client).

    xpy.py pub LABEL PKGDIR MODULE URL PLAN
    xpy.py sub LABEL PKGDIR MODULE URL PLAN READY [--wildcards]

PLAN is plan-*.json: what is published, one entry per message, with the
operation that sends it (`send`, else none: it is published as any other
publisher of the channel would, through the client's transport) and the one
that receives it (`receive`, else the other side of `send`).

pub publishes every entry with its parameters and headers through the typed
methods; it prints nothing and exits 1 on the first failure.

sub subscribes to every entry (--wildcards: parameters left out, so they are
read back from the topic), touches READY, waits for every entry (at most
CROSSLANG_TIMEOUT s, default 60: the wait ends as soon as everything has
arrived, and a Kafka consumer group can take long to join on a loaded
machine) and prints one `ok`/`not ok` line per entry: the message type,
the typed payload (exactly the plan's JSON values: 7 is an int, not 7.0 or
"7"), the headers decoded by their schema, and the
parameters read from the address; then that no message went to on_error.
"""
import importlib
import json
import os
import sys
import time

mode, label, pkgdir, module, url, plan_file = sys.argv[1:7]
sys.path.insert(0, pkgdir)
pkg = importlib.import_module(module)
client_mod = importlib.import_module(module + ".client")
Client = getattr(pkg, [n for n in pkg.__all__ if n.endswith("Client") and hasattr(getattr(pkg, n), "connect")][0])
with open(plan_file, encoding="utf-8") as f:
    plan = json.load(f)
ops = {o.id: o for o in client_mod.OPERATIONS}
TIMEOUT = float(os.environ.get("CROSSLANG_TIMEOUT", "60"))


def same(a, b):
    """Equal JSON values of the same types (json.loads makes 7 an int)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


client = Client(url=url, timeout=TIMEOUT)
client.connect()
if mode == "pub":
    for e in plan:
        headers = e["headers"] or None
        if e["send"]:
            getattr(client, ops[e["send"]].method)(e["payload"], params=e["params"], headers=headers)
        else:
            op = ops[e["receive"]]
            msgs = tuple(m for m in op.messages if m.name == e["message"])
            client._send(op.address, e["params"], msgs, e["payload"], headers, {})
    client.close()
    sys.exit(0)

ready = sys.argv[7]
wildcards = "--wildcards" in sys.argv[8:]
got = {i: [] for i in range(len(plan))}
bad = []
subs = []
for i, e in enumerate(plan):
    params = {} if wildcards else e["params"]
    if e["receive"]:
        op = ops[e["receive"]]
        kwargs = {"params": params} if params else {}
        subs.append(getattr(client, op.method)(got[i].append, bad.append, **kwargs))
    else:  # the other side of a send operation
        op = ops[e["send"]]
        subs.append(client._subscribe(op.address, params, op.messages, got[i].append, bad.append, op_id=op.id))
open(ready, "w").close()
start = time.monotonic()
end = start + TIMEOUT
while time.monotonic() < end and not all(got.values()):
    time.sleep(0.05)
time.sleep(0.2)  # anything else (a duplicate, an error) has time to show up
for i, e in enumerate(plan):
    name = "crosslang_%s_%s_%s_should_arrive_typed" % (label, e["receive"] or e["send"], e["message"])
    box = got[i]
    if len(box) != 1:
        print("not ok %s: received %d messages, want 1, after %.1f s (errors: %s)"
              % (name, len(box), time.monotonic() - start, [str(x) for x in bad]))
        continue
    r = box[0]
    if r.message != e["message"]:
        print("not ok %s: message %r" % (name, r.message))
    elif not same(r.payload, e["payload"]):
        print("not ok %s: payload %r, want %r" % (name, r.payload, e["payload"]))
    elif not same(dict(r.headers or {}), e["headers"]):
        print("not ok %s: headers %r, want %r" % (name, r.headers, e["headers"]))
    elif not same(dict(r.params), e["params"]):
        print("not ok %s: parameters %r, want %r (address %s)" % (name, r.params, e["params"], r.address))
    else:
        print("ok " + name)
if bad:
    print("not ok crosslang_%s_should_report_no_receive_errors: %s" % (label, "; ".join(str(x) for x in bad)[:400]))
else:
    print("ok crosslang_%s_should_report_no_receive_errors" % label)
for s in subs:
    s.cancel()
client.close()
