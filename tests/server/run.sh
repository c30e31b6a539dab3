#!/usr/bin/env bash
# The loopback job server itself: every scenario answers as documented, so the
# client tests that rely on it test the clients, not the server.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-server.sh"
command -v python3 >/dev/null || { skip server "python3 not installed"; exit 0; }
server_start || { fail server_start "server did not start"; exit 0; }
trap 'server_stop; rm -rf "$TMP"' EXIT
python3 - "$SERVER_URL" <<'PY'
import json, sys, time, urllib.request, urllib.error
base = sys.argv[1]
def req(path, method="GET", body=None, headers=None):
    h = {"Content-Type": "application/json"} if body is not None else {}
    h.update(headers or {})
    r = urllib.request.Request(base + path, data=body, method=method, headers=h)
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "server_" + name + ("" if cond else ": " + why))
s, t, b = req("/s/ok/api/jobs/file-download-request", "POST", b'{"a": 1}')
j = json.loads(b)
check("ok_post_answers_job_response", s == 200 and j == {"success": True, "jobId": "job-file-download-request-1", "messageName": "file-download-request", "queue": "file-download-request"}, repr((s, b)))
s, t, b = req("/s/ok/api/jobs/file-download-request", "POST", b'[1]')
check("ok_rejects_non_object_body", s == 400 and b"JSON object" in b, repr((s, b)))
s, t, b = req("/s/ok/api/jobs/file-download-request", "POST", b'{}', {"Content-Type": "text/plain"})
check("ok_rejects_wrong_content_type", s == 400, repr((s, b)))
s, t, b = req("/s/ok/api/jobs/a%2Fb%20c")
check("ok_get_decodes_job_id", s == 200 and json.loads(b)["jobId"] == "a/b c", repr((s, b)))
s, t, b = req("/s/auth/api/jobs/x-y", "POST", b'{}')
check("auth_requires_key", s == 401 and json.loads(b)["error"] == "Unauthorized", repr((s, b)))
s, t, b = req("/s/auth/api/jobs/x-y", "POST", b'{}', {"Authorization": "Bearer secret-key"})
check("auth_accepts_key", s == 200, repr((s, b)))
for sc, code, ct in (("http400-json", 400, "application/json"), ("http500-json", 500, "application/json"),
                     ("http503-text", 503, "text/plain"), ("http404-html", 404, "text/html")):
    s, t, b = req("/s/%s/api/jobs/x" % sc, "POST", b'{}')
    check(sc.replace("-", "_"), s == code and t == ct, repr((s, t)))
s, t, b = req("/s/malformed/api/jobs/x", "POST", b'{}')
check("malformed_is_not_json", s == 200 and b == b"{not json", repr(b))
s, t, b = req("/s/wrong-schema/api/jobs/x", "POST", b'{}')
check("wrong_schema", s == 200 and json.loads(b)["success"] == "yes", repr(b))
s, t, b = req("/s/large/api/jobs/j1")
check("large_is_over_4mib", s == 200 and len(b) > 4 * 1024 * 1024, str(len(b)))
s, t, b = req("/s/echo/api/jobs/a%20b", "POST", b'{"k": "v"}', {"Authorization": "Bearer t"})
e = json.loads(b)
check("echo_reports_request", e["method"] == "POST" and e["path"] == "/api/jobs/a%20b" and e["headers"]["authorization"] == "Bearer t" and e["body"] == '{"k": "v"}', repr(e))
t0 = time.time(); s, t, b = req("/s/slow/api/jobs/j1"); dt = time.time() - t0
check("slow_takes_3s", s == 200 and dt >= 2.9, "%.2fs" % dt)
s, t, b = req("/__stats")
st = json.loads(b)
check("stats_count", st["requests"] >= 14 and st["connections"] >= 1, repr(st))
PY
