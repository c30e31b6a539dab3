#!/usr/bin/env bash
# The loopback job server itself: every scenario answers as documented, so the
# client tests that rely on it test the clients, not the server.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-server.sh"
command -v python3 >/dev/null || { skip server "python3 not installed"; exit 0; }
server_start || { fail server_start "server did not start"; exit 0; }
hostile_start || { fail server_hostile_start "hostile server did not start"; exit 0; }
trap 'server_stop; hostile_stop; mqtt_stop; kafka_stop; ws_stop; rm -rf "$TMP"' EXIT
# The parts below (the job server's checks, the hostile server's, each
# broker's) wait mostly for time windows and for the brokers, and share
# nothing: they run at once, each into a file of its own, printed in this
# order when all have ended.
parts=()
python3 - "$SERVER_URL" >"$TMP/part1.out" 2>&1 <<'PY' &
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
parts+=($!)

# The hostile server: each scenario misbehaves as documented (raw sockets, so
# the checks see exactly what a client would).
python3 - "$HOSTILE_URL" "$HOSTILE_OTHER_URL" >"$TMP/part2.out" 2>&1 <<'PY' &
import json, socket, sys, time
base, other = sys.argv[1], sys.argv[2]
port = int(base.rsplit(":", 1)[1])
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "hostile_" + name + ("" if cond else ": " + why))
def raw(scenario, method="POST", seconds=3.0, limit=1 << 20, body=b"{}"):
    """What the server sends within `seconds` (at most `limit` bytes) for one request."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"%s /h/%s/api/jobs/x HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n%s" % (method.encode(), scenario.encode(), len(body), body))
    data, t0 = b"", time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - t0 < seconds and len(data) < limit:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        if not d:
            break
        data += d
    s.close()
    return data
def stats(url):
    host, p = url.rsplit("/", 1)[1].split(":")
    s = socket.create_connection((host, int(p)), timeout=5)
    s.sendall(b"GET /__stats HTTP/1.1\r\nHost: h\r\n\r\n")
    data = b""
    while not data.endswith(b"}"):
        data += s.recv(4096)
    s.close()
    return json.loads(data.split(b"\r\n\r\n", 1)[1])
# Each raw() reads for its scenario's time window (or until the server
# closes): they are independent, so they run at once (threads: the windows
# overlap, about 3 s in all instead of the sum), each checked in this order
# once all have ended. The /__stats checks below then run alone, so that
# only their own requests are counted.
from concurrent.futures import ThreadPoolExecutor
jobs = [("ok", {}), ("slow-status", {"seconds": 2.5}), ("slow-body", {"seconds": 2.5}), ("continue", {"seconds": 2.2}),
        ("endless", {"seconds": 20, "limit": 8 << 20}), ("endless-length", {"seconds": 20, "limit": 1 << 20})]
jobs += [("redirect-" + code, {}) for code in ("301", "302", "307", "308")]
jobs += [("deep", {}), ("chunk-overflow", {}), ("trailing-garbage", {}), ("concatenated", {}), ("leading-zero", {})]
jobs += [("bullmq-%d" % n, {"method": "GET", "body": b""}) for n in range(1, 7)]
with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
    futures = [pool.submit(raw, sc, **kw) for sc, kw in jobs]
got = {sc: f.result() for (sc, _kw), f in zip(jobs, futures)}
d = got["ok"]
check("ok_answers_a_job_response", d.startswith(b"HTTP/1.1 200") and b'"success": true' in d, repr(d[:200]))
d = got["slow-status"]
check("slow_status_drips_the_status_line", 1 <= len(d) <= 4 and b"HTTP/1.1".startswith(d), repr(d))
d = got["slow-body"]
head, _, body = d.partition(b"\r\n\r\n")
check("slow_body_drips_the_body", head.startswith(b"HTTP/1.1 200") and 1 <= len(body) <= 4, repr(d[-40:]))
d = got["continue"]
check("continue_repeats_100_continue", d.count(b"HTTP/1.1 100 Continue\r\n\r\n") >= 4 and b"200" not in d, repr(d[:80]))
# Reads until 8 MiB arrive (at once on an idle machine); the 20 s bound only
# keeps a loaded machine, where the server streams slower, from failing.
d = got["endless"]
check("endless_streams_without_end", len(d) >= 8 << 20, str(len(d)))
d = got["endless-length"]
check("endless_length_announces_2_gib", b"Content-Length: 2147483648" in d and len(d) >= 1 << 20, repr(d[:120]))
for code in ("301", "302", "307", "308"):
    d = got["redirect-" + code]
    check("redirect_%s_points_to_the_other_origin" % code,
          d.startswith(b"HTTP/1.1 " + code.encode()) and (b"Location: " + other.encode() + b"/h/ok/api/jobs/x") in d, repr(d[:200]))
d = got["deep"]
check("deep_nests_100000_levels", d.count(b"[") == 100000, str(d.count(b"[")))
d = got["chunk-overflow"]
check("chunk_overflow_sends_a_huge_chunk_size", b"\r\n\r\nffffffffffffffff\r\n" in d, repr(d[-60:]))
for sc, marker in (("trailing-garbage", b"} <html>garbage</html>"), ("concatenated", b"}{"), ("leading-zero", b": 007")):
    d = got[sc]
    check(sc.replace("-", "_") + "_answers_bad_json", d.startswith(b"HTTP/1.1 200") and marker in d, repr(d[-80:]))
for n in range(1, 7):
    d = got["bullmq-%d" % n]
    j = json.loads(d.partition(b"\r\n\r\n")[2])
    check("bullmq_%d_answers_a_job" % n, j["jobId"] == str(n) and "state" in j and "data" in j, repr(j))
before = stats(base)
with ThreadPoolExecutor(max_workers=2) as pool:  # (two windows of 3 s, at once)
    list(pool.map(lambda kw: raw(**kw), ({"scenario": "drop-second"}, {"scenario": "ok", "method": "GET", "body": b""})))
after = stats(base)
check("stats_count_requests_and_posts", after["requests"] - before["requests"] == 2 and after["posts"] - before["posts"] == 1,
      repr((before, after)))
# drop-second: answers the first request of a connection, drops the second unanswered (but counted)
s = socket.create_connection(("127.0.0.1", port), timeout=5)
req = b"POST /h/drop-second/api/jobs/x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}"
s.sendall(req)
first = s.recv(65536)
before = stats(base)["posts"]
s.sendall(req)
second = s.recv(65536)
s.close()
check("drop_second_reads_then_drops_the_second_request", first.startswith(b"HTTP/1.1 200") and second == b""
      and stats(base)["posts"] - before == 1, repr((first[:40], second)))
PY
parts+=($!)

# The brokers of the protocol-client tests, each in a subshell with a $TMP
# of its own (lib-server.sh keeps a broker's files there), so that the three
# run at once.
broker_part() { # KIND PYTHON-MODULE PIP-NAME DEBIAN-PACKAGE URL-VARIABLE (set by KIND_start)
    local kind=$1 mod=$2 name=$3 pkg=$4 url=$5 py
    TMP=$TMP/$kind; mkdir -p "$TMP"
    # shellcheck disable=SC2064  # the broker's stop function, named now
    trap "${kind}_stop" EXIT
    if py=$(py_with "$mod") && "${kind}_start" 2>"$TMP/$kind.err"; then
        "$py" "$TOP/tests/server/brokers.py" "$kind" "${!url}"; "${kind}_stop"
    else skip "server_$kind" "$( [ -n "${py:-}" ] && cat "$TMP/$kind.err" || echo "no python3 with $name (Debian $pkg)")"; fi
}
(broker_part mqtt paho.mqtt paho-mqtt python3-paho-mqtt MQTT_URL) >"$TMP/part3.out" 2>&1 &
parts+=($!)
(broker_part kafka confluent_kafka confluent-kafka python3-confluent-kafka KAFKA_BOOTSTRAP) >"$TMP/part4.out" 2>&1 &
parts+=($!)
(broker_part ws websockets websockets python3-websockets WS_URL) >"$TMP/part5.out" 2>&1 &
parts+=($!)
wait "${parts[@]}"  # (not the servers started above: they run until killed)
cat "$TMP"/part[1-5].out
