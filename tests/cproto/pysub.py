"""Wire check for the C MQTT adapter: another MQTT 5 client (paho-mqtt)
subscribes to lights/+/events and prints what the first message carries:
its topic, its JSON payload and its user properties, as one JSON line.

    pysub.py HOST PORT READY_FILE
"""
import json
import sys

import paho.mqtt.client as mqtt

host, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
got = {}


def on_connect(client, userdata, flags, rc, properties=None):
    client.subscribe("lights/+/events", qos=1)


def on_subscribe(client, userdata, mid, granted, properties=None):
    open(ready, "w").close()


def on_message(client, userdata, msg):
    props = getattr(msg.properties, "UserProperty", []) if msg.properties else []
    got.update(topic=msg.topic, payload=json.loads(msg.payload.decode("utf-8")), headers=dict(props))
    client.disconnect()


c = mqtt.Client(client_id="cproto-pysub", protocol=mqtt.MQTTv5)
c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
c.connect(host, port)
c.loop_start()
import time

for _ in range(150):
    if got:
        break
    time.sleep(0.1)
c.loop_stop()
print(json.dumps(got, sort_keys=True))
