#!/usr/bin/env python3
"""Validates SARIF logs written by `flakegate lint --format sarif`.

    python3 tests/validate/sarif.py FILE...

- The official SARIF 2.1.0 JSON schema (draft-04), as Microsoft publishes it
  in the npm package @microsoft/jest-sarif (scripts/setup.sh installs it
  globally; it is found through `npm root -g`), with Python's jsonschema.
- What GitHub code scanning needs beyond the schema: every result names a
  rule the driver declares, its location is a relative URI with a 1-based
  region, and each rule has a short description.

Exit status: 0 all valid, 1 a log is invalid (each problem is printed),
3 the schema or jsonschema is missing.
"""

import json
import os
import shutil
import subprocess
import sys

MISSING = 3
SCHEMA = os.path.join("@microsoft", "jest-sarif", "lib", "schemas", "sarif-2.1.0-rtm.5.json")


def schema_path():
    npm = shutil.which("npm")
    if npm is None:
        print("npm is not installed, so the SARIF schema cannot be found")
        sys.exit(MISSING)
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()
    path = os.path.join(root, SCHEMA)
    if not os.path.isfile(path):
        print(f"the SARIF schema is missing: npm install -g @microsoft/jest-sarif ({path})")
        sys.exit(MISSING)
    return path


def schema_problems(validator, log):
    return [
        f"schema: {'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    ]


def code_scanning_problems(log):
    problems = []
    for run in log.get("runs", []):
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        ids = {rule.get("id") for rule in rules}
        for rule in rules:
            if not rule.get("shortDescription", {}).get("text"):
                problems.append(f"rule {rule.get('id')}: no shortDescription")
        for n, result in enumerate(run.get("results", [])):
            if result.get("ruleId") not in ids:
                problems.append(f"result {n}: rule {result.get('ruleId')!r} is not declared")
            for location in result.get("locations", []):
                physical = location.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri", "")
                if not uri or uri.startswith("/") or "://" in uri:
                    problems.append(f"result {n}: location {uri!r} is not a relative URI")
                if physical.get("region", {}).get("startLine", 0) < 1:
                    problems.append(f"result {n}: region has no 1-based startLine")
    return problems


def main(paths):
    try:
        import jsonschema
    except ImportError:
        print("Python's jsonschema is missing: pip install jsonschema")
        return MISSING
    with open(schema_path(), encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    invalid = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        problems = schema_problems(validator, log) + code_scanning_problems(log)
        for problem in problems:
            print(f"{path}: {problem}")
        invalid = invalid or bool(problems)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
