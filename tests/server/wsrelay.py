#!/usr/bin/env python3
"""Loopback WebSocket relay for the generated clients' WebSocket transports.

Every frame (text or binary) received on a connection whose request path is P
is sent to every OTHER open connection on path P, unchanged: a publisher and a
subscriber connected to the same channel address meet here, as they would at
a real WebSocket broker. GET paths are compared after the query string is cut.

    wsrelay.py --port-file FILE [--max-seconds S]

Binds 127.0.0.1 only, writes its port to FILE (atomically) and exits by itself
after S seconds (default 300), so a failed test never leaves it behind.
Needs the `websockets` package (Debian python3-websockets).
"""
import argparse
import asyncio
import os

import websockets


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=300.0)
    args = ap.parse_args()
    rooms: dict = {}

    async def handler(ws, path=None):
        room = (path if path is not None else ws.path).split("?", 1)[0]
        peers = rooms.setdefault(room, set())
        peers.add(ws)
        try:
            async for frame in ws:
                for other in list(peers):
                    if other is not ws:
                        try:
                            await other.send(frame)
                        except websockets.ConnectionClosed:
                            peers.discard(other)
        except websockets.ConnectionClosed:
            pass
        finally:
            peers.discard(ws)

    async with websockets.serve(handler, "127.0.0.1", 0, max_size=2**24) as server:
        port = server.sockets[0].getsockname()[1]
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
        await asyncio.sleep(args.max_seconds)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
