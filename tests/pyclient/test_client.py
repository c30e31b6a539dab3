"""End-to-end tests of the generated Python client against tests/server/jobserver.py.

Run by run.sh with PYTHONPATH pointing at a generated package and SERVER_URL
at a running job server. Prints one `ok NAME` / `not ok NAME: reason` line
per test (tests/lib.sh conventions) instead of unittest's own report.
"""
import json
import os
import socket
import sys
import time
import unittest
import urllib.request

import worker_client
from worker_client import (HTTPError, MessageTypes, ResponseError, TimeoutError, TransportError,
                           ValidationError, WorkerClient)

SERVER = os.environ["SERVER_URL"]
# A message of the catalogue with an example payload, and one with required fields.
EXAMPLE_TYPE = os.environ["EXAMPLE_TYPE"]
EXAMPLE = json.loads(os.environ["EXAMPLE_PAYLOAD"])
EXAMPLE_METHOD = os.environ["EXAMPLE_METHOD"]


def stats():
    with urllib.request.urlopen(SERVER + "/__stats", timeout=5) as r:
        return json.loads(r.read())


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ClientTest(unittest.TestCase):
    def client(self, scenario, **kw):
        return WorkerClient(SERVER + "/s/" + scenario, **kw)

    def test_python_client_should_enqueue_a_job_and_return_the_job_response(self):
        with self.client("ok") as c:
            r = c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
        self.assertEqual(r, {"success": True, "jobId": "job-%s-1" % EXAMPLE_TYPE,
                             "messageName": EXAMPLE_TYPE, "queue": EXAMPLE_TYPE})

    def test_python_client_should_send_through_the_per_message_method(self):
        with self.client("ok") as c:
            r = getattr(c, EXAMPLE_METHOD)(EXAMPLE)
        self.assertEqual(r["messageName"], EXAMPLE_TYPE)

    def test_python_client_should_answer_attribute_access_like_the_reference(self):
        with self.client("ok") as c:
            job = c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
            status = c.get_job_status(job.job_id)
        self.assertEqual((job.job_id, job.message_name, status.state), (job["jobId"], EXAMPLE_TYPE, "completed"))
        with self.assertRaises(AttributeError):
            job.no_such_member

    def test_python_client_should_read_the_job_status(self):
        with self.client("ok") as c:
            s = c.get_job_status("job-1")
        self.assertEqual((s["jobId"], s["state"], s["progress"]), ("job-1", "completed", 100))

    def test_python_client_should_url_encode_the_job_id(self):
        with self.client("ok") as c:
            s = c.get_job_status("a/b c?d#e%f")
        self.assertEqual(s["jobId"], "a/b c?d#e%f")

    def test_python_client_should_send_the_job_id_url_encoded(self):
        # The echo scenario answers what it received (not a JobStatus: a ResponseError carrying it).
        with self.client("echo", api_key="k") as c, self.assertRaises(ResponseError) as cm:
            c.get_job_status("a/b c?d#e%f")
        echo = json.loads(cm.exception.body)
        self.assertEqual((echo["method"], echo["path"], echo["headers"]["authorization"]),
                         ("GET", "/api/jobs/a%2Fb%20c%3Fd%23e%25f", "Bearer k"))

    def test_python_client_should_send_the_payload_as_json_with_its_content_type(self):
        with self.client("echo") as c, self.assertRaises(ResponseError) as cm:
            c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
        echo = json.loads(cm.exception.body)
        self.assertEqual((echo["method"], echo["path"], echo["headers"]["content-type"], json.loads(echo["body"])),
                         ("POST", "/api/jobs/" + EXAMPLE_TYPE, "application/json", EXAMPLE))
        self.assertNotIn("authorization", echo["headers"])

    def test_python_client_should_send_the_api_key_as_bearer_token(self):
        with self.client("auth", api_key="secret-key") as c:
            self.assertTrue(c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)["success"])

    def test_python_client_should_raise_http_error_401_without_the_api_key(self):
        with self.client("auth") as c, self.assertRaises(HTTPError) as cm:
            c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
        self.assertEqual((cm.exception.status, cm.exception.message), (401, "missing or wrong API key"))

    def test_python_client_should_report_status_and_server_message_of_json_errors(self):
        for scenario, status, message in (("http400-json", 400, "payload rejected by test server"),
                                          ("http500-json", 500, "queue unavailable")):
            with self.client(scenario) as c, self.assertRaises(HTTPError) as cm:
                c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
            self.assertEqual((cm.exception.status, cm.exception.message), (status, message))
            self.assertEqual(str(cm.exception), "HTTP %d: %s" % (status, message))

    def test_python_client_should_report_non_json_error_bodies(self):
        with self.client("http503-text") as c, self.assertRaises(HTTPError) as cm:
            c.get_job_status("j1")
        self.assertEqual((cm.exception.status, cm.exception.message), (503, "Service Unavailable"))
        with self.client("http404-html") as c, self.assertRaises(HTTPError) as cm:
            c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
        self.assertEqual(cm.exception.status, 404)
        self.assertIn("Not Found", cm.exception.message)

    def test_python_client_should_time_out_on_a_slow_server(self):
        t0 = time.monotonic()
        with self.client("slow", timeout=0.5) as c, self.assertRaises(TimeoutError):
            c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
        self.assertLess(time.monotonic() - t0, 2.5)

    def test_python_client_should_time_out_get_job_status_per_call(self):
        with self.client("slow", timeout=30) as c, self.assertRaises(TimeoutError):
            c.get_job_status("j1", {"timeout": 0.4})

    def test_python_client_should_resolve_the_host_name_within_the_deadline(self):
        # getaddrinfo blocks and takes no timeout: a resolver that hangs 3 s
        # must not hold a 0.5 s call past its deadline.
        real = socket.getaddrinfo

        def slow(*args, **kw):
            time.sleep(3.0)
            return real(*args, **kw)
        socket.getaddrinfo = slow
        try:
            t0 = time.monotonic()
            with WorkerClient(SERVER.replace("127.0.0.1", "localhost") + "/s/ok", timeout=0.5) as c:
                with self.assertRaises(TimeoutError):
                    c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
            dt = time.monotonic() - t0
        finally:
            socket.getaddrinfo = real
        print("# python: a call with timeout 0.5 s and a 3 s resolver ended after %.3f s" % dt, flush=True)
        self.assertLess(dt, 0.5 + 0.3)

    def test_python_client_should_carry_big_integers_exactly(self):
        # 2^53 - 1 and int64 values travel as exact integers both ways: the
        # bignum scenario answers the integers it read from the payload as
        # its jobId, and a JobStatus with integers at those edges.
        payload = {"vertices": 9007199254740991, "faces": -9007199254740991, "edges": 9223372036854775807,
                   "holes": 9223372036854774784}
        with self.client("bignum") as c:
            job = c.send_to_queue("model-technical-metadata-completed", payload)
            st = c.get_job_status("big")
        self.assertEqual(job["jobId"], "edges=9223372036854775807,faces=-9007199254740991,"
                                       "holes=9223372036854774784,vertices=9007199254740991")
        self.assertEqual(st["data"], {"max53": 9007199254740991, "min53": -9007199254740991,
                                      "big": 9223372036854774784, "int64max": 9223372036854775807})
        self.assertEqual((st["timestamp"], st["attemptsMade"]), (9007199254740991, 9223372036854774784))

    def test_python_client_should_raise_transport_error_when_the_connection_is_refused(self):
        with WorkerClient("http://127.0.0.1:%d" % closed_port(), timeout=5) as c:
            with self.assertRaises(TransportError) as cm:
                c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
        self.assertNotIsInstance(cm.exception, TimeoutError)

    def test_python_client_should_refuse_an_invalid_payload_before_sending(self):
        before = stats()["requests"]
        bad = dict(EXAMPLE)
        bad["zz-not-a-field"] = 1
        first = next(iter(EXAMPLE))
        bad[first] = [[{"wrong": "type"}]]
        with self.client("ok") as c, self.assertRaises(ValidationError) as cm:
            c.send_to_queue(EXAMPLE_TYPE, bad)
        self.assertEqual(stats()["requests"], before + 1)  # only our own /__stats call
        self.assertTrue(cm.exception.path.startswith("/" + first), cm.exception.errors)
        self.assertIn(cm.exception.path + ": " + cm.exception.message, str(cm.exception))

    def test_python_client_should_send_invalid_payloads_when_validation_is_off(self):
        with self.client("ok", validate=False) as c:
            self.assertTrue(c.send_to_queue(EXAMPLE_TYPE, {"x": [1]})["success"])
        with self.client("ok") as c:
            self.assertTrue(c.send_to_queue(EXAMPLE_TYPE, {"x": [1]}, {"validate": False})["success"])

    def test_python_client_should_reject_answers_that_are_not_json_or_not_a_job_response(self):
        for scenario in ("malformed", "wrong-schema"):
            with self.client(scenario) as c, self.assertRaises(ResponseError):
                c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)

    def test_python_client_should_read_a_large_job_status(self):
        with self.client("large") as c:
            s = c.get_job_status("j1")
        self.assertEqual(len(s["data"]["blob"]), 4 * 1024 * 1024)

    def test_python_client_should_reuse_one_connection_for_many_calls(self):
        before = stats()["connections"]
        with self.client("ok") as c:
            for _ in range(5):
                c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)
            c.get_job_status("x")
        # our client: one connection; each stats() call: one more
        self.assertEqual(stats()["connections"] - before, 2)

    def test_python_client_should_read_its_configuration_from_the_environment(self):
        env = {"WORKER_BACKEND_URL": SERVER + "/s/auth", "WORKER_BACKEND_API_KEY": "secret-key",
               "WORKER_BACKEND_TIMEOUT": "7"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            c = WorkerClient.from_env()
            self.assertEqual((c.base_url, c.api_key, c.timeout), (SERVER + "/s/auth", "secret-key", 7.0))
            self.assertTrue(c.send_to_queue(EXAMPLE_TYPE, EXAMPLE)["success"])
            c.close()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def test_python_client_should_export_message_type_constants(self):
        names = [v for k, v in vars(MessageTypes).items() if k.isupper()]
        self.assertIn(EXAMPLE_TYPE, names)
        self.assertEqual(len(names), len(set(names)))
        self.assertTrue(hasattr(worker_client, "JobResponse") and hasattr(worker_client, "JobStatus"))


class Report(unittest.TextTestResult):
    def addSuccess(self, test):
        print("ok " + test._testMethodName[5:], flush=True)

    def addFailure(self, test, err):
        print("not ok %s: %s" % (test._testMethodName[5:], str(err[1]).splitlines()[0] if str(err[1]) else err[0].__name__), flush=True)

    def addError(self, test, err):
        print("not ok %s: %s: %s" % (test._testMethodName[5:], err[0].__name__, err[1]), flush=True)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(ClientTest)
    unittest.TextTestRunner(stream=open(os.devnull, "w"), resultclass=Report, verbosity=0).run(suite)
