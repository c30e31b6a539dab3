#!/usr/bin/env python3
"""Loopback HTTP server for the generated clients' plain HTTP bindings (issue 16).

Every request (any method, any path) is appended to the log file as one JSON
line: {"method", "path" (raw, as sent: percent-escapes kept), "headers"
(names lower case), "body" (text)}. The first path segment picks the answer,
so a test chooses it through the client's server URL:

    /echo/...        200, {"method", "path", "headers", "body"} of the request
    /status-NNN/...  status NNN, {"message": "forced NNN"}
    /report/...      200, a valid statusReport for the request's "lamps"
    /badreport/...   200, {"lamps": [{"lampId": 1}]} (not a statusReport)
    /notjson/...     200, the text "not json"
    anything else    as /echo/

    httpecho.py --port-file FILE --log FILE [--max-seconds S]

Binds 127.0.0.1 only, writes its port to FILE (atomically) and exits by itself
after S seconds (default 300), so a failed test never leaves it behind.
Standard library only.
"""
import argparse
import http.server
import json
import os
import threading


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--max-seconds", type=float, default=300.0)
    args = ap.parse_args()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *a):  # quiet
            pass

        def answer(self, status, body, ctype="application/json"):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
            rec = {"method": self.command, "path": self.path,
                   "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            with lock, open(args.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec) + "\n")
            mode = self.path.lstrip("/").split("/", 1)[0]
            if mode.startswith("status-") and mode[7:].isdigit():
                self.answer(int(mode[7:]), json.dumps({"message": "forced " + mode[7:]}))
            elif mode == "report":
                try:
                    lamps = json.loads(body)["lamps"]
                except (ValueError, KeyError, TypeError):
                    lamps = []
                self.answer(200, json.dumps({"lamps": [{"lampId": str(x), "on": True} for x in lamps]}))
            elif mode == "badreport":
                self.answer(200, json.dumps({"lamps": [{"lampId": 1}]}))
            elif mode == "notjson":
                self.answer(200, "not json", "text/plain")
            else:
                self.answer(200, json.dumps(rec))

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    threading.Timer(args.max_seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
