"""The Python client's plain HTTP bindings against tests/server/httpecho.py.

    py_test.py LABEL PKGDIR MODULE PORT LOG CLOSED_PORT [2.6]

PKGDIR holds the generated package MODULE (from
tests/catalogues/http-bindings-3.0.yaml, or -2.6.yaml with "2.6"), PORT the
echo server's port, LOG its request log (one JSON line per request),
CLOSED_PORT a port where nothing listens. Prints ok / not ok lines.
"""
import importlib
import json
import os
import sys

label, pkgdir, module, port, log, closed = sys.argv[1:7]
legacy = len(sys.argv) > 7 and sys.argv[7] == "2.6"
sys.path.insert(0, pkgdir)
pkg = importlib.import_module(module)
client_mod = importlib.import_module(module + ".client")
errors = importlib.import_module(module + ".errors")
Client = getattr(pkg, [n for n in pkg.__all__ if n.endswith("Client")][0])
base = "http://127.0.0.1:%s" % port


def ok(name):
    print("ok httpproto_python_%s_%s" % (label, name), flush=True)


def fail(name, why):
    print("not ok httpproto_python_%s_%s: %s" % (label, name, str(why).replace("\n", " ")[:400]), flush=True)


def last_request():
    with open(log, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return json.loads(lines[-1]) if lines else None


def count():
    with open(log, encoding="utf-8") as f:
        return len(f.read().splitlines())


def case(name):
    def wrap(fn):
        try:
            fn()
            ok(name)
        except AssertionError as ex:
            fail(name, ex or "assertion failed")
        except Exception as ex:  # an unexpected exception is a failure, named
            fail(name, "%s: %s" % (type(ex).__name__, ex))
        return fn
    return wrap


if legacy:
    @case("patch_from_the_2_6_binding_should_reach_the_server")
    def _():
        with Client(url=base + "/echo/legacy") as c:
            c.switch_on({"on": True}, params={"lampId": "a/b"}, headers={"x-request-id": "r-26"})
        r = last_request()
        assert r["method"] == "PATCH", r
        assert r["path"] == "/echo/legacy/lamps/a%2Fb/on", r["path"]
        assert r["headers"].get("x-request-id") == "r-26", r["headers"]
        assert json.loads(r["body"]) == {"on": True}, r["body"]
    sys.exit(0)


@case("send_should_post_json_with_escaped_parameter_and_headers")
def _():
    with Client(url=base + "/echo/api/v1/") as c:
        c.switch_on({"lampId": "hall", "on": True, "note": "caf\u00e9"}, params={"lampId": "a b/c?d%e"},
                    headers={"x-request-id": "req-\u00e9-1", "x-attempt": 2})
    r = last_request()
    assert r["method"] == "POST", r["method"]
    assert r["path"] == "/echo/api/v1/lamps/a%20b%2Fc%3Fd%25e/on", r["path"]
    h = r["headers"]
    assert h.get("content-type") == "application/json", h
    assert h.get("x-attempt") == "2", h
    # UTF-8 header bytes arrive unchanged (the server reads them as latin-1).
    assert h.get("x-request-id", "").encode("latin-1").decode("utf-8") == "req-\u00e9-1", h
    assert json.loads(r["body"]) == {"lampId": "hall", "on": True, "note": "caf\u00e9"}, r["body"]


@case("put_binding_should_send_put")
def _():
    with Client(url=base + "/echo/api/v1") as c:
        c.set_level({"percent": 50}, params={"lampId": "porch"})
    r = last_request()
    assert r["method"] == "PUT" and r["path"] == "/echo/api/v1/lamps/porch/level", r


@case("server_from_catalogue_variables_and_env_should_be_used")
def _():
    with Client(variables={"port": port}) as c:  # http://localhost:{port}/api/v1
        c.set_level({"percent": 1}, params={"lampId": "v"})
    assert last_request()["path"] == "/api/v1/lamps/v/level", last_request()
    os.environ["LAMPS_HTTP_API_SERVER_URL"] = base + "/fromenv"
    try:
        with Client() as c:
            c.set_level({"percent": 2}, params={"lampId": "e"})
    finally:
        del os.environ["LAMPS_HTTP_API_SERVER_URL"]
    assert last_request()["path"] == "/fromenv/lamps/e/level", last_request()


@case("reply_should_be_the_decoded_validated_answer")
def _():
    with Client(url=base + "/report/api/v1") as c:
        reply = c.query_status({"lamps": ["hall", "porch"]})
    assert reply.payload == {"lamps": [{"lampId": "hall", "on": True}, {"lampId": "porch", "on": True}]}, reply
    assert reply.message == "statusReport", reply.message
    assert last_request()["path"] == "/report/api/v1/status"


@case("invalid_reply_should_raise_reply_error_with_the_validation_errors")
def _():
    with Client(url=base + "/badreport/api/v1") as c:
        try:
            c.query_status({"lamps": ["x"]})
        except errors.ReplyError as ex:
            assert ex.errors and any("lampId" in p or "on" in m for p, m in ex.errors), ex.errors
            assert '"lampId": 1' in ex.body, ex.body
        else:
            raise AssertionError("no ReplyError")
    with Client(url=base + "/notjson/api/v1") as c:
        try:
            c.query_status({"lamps": ["x"]})
        except errors.ReplyError as ex:
            assert ex.body == "not json" and "not JSON" in str(ex), ex
        else:
            raise AssertionError("no ReplyError for a non-JSON answer")


@case("non_2xx_should_raise_http_error_with_status_and_body")
def _():
    for status in (404, 503):
        with Client(url=base + "/status-%d/api/v1" % status) as c:
            try:
                c.set_level({"percent": 3}, params={"lampId": "p"})
            except errors.HTTPError as ex:
                assert ex.status == status, ex.status
                assert "forced %d" % status in ex.body and ex.message == "forced %d" % status, (ex.body, ex.message)
            else:
                raise AssertionError("no HTTPError for %d" % status)


@case("server_down_should_raise_connection_error")
def _():
    with Client(url="http://127.0.0.1:%s/api/v1" % closed) as c:
        try:
            c.set_level({"percent": 4}, params={"lampId": "p"})
        except errors.ConnectionError as ex:
            assert isinstance(ex, errors.TransportError)
        else:
            raise AssertionError("no ConnectionError")


@case("invalid_payload_and_header_should_be_refused_before_sending")
def _():
    before = count()
    with Client(url=base + "/echo") as c:
        for call in (lambda: c.set_level({"percent": 101}, params={"lampId": "p"}),
                     lambda: c.switch_on({"lampId": "a", "on": True}, params={"lampId": "p"},
                                         headers={"x-request-id": "a\r\nX-Evil: 1"})):
            try:
                call()
            except errors.ValidationError:
                pass
            else:
                raise AssertionError("no ValidationError")
    assert count() == before, "something was sent"


@case("receive_over_http_should_be_refused_with_config_error")
def _():
    t = client_mod.HttpTransport(base)
    try:
        t.subscribe("/x", {}, lambda a, b, h: None, lambda e: None, {})
    except errors.ConfigError:
        pass
    else:
        raise AssertionError("no ConfigError")
