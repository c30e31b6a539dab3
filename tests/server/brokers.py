#!/usr/bin/env python3
"""The loopback brokers (tests/server/lib-server.sh) do what the protocol-client
tests rely on: a message published reaches a subscriber with its payload and
headers, topics are created on first use, wildcards/patterns match. Run by
tests/server/run.sh with the first python3 that has each client library;
prints `ok`/`not ok`/`skip` lines.

    brokers.py mqtt|kafka|ws URL
"""
import sys
import time


def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "server_" + name + ("" if cond else ": " + why))


def mqtt(url):
    import paho.mqtt.client as paho
    from paho.mqtt.properties import Properties
    from paho.mqtt.packettypes import PacketTypes
    host, port = url[len("mqtt://"):].split(":")
    got = []
    sub = paho.Client(client_id="sub", protocol=paho.MQTTv5)
    sub.on_message = lambda c, u, m: got.append((m.topic, m.payload, getattr(m.properties, "UserProperty", None)))
    sub.connect(host, int(port))
    sub.subscribe("lights/+/measured", qos=1)
    sub.loop_start()
    pub = paho.Client(client_id="pub", protocol=paho.MQTTv5)
    pub.connect(host, int(port))
    pub.loop_start()
    time.sleep(0.3)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = [("trace", "t-1")]
    pub.publish("lights/7/measured", b'{"lumens":3}', qos=1, properties=props).wait_for_publish(5)
    end = time.time() + 5
    while not got and time.time() < end:
        time.sleep(0.05)
    pub.loop_stop(); sub.loop_stop()
    check("mqtt_delivers_payload_and_user_properties_through_a_wildcard",
          got == [("lights/7/measured", b'{"lumens":3}', [("trace", "t-1")])], repr(got))


def kafka(bootstrap):
    from confluent_kafka import Consumer, Producer
    p = Producer({"bootstrap.servers": bootstrap})
    p.produce("lights.7.measured", b'{"lumens":3}', key=b"7", headers=[("trace", b"t-1")])
    check("kafka_accepts_a_record_for_a_new_topic", p.flush(10) == 0)
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "brokers-check", "auto.offset.reset": "earliest"})
    c.subscribe(["^lights\\..*"])
    got, end = None, time.time() + 20
    while got is None and time.time() < end:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got = (m.topic(), m.key(), m.value(), m.headers())
    c.close()
    check("kafka_delivers_key_payload_and_headers_through_a_regex_subscription",
          got == ("lights.7.measured", b"7", b'{"lumens":3}', [("trace", b"t-1")]), repr(got))


def ws(url):
    import asyncio
    import websockets

    async def run():
        async with websockets.connect(url + "/lights/7") as a, websockets.connect(url + "/lights/7") as b, \
                websockets.connect(url + "/other") as c:
            await asyncio.sleep(0.1)
            await a.send('{"lumens":3}')
            got = await asyncio.wait_for(b.recv(), 5)
            try:
                echoed = await asyncio.wait_for(a.recv(), 0.3)
            except asyncio.TimeoutError:
                echoed = None
            try:
                leaked = await asyncio.wait_for(c.recv(), 0.3)
            except asyncio.TimeoutError:
                leaked = None
            return got, echoed, leaked

    got, echoed, leaked = asyncio.run(run())
    check("ws_relays_a_frame_to_the_other_connections_on_its_path_only",
          got == '{"lumens":3}' and echoed is None and leaked is None, repr((got, echoed, leaked)))


{"mqtt": mqtt, "kafka": kafka, "ws": ws}[sys.argv[1]](sys.argv[2])
