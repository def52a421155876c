#!/usr/bin/env python3
"""A real MongoDB driver (pymongo) against FlowTest's echo, as an application connects.

Usage: mongo-client-check.py PORT SIZE. Connects to 127.0.0.1:PORT directly (the driver's
handshake: `hello` over OP_MSG from pymongo 4.14 on, the legacy `isMaster` over OP_QUERY from
earlier ones and most other drivers; PYTHONPATH picks the pymongo), runs `ping`, then a `find`
on flowtest.flowtest whose comment asks for a SIZE-byte reply, and prints what it read (and the
driver's version) as one JSON object. Exit status: 0 when all of that worked, 1 with the
driver's error otherwise, 2 when pymongo is missing.
"""
import json
import sys

try:
    import pymongo
    from pymongo.errors import PyMongoError
except ImportError:
    print("pymongo is not installed: pip install pymongo", file=sys.stderr)
    sys.exit(2)

port, size = int(sys.argv[1]), int(sys.argv[2])
try:
    # Every wait bounded: a handshake the driver rejects fails server selection after 10 s.
    client = pymongo.MongoClient(
        "127.0.0.1", port, directConnection=True, serverSelectionTimeoutMS=10000,
        connectTimeoutMS=10000, socketTimeoutMS=10000)
    ping = client.admin.command("ping")
    document = client.flowtest.flowtest.find_one({}, comment=f"flowtest response-size={size}")
    description = client.topology_description.server_descriptions()[("127.0.0.1", port)]
    client.close()
except PyMongoError as error:
    print(f"pymongo: {error!r}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({
    "driver": pymongo.version, "ping": ping.get("ok"), "serverType": description.server_type_name,
    "maxWireVersion": description.max_wire_version,
    "document": None if document is None else {key: str(value) for key, value in document.items()},
}))
