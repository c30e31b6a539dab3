#!/usr/bin/env python3
"""Scriptable hostile HTTP server for the generated clients (C, Python, TypeScript).

A raw-socket HTTP/1.1 server (no http.server: it must be able to answer
wrongly). The scenario is the first path segment after /h/:

    base URL  http://127.0.0.1:PORT/h/<scenario>

scenarios (each answers the job API's paths, POST .../api/jobs/{type} and
GET .../api/jobs/{id}):
    ok               a correct JobResponse / JobStatus, keep-alive
    slow-status      drips the status line, one byte per second
    slow-headers     a status line, then the headers one byte per second
    slow-body        headers with Content-Length, then the body one byte per second
    slow-chunked     a chunked body of one-byte chunks, one per second
    continue         "100 Continue" interim answers, every half second, forever
    continue-then-ok "100 Continue" three times (0.2 s apart), then the ok answer
    endless          200, chunked, an endless body (as fast as the client reads)
    endless-length   200, Content-Length 2 GiB, then that many bytes as fast as read
    redirect-301 .. redirect-308
                     a redirect to the same path on --redirect-to (another origin)
    idle-close       like ok, then closes the kept-alive connection 0.2 s after answering
    drop-second      answers the first request of a connection; reads the second,
                     counts it, and closes the connection without an answer
    deep             200, a JSON answer nested 100 000 levels deep
    chunk-overflow   200, chunked, the first chunk size is ffffffffffffffff
    trailing-garbage 200, a valid answer followed by " <html>garbage</html>"
    concatenated     200, two valid answers one after the other
    leading-zero     200, an answer with the number 007 in it
    nul-in-string    200, an answer whose jobId is "job-1\u0000../../x"
    wrong-schema     200, {"success": "yes", "queue": 7} (valid JSON, not the answer schema)
    bullmq-N         GET: realistic BullMQ job answers, N = 1..6 (see BULLMQ)

Scenarios other than ok, idle-close, drop-second and bullmq-N close the
connection after answering, and their plain answers say so with
`Connection: close`.

GET /__stats answers {"requests", "posts", "connections"} counted since start
(the /__stats requests themselves are not counted).

Binds 127.0.0.1 only, writes its port to --port-file, exits by itself after
--max-seconds.
"""
import argparse
import json
import os
import re
import socket
import sys
import threading
import time

STATS = {"requests": 0, "posts": 0, "connections": 0}
LOCK = threading.Lock()
REDIRECT_TO = ""

JOB_STATUS = {"jobId": "j1", "name": "file-download-request", "queue": "file-download-request",
              "state": "completed", "data": {"url": "https://example.com/a.stl"}, "returnvalue": "ok",
              "progress": 100, "timestamp": 1767225600000}

# What BullMQ (Job.toJSON through the job API) answers for jobs in different
# states: nested data, a null or object returnvalue, object progress, states
# beyond the five of the first catalogue, and the extra members BullMQ sends.
BULLMQ = {
    1: {"jobId": "1", "name": "analytics-collection-request", "queue": "analytics-collection-request",
        "state": "waiting", "data": {"query": "benchy", "options": {"pages": 3}}, "returnvalue": None,
        "progress": 0, "timestamp": 1767225600000, "attemptsMade": 0},
    2: {"jobId": "2", "name": "file-download-request", "queue": "file-download-request", "state": "active",
        "data": {"url": "https://example.com/a.stl", "tags": ["a", "b"]}, "returnvalue": None,
        "progress": {"percent": 40, "stage": "download"}, "timestamp": 1767225600000,
        "processedOn": 1767225601000, "attemptsMade": 1},
    3: {"jobId": "3", "name": "file-download-request", "queue": "file-download-request", "state": "completed",
        "data": {"url": "https://example.com/a.stl"}, "returnvalue": {"path": "/tmp/a.stl", "bytes": 1234},
        "progress": 100, "timestamp": 1767225600000, "processedOn": 1767225601000,
        "finishedOn": 1767225602000, "attemptsMade": 1},
    4: {"jobId": "4", "name": "file-download-request", "queue": "file-download-request", "state": "failed",
        "data": {"url": "https://example.com/a.stl"}, "returnvalue": None, "progress": 10,
        "timestamp": 1767225600000, "failedReason": "download failed: 404", "stacktrace": ["Error: 404"],
        "attemptsMade": 3, "finishedOn": 1767225602000},
    5: {"jobId": "5", "name": "file-download-request", "queue": "file-download-request", "state": "delayed",
        "data": {}, "returnvalue": None, "progress": 0, "timestamp": 1767225600000, "delay": 5000},
    6: {"jobId": "6", "name": "file-download-request", "queue": "file-download-request",
        "state": "waiting-children", "data": {"url": "https://example.com/a.stl", "meta": None},
        "returnvalue": [1, 2], "progress": 0, "timestamp": 1767225600000},
}


def count(key):
    with LOCK:
        STATS[key] += 1


