#!/usr/bin/env python3
"""Validates SARIF logs against the official SARIF 2.1.0 JSON schema.

Usage: validate.py SCHEMA LOG...

SCHEMA is `sarif-2.1.0.json` as Microsoft's SARIF Multitool ships it (npm `@microsoft/sarif-multitool-linux`,
installed into tests/sarif_schema/node_modules by scripts/install-test-deps). Each LOG is checked with the
validator the schema's `$schema` names (JSON Schema 2020-12), formats included (`uri`, `uri-reference`,
`date-time`, `uuid`). Prints one line per violation, `LOG: $.json.path: message`, and exits 1 when there is
any, 0 when every log is valid, 3 when it cannot validate (a package is missing, or format checking would be
skipped).
"""
import json
import sys

try:
    import jsonschema
    from jsonschema import validators
except ImportError:
    sys.stderr.write("validate.py: the Python package `jsonschema` is missing; run scripts/install-test-deps\n")
    sys.exit(3)


def by_path(error):
    """Sorts errors in document order (array indices as numbers)."""
    return [(0, part, "") if isinstance(part, int) else (1, 0, part) for part in error.absolute_path]


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: validate.py SCHEMA LOG...\n")
        return 3
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    checker = cls.FORMAT_CHECKER
    # jsonschema checks `uri` and `uri-reference` only with rfc3986-validator (or rfc3987) installed; without
    # it those formats would pass unchecked, so refuse to run rather than validate less than we claim.
    missing = {"uri", "uri-reference"} - set(checker.checkers)
    if missing:
        sys.stderr.write(
            f"validate.py: jsonschema cannot check the formats {sorted(missing)}: "
            "install rfc3986-validator (scripts/install-test-deps)\n"
        )
        return 3
    validator = cls(schema, format_checker=checker)
    bad = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            try:
                log = json.load(f)
            except json.JSONDecodeError as e:
                print(f"{path}: not JSON: {e}")
                bad += 1
                continue
        errors = sorted(validator.iter_errors(log), key=by_path)
        for error in errors:
            print(f"{path}: {error.json_path}: {error.message}")
            # The branches of a failed `anyOf`/`oneOf` say which alternative was closest.
            for sub in sorted(error.context or [], key=by_path):
                print(f"{path}:     {sub.json_path}: {sub.message}")
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
