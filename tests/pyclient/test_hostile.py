"""The generated Python client against tests/server/hostile.py (HOSTILE_URL,
HOSTILE_OTHER_URL): every call ends within its deadline, reads a bounded
answer, follows no redirect, sends a POST once, and fails only with the
package's own errors. Prints one ok/not ok line per case (tests/lib.sh).

Run by run.sh with PYTHONPATH at a generated worker-backend package.
"""
import json
import os
import sys
import time
import urllib.request

import worker_client
from worker_client import WorkerClient, WorkerClientError

URL = os.environ["HOSTILE_URL"]
OTHER = os.environ["HOSTILE_OTHER_URL"]
TYPE = os.environ["EXAMPLE_TYPE"]
PAYLOAD = json.loads(os.environ["EXAMPLE_PAYLOAD"])
TIMEOUT = 2.0
SLACK = 1.5


def stats(base):
    with urllib.request.urlopen(base + "/__stats", timeout=5) as r:
        return json.loads(r.read())


def report(name, good, why=""):
    print(("ok " if good else "not ok ") + "python_client_" + name + ("" if good else ": " + why))
    sys.stdout.flush()


def attempt(fn):
    """(exception or None, result, seconds)."""
    t0 = time.monotonic()
    try:
        return None, fn(), time.monotonic() - t0
    except BaseException as ex:  # noqa: B902 - a test must see what escapes
        return ex, None, time.monotonic() - t0


def expect_error(name, fn, kind, within=None):
    ex, res, dt = attempt(fn)
    if ex is None:
        return report(name, False, "no error, answered %r" % (res,))
    if not isinstance(ex, kind):
        return report(name, False, "raised %s: %s (want %s)" % (type(ex).__name__, str(ex)[:200], kind.__name__))
    if within is not None and dt > within:
        return report(name, False, "took %.1f s (deadline %.1f s)" % (dt, within))
    report(name, True)


def client(scenario, **kw):
    return WorkerClient(URL + "/h/" + scenario, **kw)


def send(scenario, **kw):
    return lambda: client(scenario, **kw).send_to_queue(TYPE, PAYLOAD)


# 1. the timeout is a deadline for the whole call
for sc in ("slow-status", "slow-headers", "slow-body", "slow-chunked", "continue"):
    expect_error("should_time_out_within_the_deadline_on_" + sc.replace("-", "_"),
                 send(sc, timeout=TIMEOUT), worker_client.TimeoutError, TIMEOUT + SLACK)
expect_error("should_time_out_within_a_per_call_deadline",
             lambda: client("slow-body").send_to_queue(TYPE, PAYLOAD, {"timeout": TIMEOUT}),
             worker_client.TimeoutError, TIMEOUT + SLACK)

ex, r, dt = attempt(send("continue-then-ok", timeout=TIMEOUT))
report("should_skip_100_continue_and_read_the_answer", ex is None and r is not None and r["success"] is True, repr(ex))

# 2. bounded answers
for sc in ("endless", "endless-length"):
    expect_error("should_refuse_an_endless_answer_" + sc.replace("-", "_"),
                 send(sc, timeout=30, max_answer_bytes=1 << 20), worker_client.ResponseError, 15)
expect_error("should_refuse_an_endless_answer_at_the_default_limit",
             send("endless", timeout=60), worker_client.ResponseError, 45)
report("should_document_its_default_answer_limit", worker_client.DEFAULT_MAX_ANSWER_BYTES == 64 << 20)

# 3. no cross-origin redirects
for code in ("301", "302", "307", "308"):
    before = stats(OTHER)["requests"]
    expect_error("should_not_follow_a_%s_redirect_to_another_origin" % code, send("redirect-" + code),
                 worker_client.HTTPError)
    seen = stats(OTHER)["requests"] - before
    report("should_send_nothing_to_the_other_origin_on_%s" % code, seen == 0, "the other origin saw %d requests" % seen)

# 4. no double enqueue
before = stats(URL)["posts"]
c = client("idle-close")
e1, _r, _t = attempt(lambda: c.send_to_queue(TYPE, PAYLOAD))
time.sleep(0.6)
e2, _r, _t = attempt(lambda: c.send_to_queue(TYPE, PAYLOAD))
posts = stats(URL)["posts"] - before
report("should_reconnect_when_the_server_closed_an_idle_connection", e1 is None and e2 is None, "%r %r" % (e1, e2))
report("should_post_once_per_call_when_the_server_closes_idle_connections", posts == 2, "%d POSTs for 2 calls" % posts)
before = stats(URL)["posts"]
c = client("drop-second")
e1, _r, _t = attempt(lambda: c.send_to_queue(TYPE, PAYLOAD))
e2, _r, _t = attempt(lambda: c.send_to_queue(TYPE, PAYLOAD))
posts = stats(URL)["posts"] - before
report("should_report_a_connection_dropped_after_the_request", e1 is None and isinstance(e2, worker_client.TransportError),
       "%r %r" % (e1, e2))
report("should_not_resend_a_post_the_server_may_have_received", posts == 2, "%d POSTs for 2 calls" % posts)

# 5. only the client's own errors
expect_error("should_refuse_a_deeply_nested_answer", send("deep"), worker_client.ResponseError)
expect_error("should_refuse_an_overflowing_chunk_size", send("chunk-overflow"), WorkerClientError)
for key in ("abc\r\nX-Injected: yes", "abc\nX-Injected: yes", "abc\x00"):
    expect_error("should_refuse_an_api_key_with_control_characters_%r" % key.encode()[3:5],
                 lambda: WorkerClient(URL + "/h/ok", api_key=key), worker_client.ConfigError)
expect_error("should_refuse_a_per_call_header_with_crlf",
             lambda: client("ok").send_to_queue(TYPE, PAYLOAD, {"headers": {"X-A": "1\r\nX-Injected: yes"}}),
             worker_client.ConfigError)
expect_error("should_refuse_a_bad_base_url", lambda: WorkerClient("ftp://x"), worker_client.ConfigError)
expect_error("should_refuse_a_base_url_with_a_bad_port", lambda: WorkerClient("http://127.0.0.1:99999"),
             worker_client.ConfigError)

# 6. strict answers
for sc in ("trailing-garbage", "concatenated", "leading-zero"):
    expect_error("should_refuse_an_answer_with_" + sc.replace("-", "_"), send(sc), worker_client.ResponseError)
    expect_error("should_refuse_a_status_answer_with_" + sc.replace("-", "_"),
                 lambda: client(sc).get_job_status("j1"), worker_client.ResponseError)

# 7. real answers, and answer checking that can be turned off
for n in range(1, 7):
    ex, st, _dt = attempt(lambda: client("bullmq-%d" % n).get_job_status(str(n)))
    report("should_read_a_realistic_bullmq_job_status_%d" % n, ex is None and st is not None and st.job_id == str(n),
           repr(ex))
expect_error("should_check_answers_by_default", send("wrong-schema"), worker_client.ResponseError)
ex, r, _dt = attempt(send("wrong-schema", check_answers=False))
report("should_skip_answer_checks_when_the_client_says_so", ex is None and r is not None and r["success"] == "yes", repr(ex))
ex, r, _dt = attempt(lambda: client("wrong-schema").send_to_queue(TYPE, PAYLOAD, {"check_answers": False}))
report("should_skip_answer_checks_when_the_call_says_so", ex is None and r is not None and r["queue"] == 7, repr(ex))