def job_response(ident):
    return {"success": True, "jobId": "job-" + ident + "-1", "messageName": ident, "queue": ident}


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.closing = False  # answer() announces the close (a correct server does)

    def read_request(self):
        """(method, path, headers, body), or None at EOF."""
        while b"\r\n\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length") or 0)
        while len(self.buf) < n:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        body, self.buf = self.buf[:n], self.buf[n:]
        return method, path, headers, body

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode("utf-8"))

    def answer(self, status, body, ctype="application/json", extra=""):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        if self.closing:
            extra += "Connection: close\r\n"
        self.send("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n" % (
            status, ctype, len(data), extra) + data.decode("latin-1"))

    def drip(self, data, delay=1.0):
        for i in range(len(data)):
            self.send(data[i:i + 1])
            time.sleep(delay)


def normal_answer(method, rest):
    m = re.match(r"^/api/jobs/([^/?#]+)$", rest)
    ident = m.group(1) if m else "x"
    if method == "POST":
        return json.dumps(job_response(ident))
    return json.dumps(dict(JOB_STATUS, jobId=ident))


def serve(sock):
    count("connections")
    c = Conn(sock)
    served = 0
    try:
        while True:
            req = c.read_request()
            if req is None:
                return
            method, path, headers, body = req
            if path == "/__stats":
                with LOCK:
                    c.answer("200 OK", json.dumps(STATS))
                continue
            count("requests")
            if method == "POST":
                count("posts")
            m = re.match(r"^/h/([a-z0-9-]+)(/.*)?$", path)
            scenario, rest = (m.group(1), m.group(2) or "/") if m else ("", path)
            served += 1
            if not scenario_answer(c, scenario, method, rest, served):
                return
    except OSError:
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def scenario_answer(c, scenario, method, rest, served):
    """Answers one request; False when the connection must close."""
    ok = normal_answer(method, rest)
    if scenario == "ok":
        c.answer("200 OK", ok)
        return True
    if scenario == "idle-close":
        c.answer("200 OK", ok)
        time.sleep(0.2)
        return False
    if scenario == "drop-second":
        if served == 1:
            c.answer("200 OK", ok)
            return True
        return False
    # The scenarios below close the connection after their answer; the plain
    # answers say so (only idle-close and drop-second close unannounced, the
    # case a client must not resend a POST on).
    c.closing = not scenario.startswith("bullmq-")
    if scenario == "slow-status":
        c.drip("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(ok), ok))
    elif scenario == "slow-headers":
        c.send("HTTP/1.1 200 OK\r\n")
        c.drip("Content-Type: application/json\r\nX-Padding: %s\r\nContent-Length: %d\r\n\r\n%s" % (
            "x" * 100, len(ok), ok))
    elif scenario == "slow-body":
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(ok))
        c.drip(ok)
    elif scenario == "slow-chunked":
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for ch in ok:
            c.send("1\r\n%s\r\n" % ch)
            time.sleep(1.0)
        c.send("0\r\n\r\n")
    elif scenario == "continue":
        while True:
            c.send("HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.5)
    elif scenario == "continue-then-ok":
        for _ in range(3):
            c.send("HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.2)
        c.answer("200 OK", ok)
        return True
    elif scenario == "endless":
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = ("[" + "0," * 32767 + "0]").encode()
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        c.send(b"%x\r\n[\r\n" % 1)
        while True:
            c.send(frame)
    elif scenario == "endless-length":
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (2 << 30))
        block = b" " * 65536
        while True:
            c.send(block)
    elif scenario.startswith("redirect-"):
        code = scenario[len("redirect-"):]
        reason = {"301": "Moved Permanently", "302": "Found", "307": "Temporary Redirect",
                  "308": "Permanent Redirect"}.get(code, "Redirect")
        c.answer("%s %s" % (code, reason), json.dumps({"error": "moved"}),
                 extra="Location: %s/h/ok%s\r\n" % (REDIRECT_TO, rest))
    elif scenario == "deep":
        c.answer("200 OK", "[" * 100000 + "]" * 100000)
    elif scenario == "chunk-overflow":
        c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
               "ffffffffffffffff\r\n{}\r\n0\r\n\r\n")
    elif scenario == "trailing-garbage":
        c.answer("200 OK", ok + " <html>garbage</html>")
    elif scenario == "concatenated":
        c.answer("200 OK", ok + ok)
    elif scenario == "leading-zero":
        c.answer("200 OK", ok[:-1] + ', "n": 007}' if method == "POST" else ok.replace("1767225600000", "007"))
    elif scenario == "nul-in-string":
        c.answer("200 OK", ok.replace('"jobId": "', '"jobId": "job-1\\u0000../../x', 1))
    elif scenario == "wrong-schema":
        c.answer("200 OK", json.dumps({"success": "yes", "queue": 7}))
    elif scenario.startswith("bullmq-") and scenario[7:].isdigit() and int(scenario[7:]) in BULLMQ:
        c.answer("200 OK", json.dumps(BULLMQ[int(scenario[7:])]) if method == "GET" else ok)
        return True
    else:
        c.answer("404 Not Found", json.dumps({"error": "Not Found", "message": "unknown scenario " + scenario}))
    return False


def main():
    global REDIRECT_TO
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--redirect-to", default="http://127.0.0.1:9", help="origin the redirect scenarios point to")
    ap.add_argument("--max-seconds", type=float, default=300.0)
    args = ap.parse_args()
    REDIRECT_TO = args.redirect_to.rstrip("/")
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.replace(tmp, args.port_file)
    threading.Timer(args.max_seconds, lambda: os._exit(0)).start()
    while True:
        sock, _ = srv.accept()
        threading.Thread(target=serve, args=(sock,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
