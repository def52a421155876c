#!/usr/bin/env python3
"""Validates firefly JSON documents against the SciTags firefly schema, formats included.

Usage: firefly-check.py SCHEMA FILE, where FILE holds a JSON array of documents. Prints one line
per invalid document (its index and the first error). Exit status: 0 when every document is
valid, 1 otherwise, 2 when python3-jsonschema (or its date-time checker) is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is not installed: pip install jsonschema rfc3339-validator", file=sys.stderr)
    sys.exit(2)

checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
# Without these the schema's formats would pass anything, and the check would mean little.
missing = {"date-time", "ipv4", "ipv6"} - set(checker.checkers)
if missing:
    print(f"jsonschema cannot check the formats {sorted(missing)}: pip install rfc3339-validator", file=sys.stderr)
    sys.exit(2)

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
invalid = 0
for index, document in enumerate(json.load(open(sys.argv[2]))):
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    if errors:
        invalid += 1
        print(f"{index}: {errors[0].message} at {'/'.join(map(str, errors[0].path))}")
sys.exit(1 if invalid else 0)
