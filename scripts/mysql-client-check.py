#!/usr/bin/env python3
"""A real MySQL client (PyMySQL) against FlowTest's echo, as an application connects.

Usage: mysql-client-check.py PORT SIZE. Connects to 127.0.0.1:PORT as `flowtest` without a
password (PyMySQL reads the greeting, logs in, then sets the character set and autocommit as
it always does), runs `SELECT REPEAT(...)` asking for a SIZE-byte result set, reads it, pings,
and prints what it read as one JSON object. Exit status: 0 when all of that worked, 1 with the
client's error otherwise, 2 when PyMySQL is missing.
"""
import json
import sys

try:
    import pymysql
except ImportError:
    print("PyMySQL is not installed: pip install pymysql", file=sys.stderr)
    sys.exit(2)

port, size = int(sys.argv[1]), int(sys.argv[2])
try:
    # Every wait bounded: a reply that never comes fails the check, not the test's time limit.
    connection = pymysql.connect(
        host="127.0.0.1", port=port, user="flowtest", password="", database="flowtest",
        connect_timeout=10, read_timeout=10, write_timeout=10)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT REPEAT('x', 10) /* flowtest response-size={size} */")
        rows = cursor.fetchall()
        columns = [column[0] for column in cursor.description]
    connection.ping(reconnect=False)
    server = connection.get_server_info()
    connection.close()
except pymysql.MySQLError as error:
    print(f"PyMySQL: {error!r}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"server": server, "columns": columns, "rows": [[str(value) for value in row] for row in rows]}))
