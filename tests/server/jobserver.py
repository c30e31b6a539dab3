#!/usr/bin/env python3
"""Loopback test server for the generated worker-backend clients (C, Python, TypeScript).

It speaks the catalogue's job API (x-http-api): POST {base}/api/jobs/{messageType}
with a JSON body answers a JobResponse; GET {base}/api/jobs/{jobId} answers a
JobStatus. The scenario is chosen by a path prefix, so one server serves every
test at once without shared state:

    base URL  http://127.0.0.1:PORT/s/<scenario>

scenarios:
    ok            checks method, path, Content-Type, Accept and a JSON-object body; answers 200
    auth          like ok, but requires "Authorization: Bearer secret-key" (else 401 JSON)
    http400-json  400 {"error": "Bad Request", "message": "payload rejected by test server"}
    http500-json  500 {"error": "Internal Server Error", "message": "queue unavailable"}
    http503-text  503 text/plain "Service Unavailable"
    http404-html  404 text/html page
    slow          waits SLOW_SECONDS (3) before answering like ok
    malformed     200 application/json "{not json"
    wrong-schema  200 {"success": "yes", "queue": 7} (JobResponse/JobStatus shape violated)
    large         200 JobStatus whose "data" holds a ~4 MiB string
    echo          200 {"method", "path", "headers", "body"}: what the server received
    bignum        POST: a JobResponse whose jobId lists the integer members of the
                  payload as the server read them ("edges=9223372036854774784,faces=...",
                  sorted by name; Python's json reads integers exactly); GET: a
                  JobStatus with BIG_INTS in data, timestamp 2^53 - 1 and
                  attemptsMade 2^63 - 1024 (the largest double below 2^63)

GET /__stats answers {"connections": N, "requests": M} counted since start, so a
test can check that a client reuses its keep-alive connection.

The server binds 127.0.0.1 only, writes its port to --port-file, and exits by
itself after --max-seconds (default 300) so a failed test never leaves it behind.
"""
import argparse
import json
import os
import re
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 3.0
STATS = {"connections": 0, "requests": 0}
STATS_LOCK = threading.Lock()
# Integers at the edges of what travels exactly: 2^53 - 1 (every JSON number
# reader holds it), 2^63 - 1024 (an int64 that is also a double) and INT64_MAX
# (exact only where integers are not doubles: Python).
BIG_INTS = {"max53": 9007199254740991, "min53": -9007199254740991, "big": 9223372036854774784,
            "int64max": 9223372036854775807}
MESSAGE_TYPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive; every answer has Content-Length
    server_version = "msggen-jobserver/1"

    def setup(self):
        super().setup()
        with STATS_LOCK:
            STATS["connections"] += 1

    def log_message(self, fmt, *args):  # quiet: tests read their own output
        pass

    # -- answers ---------------------------------------------------------
    def send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status, obj):
        self.send(status, json.dumps(obj, sort_keys=True))

    def reject(self, why):
        # A client sent something the job API does not accept: 400 with the reason,
        # so a client test that expected success fails and says why.
        self.send_json(400, {"error": "Bad Request", "message": "test server: " + why})

    # -- request handling ------------------------------------------------
    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def route(self):
        with STATS_LOCK:
            STATS["requests"] += 1
        body = self.read_body()
        if self.path == "/__stats":
            with STATS_LOCK:
                return self.send_json(200, dict(STATS))
        m = re.match(r"^/s/([a-z0-9-]+)(/.*)$", self.path)
        if not m:
            return self.send_json(404, {"error": "Not Found", "message": "use /s/<scenario>/..."})
        scenario, rest = m.group(1), m.group(2)
        if scenario == "echo":
            return self.send_json(200, {
                "method": self.command,
                "path": rest,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            })
        if scenario == "slow":
            time.sleep(SLOW_SECONDS)
            scenario = "ok"
        if scenario == "http400-json":
            return self.send_json(400, {"error": "Bad Request", "message": "payload rejected by test server"})
        if scenario == "http500-json":
            return self.send_json(500, {"error": "Internal Server Error", "message": "queue unavailable"})
        if scenario == "http503-text":
            return self.send(503, "Service Unavailable", "text/plain")
        if scenario == "http404-html":
            return self.send(404, "<html><body><h1>Not Found</h1></body></html>", "text/html")
        if scenario == "malformed":
            return self.send(200, "{not json")
        if scenario == "wrong-schema":
            return self.send_json(200, {"success": "yes", "queue": 7})
        if scenario == "auth":
            if self.headers.get("Authorization") != "Bearer secret-key":
                return self.send_json(401, {"error": "Unauthorized", "message": "missing or wrong API key"})
            scenario = "ok"
        if scenario == "bignum" and self.command == "POST":
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return self.reject("body is not JSON")
            ints = ",".join("%s=%d" % (k, v) for k, v in sorted(payload.items())
                            if isinstance(v, int) and not isinstance(v, bool))
            return self.send_json(200, {"success": True, "jobId": ints, "messageName": "bignum", "queue": "bignum"})
        if scenario == "bignum":
            return self.send_json(200, {"jobId": "big", "name": "bignum", "queue": "bignum", "state": "completed",
                                        "data": BIG_INTS, "returnvalue": None, "progress": 0,
                                        "timestamp": 9007199254740991, "attemptsMade": 9223372036854774784})
        if scenario not in ("ok", "large"):
            return self.send_json(404, {"error": "Not Found", "message": "unknown scenario " + scenario})
        return self.job_api(rest, body, large=(scenario == "large"))

    def job_api(self, rest, body, large):
        m = re.match(r"^/api/jobs/([^/?#]+)$", rest)
        if not m:
            return self.send_json(404, {"error": "Not Found", "message": "no route " + rest})
        ident = m.group(1)
        if self.command == "POST":
            if not MESSAGE_TYPE.match(ident):
                return self.reject("bad message type in path: " + ident)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype != "application/json":
                return self.reject("Content-Type must be application/json, got " + repr(ctype))
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return self.reject("body is not JSON")
            if not isinstance(payload, dict):
                return self.reject("body must be a JSON object")
            return self.send_json(200, {"success": True, "jobId": "job-" + ident + "-1",
                                        "messageName": ident, "queue": ident})
        if self.command == "GET":
            from urllib.parse import unquote
            job_id = unquote(ident)
            status = {"jobId": job_id, "name": "file-download-request", "queue": "file-download-request",
                      "state": "completed", "data": {"echo": job_id}, "returnvalue": "ok",
                      "progress": 100, "timestamp": 1767225600000}
            if large:
                status["data"] = {"blob": "x" * (4 * 1024 * 1024)}
            return self.send_json(200, status)
        return self.send_json(405, {"error": "Method Not Allowed", "message": self.command})

    do_GET = do_POST = do_PUT = do_DELETE = route


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True, help="file to write the chosen port to")
    ap.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    ap.add_argument("--max-seconds", type=float, default=300.0, help="exit after this long")
    args = ap.parse_args()

    socketserver.TCPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(tmp, args.port_file)   # readers never see a half-written port
    threading.Timer(args.max_seconds, lambda: os._exit(0)).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
