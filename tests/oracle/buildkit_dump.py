#!/usr/bin/env python3
"""BuildKit's reading of Dockerfiles, printed exactly as `dflint dump` prints dflint's.

For each path given, prints one JSON line:
  {"file", "ok": true, "instructions": [{"cmd", "sub_cmd", "json", "flags", "value",
                                          "heredocs": [{"name", "content"}], "start_line", "end_line"}]}
  {"file", "ok": false, "error"}                         BuildKit rejects the file
  {"file", "ok": false, "error", "oracle_failure": true}  the wrapper could not report (not BuildKit's verdict)

It uses the `dockerfile` package (PyPI, 3.4.0), which wraps BuildKit's own Go parser.
Install it with scripts/install-test-deps.
"""
import json
import os
import sys

try:
    import dockerfile
except ImportError:
    sys.stderr.write(
        "buildkit_dump.py: the Python package `dockerfile` is missing; run scripts/install-test-deps\n"
    )
    sys.exit(3)


def lower(s):
    return None if s is None else s.lower()


def read(path):
    try:
        commands = dockerfile.parse_file(path)
    except dockerfile.GoParseError as e:
        return {"file": path, "ok": False, "error": str(e)}
    except dockerfile.GoIOError as e:
        return {"file": path, "ok": False, "error": f"io: {e}", "oracle_failure": True}
    except Exception as e:  # e.g. UnicodeDecodeError: BuildKit parsed it, the wrapper cannot show it
        return {
            "file": path,
            "ok": False,
            "error": f"{type(e).__name__}: {e}",
            "oracle_failure": True,
        }
    return {
        "file": path,
        "ok": True,
        "instructions": [
            {
                "cmd": lower(c.cmd),
                "sub_cmd": lower(c.sub_cmd),
                "json": c.json,
                "flags": list(c.flags),
                "value": list(c.value),
                "heredocs": [{"name": h.name, "content": h.content} for h in c.heredocs],
                "start_line": c.start_line,
                "end_line": c.end_line,
            }
            for c in commands
        ],
    }


def main(paths):
    # The Go side may print warnings on stdout; keep stdout for our JSON lines only.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    for path in paths:
        out.write(json.dumps(read(path), ensure_ascii=False) + "\n")
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
