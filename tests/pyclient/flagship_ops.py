#!/usr/bin/env python3
"""The flagship's per-operation layer (worker_client.operations, issue 16):
two WorkerClientOperations over one MemoryTransport exchange the example of
every send operation's first message (the typed method publishes, the other
side subscribes to the operation's address), and the package's own names stay
what they were (worker_client.WorkerClient is the job client). Prints one
`ok`/`not ok` line per check."""
import time

import worker_client
from worker_client import client, errors, operations as ops

print(("ok" if worker_client.WorkerClient is client.WorkerClient and
       issubclass(errors.ReceiveError, errors.WorkerClientError) else "not ok") +
      " python_flagship_job_client_should_keep_its_names")
t = ops.MemoryTransport()
pub, sub = ops.WorkerClientOperations(t), ops.WorkerClientOperations(t)
pub.connect()
sub.connect()
sends = [o for o in ops.OPERATIONS if o.action == "send" and o.messages]
got, bad, missing = {}, [], []
for o in sends:
    sub._subscribe(o.address, {}, o.messages, got.setdefault(o.id, []).append, bad.append, op_id=o.id)
for o in sends:
    payload = getattr(ops, "example_" + o.messages[0].id)()
    getattr(pub, o.method)(payload)
end = time.monotonic() + 10
while time.monotonic() < end and not all(got.values()):
    time.sleep(0.01)
for o in sends:
    box = got[o.id]
    want = getattr(ops, "example_" + o.messages[0].id)()
    if len(box) != 1 or box[0].payload != want or box[0].message != o.messages[0].name:
        missing.append(o.id)
name = "python_flagship_operations_should_round_trip_every_send_operation_over_memory"
if not sends:
    print("not ok %s: no send operation" % name)
elif missing or bad:
    print("not ok %s: %d of %d wrong (%s); errors: %s" % (name, len(missing), len(sends), missing[:3], bad[:2]))
else:
    print("ok %s" % name)
