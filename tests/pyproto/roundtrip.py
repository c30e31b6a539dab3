#!/usr/bin/env python3
"""Drives a generated Python client package (per-operation client) against a
broker, or the in-memory transport, and prints TAP-like lines for run.sh.

    roundtrip.py LABEL PKGDIR MODULE URL [--closed URL] [--kill PID [--restart CMD]]

URL is the broker (mqtt://, kafka://, ws://) or `memory` (two clients sharing
one MemoryTransport, the user-plugged transport case). Checks, each printing
`ok NAME` or `not ok NAME: why` (NAME = pyproto_LABEL_...):
  round trip of every message of every channel (payload, headers, parameters
  read from the address), invalid messages reported to on_error and not
  delivered, a send refusing an invalid payload and a parameter that would
  change the address, request/reply with the correlation id, a reply timing
  out, a typed error when no broker listens (--closed) and when the broker
  goes away (--kill: the broker's pid, killed at the end), and reconnecting
  when it is back (--restart: the command that starts it again, same port).
"""
import importlib
import json
import os
import signal
import sys
import threading
import time

label, pkgdir, module, url = sys.argv[1:5]
opts = sys.argv[5:]
closed = opts[opts.index("--closed") + 1] if "--closed" in opts else None
kill = int(opts[opts.index("--kill") + 1]) if "--kill" in opts else None
restart = opts[opts.index("--restart") + 1] if "--restart" in opts else None
sys.path.insert(0, pkgdir)
pkg = importlib.import_module(module)
client_mod = importlib.import_module(module + ".client")
errors = importlib.import_module(module + ".errors")
validate = importlib.import_module(module + ".validate")
Client = getattr(pkg, [n for n in pkg.__all__ if n.endswith("Client") and hasattr(getattr(pkg, n), "connect")][0])
TIMEOUT = float(os.environ.get("PYPROTO_TIMEOUT", "10"))
failures = 0


def ok(name):
    print("ok pyproto_%s_%s" % (label, name), flush=True)


def fail(name, why):
    global failures
    failures += 1
    print("not ok pyproto_%s_%s: %s" % (label, name, str(why).replace("\n", " ")[:400]), flush=True)


def new_client(memory=None, timeout=TIMEOUT, the_url=None):
    if memory is not None:
        return Client(memory, timeout=timeout)
    return Client(url=the_url or url, timeout=timeout)


def example(msg):
    return getattr(client_mod, "example_" + msg.id)(), getattr(client_mod, "example_" + msg.id + "_headers")()


def wait_for(pred, seconds=TIMEOUT):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


is_ws = url.startswith("ws")
memory = client_mod.MemoryTransport() if url == "memory" else None
PARAM = "lamp-7"
ops = client_mod.OPERATIONS
request_addresses = {o.address for o in ops if o.reply_address} | {o.reply_address for o in ops if o.reply_address}
sub, pub = new_client(memory), new_client(memory)
try:
    sub.connect()
    pub.connect()
except Exception as ex:  # noqa: BLE001 - reported as the test's failure
    fail("clients_should_connect", repr(ex))
    sys.exit(0)
ok("clients_should_connect")


def params_of(address):
    return {name: PARAM for name in client_mod._PARAM.findall(address)}


# --- round trip of every message, grouped by address ------------------------
addresses = []
for o in ops:
    if o.address not in addresses and o.address not in request_addresses and o.messages:
        addresses.append(o.address)
got = {}
bad = []
subs = []


def subscribe_all():
    for address in addresses:
        receiver = next((o for o in ops if o.address == address and o.action == "receive" and not o.reply_address), None)
        msgs = tuple({m.name: m for o in ops if o.address == address for m in o.messages}.values())
        box = got.setdefault(address, [])
        # WebSocket paths have no wildcards: subscribe with the parameters given.
        fixed = params_of(address) if is_ws else {}
        if receiver is not None:
            kwargs = {"params": fixed} if fixed else {}
            subs.append(getattr(sub, receiver.method)(box.append, bad.append, **kwargs))
        else:
            subs.append(sub._subscribe(address, fixed, msgs, box.append, bad.append))


# Kafka: records reach a consumer whose regex subscription matched the topic
# when it joined (auto.offset.reset=earliest): send first, then subscribe.
kafka_first = url.startswith("kafka")
if not kafka_first:
    subscribe_all()
time.sleep(0.3 if url != "memory" else 0)
sent = []
for address in addresses:
    for msg in {m.name: m for o in ops if o.address == address for m in o.messages}.values():
        payload, headers = example(msg)
        if payload is None:
            continue
        sender = next((o for o in ops if o.address == address and o.action == "send" and not o.reply_address
                       and msg in o.messages), None)
        params = params_of(address)
        try:
            if sender is not None:
                kwargs = {"params": params} if params else {}
                getattr(pub, sender.method)(payload, headers=headers, **kwargs)
            else:
                pub._send(address, params, (msg,), payload, headers, {})
            sent.append((address, msg, payload, headers, params))
        except Exception as ex:  # noqa: BLE001
            fail("%s_should_be_sent" % msg.id, repr(ex))
