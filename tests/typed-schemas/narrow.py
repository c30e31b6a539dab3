"""mypy --strict on the types of tests/golden/const-union: tagged unions
narrow by their Literal tag, const members are Literal types, exact tuples
are tuple[...]. wrong.py holds the accesses that must be errors."""
from __future__ import annotations

from PKG.types import DeviceEvent, Heartbeat, Method, Quoted, Reading, ReadingId, Tags


def describe(e: DeviceEvent) -> str:
    if e["type"] == "heartbeat":
        return "up %d" % e.get("uptime", 0)
    # Narrowed to Reading: a Heartbeat has no "position".
    x, y = e["position"]
    return "at %.1f,%.1f" % (x, y)


def pay(m: Method) -> str:
    # Transfer does not declare its tag (the mapping gives it): Python has no
    # intersection type to add it, so Method does not narrow; the tag is a str.
    return m["kind"]


good: Heartbeat = {"type": "heartbeat", "seq": 1, "source": "sensor \"A\" */ ${x}"}
pos: Reading = {"type": "reading", "seq": 2, "source": "sensor \"A\" */ ${x}", "position": (1.0, 2.0)}
ids: list[ReadingId] = ["a", 1]


def quoted(q: Quoted) -> int:
    # Tags that are not identifiers narrow by their exact text.
    if q["q"] == "back\\slash ${x}":
        return q["n"]
    return 0


tags: Tags = {"red": 1}
