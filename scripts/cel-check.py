#!/usr/bin/env python3
"""Evaluates CRD validation rules with cel-python, a real CEL implementation.

Reads a JSON array of {"cel": rule, "self": object, "oldSelf": object (transition rules only),
"swift": bool} from the file given as the
only argument, evaluates each rule with `self` bound to the object, and prints one line per case
where CEL and the Swift version of the rule disagree (or the CEL does not compile). Exit status:
0 when they all agree, 1 otherwise, 2 when cel-python is missing.

Admission policies bind other names: a case may give {"cel": expression, "bindings": {name:
JSON value} (such as `request` and `object`), "expect": bool or string} instead, and is checked
against what it expects.
"""
import json
import sys

try:
    import celpy
except ImportError:
    print("cel-python is not installed: pip install cel-python", file=sys.stderr)
    sys.exit(2)

cases = json.load(open(sys.argv[1]))
environment = celpy.Environment()
disagreements = 0
for case in cases:
    try:
        program = environment.program(environment.compile(case["cel"]))
        if "bindings" in case:
            bindings = {name: celpy.json_to_cel(value) for name, value in case["bindings"].items()}
        else:
            bindings = {"self": celpy.json_to_cel(case["self"])}
            if "oldSelf" in case:
                bindings["oldSelf"] = celpy.json_to_cel(case["oldSelf"])
        value = program.evaluate(bindings)
        if isinstance(value, Exception):  # cel-python returns some evaluation errors as values
            raise value
        expected = case.get("swift", case.get("expect"))
        result = str(value) if isinstance(expected, str) else bool(value)
    except Exception as error:  # a rule that does not compile or evaluate is a defect too
        print(f"error: {case['cel']}: {error}")
        disagreements += 1
        continue
    if result != expected:
        given = case.get("bindings", case.get("self"))
        print(f"disagree: {case['cel']} on {json.dumps(given, sort_keys=True)}: CEL {result}, expected {expected}")
        disagreements += 1
print(f"{len(cases)} cases, {disagreements} disagreements")
sys.exit(1 if disagreements else 0)
