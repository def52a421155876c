#!/usr/bin/env python3
"""Lints a Helm chart with the real Helm library (PyPI helm-sdkpy, which wraps Helm v4).

Usage: helm-lint.py CHART [VALUES_JSON]

With VALUES_JSON (a JSON object), the chart is copied to a temporary directory and those values
are merged over its values.yaml first, so the templates are linted with switches turned on too.
Symbolic links (the CRD links to deploy/crds) are copied as the files they point to.

Prints one line per message. Exit status: 0 when Helm reports nothing above INFO, 1 otherwise,
2 when helm-sdkpy is missing.
"""
import asyncio
import json
import os
import shutil
import sys
import tempfile

try:
    import yaml
    from helm_sdkpy import Configuration, Lint
except ImportError as missing:
    print(f"{missing}: pip install --ignore-requires-python helm-sdkpy", file=sys.stderr)
    sys.exit(2)

SEVERITIES = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def merge(base, override):
    """Deep-merges override into base, as Helm merges --set values."""
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def lint(chart):
    # Helm's Go errors reach Python as empty objects: the path and severity are what is left.
    result = asyncio.run(Lint(Configuration()).run(chart))
    worst = 0
    for message in result.get("Messages") or []:
        severity = message.get("Severity", 0)
        worst = max(worst, severity)
        detail = message.get("Err") or ""
        print(f"{SEVERITIES.get(severity, severity)}: {message.get('Path') or '(chart)'} {detail}".rstrip())
    return worst


def main():
    chart = os.path.abspath(sys.argv[1])
    if len(sys.argv) < 3:
        return 1 if lint(chart) >= 2 else 0
    override = json.loads(sys.argv[2])
    with tempfile.TemporaryDirectory() as directory:
        # Helm requires the directory to be named after the chart.
        copy = os.path.join(directory, os.path.basename(chart))
        shutil.copytree(chart, copy, symlinks=False)
        values_path = os.path.join(copy, "values.yaml")
        with open(values_path) as file:
            values = yaml.safe_load(file) or {}
        with open(values_path, "w") as file:
            yaml.safe_dump(merge(values, override), file)
        return 1 if lint(copy) >= 2 else 0


if __name__ == "__main__":
    sys.exit(main())