names = [msg.id for _a, msg, _p, _h, _q in sent]
if kafka_first:
    subscribe_all()
for address, msg, payload, headers, params in sent:
    name = "%s_should_round_trip" % msg.id
    if names.count(msg.id) > 1:  # one message on several channels
        name += "_on_channel_%d" % addresses.index(address)
    box = got[address]
    if not wait_for(lambda: any(r.message == msg.name for r in box)):
        fail(name, "not received within %g s on %s (errors: %s)" % (TIMEOUT, address, [str(e) for e in bad]))
        continue
    r = next(r for r in box if r.message == msg.name)
    want_headers = {} if is_ws or headers is None else headers
    if r.payload != payload:
        fail(name, "payload %r != sent %r" % (r.payload, payload))
    elif r.headers != want_headers:
        fail(name, "headers %r != sent %r" % (r.headers, want_headers))
    elif dict(r.params) != params:
        fail(name, "parameters %r != sent %r (address %s)" % (r.params, params, r.address))
    else:
        ok(name)
if bad:
    fail("round_trip_should_report_no_errors", "; ".join(str(e) for e in bad))
for s in subs:  # (Kafka: a consumer of the same group would share the records)
    s.cancel()

# --- invalid messages go to on_error, not to the handler -------------------
receiver = next((o for o in ops if o.action == "receive" and not o.reply_address and o.messages), None)
if receiver is None:
    print("skip pyproto_%s_invalid_message_should_be_reported: the catalogue has no receive operation" % label)
else:
    handled, reported = [], []
    fixed = params_of(receiver.address)
    kwargs = {"params": fixed} if fixed else {}
    s = getattr(sub, receiver.method)(handled.append, reported.append, **kwargs)
    time.sleep(0.3 if url != "memory" else 0)
    wrong = next(v for v in ([], "x", 12345, None, {"\u0000": []}) if validate.validate_message(receiver.messages[0].name, v))
    topic = pub.transport.fill(receiver.address, params_of(receiver.address))
    for data in (b"{not json", json.dumps(wrong).encode()):
        pub.transport.publish(topic, data, {}, {})
    name = "invalid_message_should_be_reported_not_delivered"
    if not wait_for(lambda: len(reported) >= 2):
        fail(name, "on_error got %d of 2 (handler got %d)" % (len(reported), len(handled)))
    elif handled:
        fail(name, "the handler got an invalid message: %r" % (handled[0],))
    elif not all(isinstance(e, errors.ReceiveError) and e.errors for e in reported):
        fail(name, "on_error got %r" % (reported,))
    else:
        ok(name)
    s.cancel()

# --- send refuses an invalid payload and an address-changing parameter -----
sender = next((o for o in ops if o.action == "send" and not o.reply_address and o.messages), None)
if sender is None:
    print("skip pyproto_%s_send_should_refuse_an_invalid_payload: no send operation" % label)
else:
    params = params_of(sender.address)
    kwargs = {"params": params} if params else {}
    wrong = next(v for v in ([], "x", 12345, None) if validate.validate_message(sender.messages[0].name, v))
    try:
        getattr(pub, sender.method)(wrong, **kwargs)
        fail("send_should_refuse_an_invalid_payload", "sent %r" % (wrong,))
    except errors.ValidationError as ex:
        ok("send_should_refuse_an_invalid_payload") if ex.errors else fail("send_should_refuse_an_invalid_payload", "no errors")
    with_param = next((o for o in ops if o.action == "send" and not o.reply_address and o.messages
                       and params_of(o.address)), None)
    if with_param is None:
        print("skip pyproto_%s_send_should_refuse_a_parameter_that_changes_the_address: no parameters" % label)
    elif is_ws:
        # WebSocket: the value is percent-encoded into one path segment.
        filled = pub.transport.fill(with_param.address, {n: "a b/c" for n in params_of(with_param.address)})
        if "a%20b%2Fc" in filled and "a b/c" not in filled:
            ok("send_should_percent_encode_a_parameter")
        else:
            fail("send_should_percent_encode_a_parameter", filled)
    else:
        payload, headers = example(with_param.messages[0])
        for value in ("a/b", "+", "#", "", "a b"):
            if "kafka" not in url and value == "a b":
                continue
            try:
                getattr(pub, with_param.method)(payload, params={n: value for n in params_of(with_param.address)})
                fail("send_should_refuse_a_parameter_that_changes_the_address", "sent with %r" % value)
                break
            except errors.ParameterError:
                pass
        else:
            ok("send_should_refuse_a_parameter_that_changes_the_address")

# --- request/reply -----------------------------------------------------------
requester = next((o for o in ops if o.action == "send" and o.reply_address and o.messages), None)
responder = next((o for o in ops if requester and o.action == "receive" and o.reply_address
                  and o.address == requester.address), None)
if requester is None:
    print("skip pyproto_%s_request_should_get_the_correlated_reply: no request/reply operation" % label)
