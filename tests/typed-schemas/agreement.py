#!/usr/bin/env python3
"""Hand-written agreement cases for tests/golden/const-union: tuples
(prefixItems with items: false, draft-07 items list with additionalItems),
patternProperties keys and values, a type list, const members and tags.

    agreement.py MSGGEN CATALOGUE OUT_DIR

Checks msggen validate's verdict on each case against the one written here
(prints ok/not ok lines), and writes OUT_DIR/cases.json (the format of
tests/pyclient/mutants.py, for the Python and TypeScript check scripts) and
OUT_DIR/manifest (MESSAGE<TAB>FILE, for tests/c-target/roundtrip.c)."""
import copy
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyclient"))
from mutants import run_batches  # noqa: E402

SRC = "sensor \"A\" */ ${x}"
READING = {"type": "reading", "seq": 2, "source": SRC, "position": [1.5, 2.5]}
HEARTBEAT = {"type": "heartbeat", "seq": 1, "source": SRC}
PAYMENT = {"method": {"kind": "card", "last4": "4242"}}


def with_(base, **kw):
    p = copy.deepcopy(base)
    for k, v in kw.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


# (name, message, payload, valid)
CASES = [
    ("tuple_exact", "device-event", READING, True),
    ("tuple_short", "device-event", with_(READING, position=[1]), False),
    ("tuple_long", "device-event", with_(READING, position=[1, 2, 3]), False),
    ("tuple_wrong_type", "device-event", with_(READING, position=["a", 2]), False),
    ("tuple_not_array", "device-event", with_(READING, position={"0": 1}), False),
    ("pattern_keys_ok", "device-event", with_(READING, labels={"room": "kitchen", "floor_2": "up"}), True),
    ("pattern_key_bad", "device-event", with_(READING, labels={"Room": "kitchen"}), False),
    ("pattern_key_empty", "device-event", with_(READING, labels={"": "x"}), False),
    ("pattern_value_too_long", "device-event", with_(READING, labels={"room": "x" * 33}), False),
    ("pattern_value_wrong_type", "device-event", with_(READING, labels={"room": 1}), False),
    ("multi_type_string", "device-event", with_(READING, id="r-1"), True),
    ("multi_type_integer", "device-event", with_(READING, id=7), True),
    ("multi_type_fraction", "device-event", with_(READING, id=1.5), False),
    ("multi_type_boolean", "device-event", with_(READING, id=True), False),
    ("multi_type_null", "device-event", with_(READING, id=None) | {"id": None}, False),
    ("const_exact", "device-event", HEARTBEAT, True),
    ("const_differs", "device-event", with_(HEARTBEAT, source="sensor \"A\" */ $x"), False),
    ("tag_unknown", "device-event", with_(HEARTBEAT, type="tick"), False),
    ("tag_missing", "device-event", with_(HEARTBEAT, type=None), False),
    ("tag_wrong_type", "device-event", with_(HEARTBEAT, type=1), False),
    ("tag_other_option", "device-event", with_(HEARTBEAT, type="reading"), False),
    ("items_list_prefix", "payment", with_(PAYMENT, range=[1]), True),
    ("items_list_rest", "payment", with_(PAYMENT, range=[1, "a", True, False]), True),
    ("items_list_rest_wrong", "payment", with_(PAYMENT, range=[1, "a", "b"]), False),
    ("items_list_first_wrong", "payment", with_(PAYMENT, range=["a"]), False),
    ("items_list_empty", "payment", with_(PAYMENT, range=[]), True),
    ("declared_map_ok", "payment", with_(PAYMENT, tags={"red": 1, "blue": 0}), True),
    ("declared_map_bad_key", "payment", with_(PAYMENT, tags={"Red": 1}), False),
    ("declared_map_negative", "payment", with_(PAYMENT, tags={"red": -1}), False),
    ("mapping_option", "payment", with_(PAYMENT, method={"kind": "bank-transfer", "iban": "DE00"}), True),
    ("mapping_const_differs", "payment", with_(PAYMENT, method={"kind": "cash", "last4": "4242"}), False),
]


def main():
    msggen, catalogue, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    files = {}
    for name, msg, payload, _ in CASES:
        f = os.path.join(out, name + ".json")
        with open(f, "w") as fh:
            json.dump(payload, fh)
        files.setdefault(msg, []).append(f)
    errors = {}
    for msg, fs in files.items():
        run_batches(msggen, catalogue, msg, fs, errors)
    cases, manifest = [], []
    for name, msg, payload, valid in CASES:
        f = os.path.join(out, name + ".json")
        got = errors[f]
        test = "msggen_validate_verdict_%s" % name
        if got is None:
            print("not ok %s: too many errors to compare" % test)
            continue
        if (not got) == valid:
            print("ok %s" % test)
        else:
            print("not ok %s: want %s, got %s" % (test, "valid" if valid else "invalid", sorted(got) or "valid"))
        cases.append({"message": msg, "file": name + ".json", "payload": payload, "errors": sorted(got)})
        manifest.append("%s\t%s" % (msg, f))
    with open(os.path.join(out, "cases.json"), "w") as fh:
        json.dump({"catalogue": catalogue, "cases": cases}, fh)
    with open(os.path.join(out, "manifest"), "w") as fh:
        fh.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
