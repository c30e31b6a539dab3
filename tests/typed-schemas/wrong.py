"""Must fail mypy --strict, once per line marked ERR (run.sh counts them)."""
from __future__ import annotations

from PKG.types import DeviceEvent, Heartbeat, Reading, Tags


def describe(e: DeviceEvent) -> object:
    if e["type"] == "heartbeat":
        return e["position"]  # ERR a Heartbeat has no position
    return None


bad: Heartbeat = {"type": "reading", "seq": 1, "source": "sensor \"A\" */ ${x}"}  # ERR const member
short: Reading = {"type": "reading", "seq": 2, "source": "sensor \"A\" */ ${x}", "position": (1.0,)}  # ERR tuple
bad_tags: Tags = {"red": "x"}  # ERR map values are integers