else:
    location = next((m.correlation for m in requester.messages + requester.reply_messages if m.correlation), None)

    def strip(value):
        """The example without its correlation id (the client sets a fresh one)."""
        if location and location[0] == "payload" and isinstance(value, dict):
            value = dict(value)
            value.pop(location[1].split("/")[-1], None)
        return value
    req_payload, _h = example(requester.messages[0])
    req_payload = strip(req_payload)
    if responder is not None:
        seen = []

        def answer(r):
            seen.append(r)
            reply, _rh = example(requester.reply_messages[0])
            return strip(reply)
        s = getattr(sub, responder.method)(answer, lambda e: seen.append(e))
        time.sleep(0.3 if url != "memory" else 0)
        name = "request_should_get_the_correlated_reply"
        try:
            params = params_of(requester.address)
            kwargs = {"params": params} if params else {}
            reply = getattr(pub, requester.method)(req_payload, timeout=TIMEOUT, **kwargs)
            where = reply.headers if location[0] == "header" else reply.payload
            cid = client_mod._pointer_get(where, location[1])
            asked = client_mod._pointer_get(seen[0].headers if location[0] == "header" else seen[0].payload, location[1])
            if not isinstance(cid, str) or not cid or cid != asked:
                fail(name, "reply correlation id %r, request's %r" % (cid, asked))
            elif validate.validate_message(reply.message, reply.payload):
                fail(name, "reply does not validate: %r" % (reply.payload,))
            else:
                ok(name)
        except Exception as ex:  # noqa: BLE001
            fail(name, repr(ex))
        s.cancel()
    name = "request_without_answer_should_time_out"
    t0 = time.monotonic()
    try:
        params = params_of(requester.address)
        kwargs = {"params": params} if params else {}
        getattr(pub, requester.method)(req_payload, timeout=1.0, **kwargs)
        fail(name, "got a reply with no responder")
    except errors.ReplyTimeoutError:
        took = time.monotonic() - t0
        ok(name) if 0.9 <= took < 5 else fail(name, "took %.2f s for a 1 s timeout" % took)
    except Exception as ex:  # noqa: BLE001
        fail(name, repr(ex))

# --- no broker; broker gone ----------------------------------------------------
if closed:
    name = "connect_without_broker_should_raise_connection_error"
    try:
        c = Client(url=closed, timeout=2.0)
        c.connect()
        fail(name, "connected to %s" % closed)
        c.close()
    except errors.ConnectionError:
        ok(name)
    except Exception as ex:  # noqa: BLE001
        fail(name, repr(ex))
if kill:
    name = "broker_gone_should_raise_connection_error"
    lost = []
    first = next((o for o in ops if o.action == "receive" and not o.reply_address), None)
    g = new_client(timeout=2.0)
    g.connect()
    if first is not None and not is_ws:
        fixed = params_of(first.address)
        g._subscribe(first.address, {}, first.messages, lambda r: None, lost.append)
    os.kill(kill, signal.SIGTERM)
    time.sleep(1.0)
    target = next(o for o in ops if o.action == "send" and o.messages and not o.reply_address)
    payload, headers = example(target.messages[0])
    params = params_of(target.address)
    kwargs = {"params": params} if params else {}
    try:
        for _ in range(3):  # a produce may still be buffered before the client notices
            getattr(g, target.method)(payload, **kwargs)
            time.sleep(0.5)
        fail(name, "still sending after the broker was killed")
    except errors.ConnectionError:
        ok(name)
    except Exception as ex:  # noqa: BLE001
        fail(name, repr(ex))
    if "mqtt" in url:
        n2 = "broker_gone_should_be_reported_to_subscriptions"
        if wait_for(lambda: any(isinstance(e.cause, errors.ConnectionError) for e in lost), 5):
            ok(n2)
        else:
            fail(n2, "on_error got %r" % (lost,))
    if restart and first is not None and not is_ws:
        # The broker comes back on the same port: the client reconnects (paho)
        # and subscribes again; a message sent then is delivered.
        import shlex
        import subprocess
        n3 = "client_should_reconnect_and_resubscribe_when_the_broker_is_back"
        back = subprocess.Popen(shlex.split(restart), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        again = []
        g._subscribe(first.address, {}, first.messages, again.append, lambda e: None)
        payload, headers = example(first.messages[0])
        params = params_of(first.address)
        end = time.monotonic() + 20
        while time.monotonic() < end and not again:
            try:
                g._send(first.address, params, first.messages, payload, headers, {})
            except errors.ConnectionError:
                pass
            time.sleep(0.5)
        ok(n3) if again else fail(n3, "nothing received within 20 s of the broker's restart")
        back.terminate()
        back.wait(5)
    try:
        threading.Thread(target=g.close, daemon=True).start()
    except Exception:  # noqa: BLE001
        pass
for c in (sub, pub):
    try:
        c.close()
    except Exception as ex:  # noqa: BLE001
        fail("close_should_not_fail", repr(ex))
os._exit(0)
