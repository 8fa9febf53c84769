#!/usr/bin/env python3
"""Agreement of dflint's native ShellCheck rules (the `shell` category) with the real `shellcheck` program.

Runs `dflint check --select shell --shellcheck --shellcheck-all-codes --format json` over the corpus: one run gives
both dflint's own findings (DF701-DF710) and the program's (DF799, message `SCxxxx: ...`) on the very same scripts
(each RUN's script as dflint reads it, with the ARG/ENV in force exported and the stage's SHELL as shebang, as
hadolint does). A finding agrees when both report the code at the same line and column (for SC1072, the parse error,
anywhere in the same file: the two parsers stop at different places).

Usage: benches/shellcheck_agreement.py [DFLINT_BINARY] (default: target/release/dflint, else target/debug/dflint)
Environment: DFLINT_CORPUS (default ../shared/corpus/public beside the repository).
"""
import collections
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get("DFLINT_CORPUS", os.path.join(ROOT, "..", "shared", "corpus", "public"))


def dflint_binary():
    if len(sys.argv) > 1:
        return os.path.abspath(sys.argv[1])
    for profile in ("release", "debug"):
        path = os.path.join(ROOT, "target", profile, "dflint")
        if os.path.exists(path):
            return path
    sys.exit("build dflint first (cargo build)")


def files():
    out = []
    for dirpath, _, names in os.walk(CORPUS):
        out.extend(os.path.join(dirpath, n) for n in names)
    return sorted(out)


def findings(binary, paths):
    out = []
    for i in range(0, len(paths), 200):
        run = subprocess.run(
            [binary, "check", "--select", "shell", "--shellcheck", "--shellcheck-all-codes", "--format", "json"]
            + paths[i : i + 200],
            capture_output=True,
            text=True,
            cwd=CORPUS,
        )
        out.extend(json.loads(run.stdout or "[]"))
    return out


def main():
    binary = dflint_binary()
    diags = findings(binary, files())
    rules = json.loads(subprocess.run([binary, "rules", "--format", "json"], capture_output=True, text=True).stdout)
    native = {}
    for r in rules:
        for p in r.get("peers", []):
            if p["tool"] == "ShellCheck":
                native.setdefault(r["code"], (r["name"], p["code"]))
    ours = collections.defaultdict(set)
    theirs = collections.defaultdict(set)
    for d in diags:
        start = d["range"]["start"]
        key = (d["file"], start["line"], start["column"])
        if d["code"] == "DF799":
            code = d["message"].split(":", 1)[0]
            theirs[code].add(key)
        elif d["code"] in native:
            ours[native[d["code"]][1]].add(key)
    print("| SC code | dflint rule | dflint | shellcheck | both | agreement |")
    print("|---|---|---:|---:|---:|---:|")
    for code, (name, sc) in sorted(native.items()):
        a, b = ours[sc], theirs[sc]
        if sc == "SC1072":
            a = {(f, 0, 0) for f, _, _ in a}
            b = {(f, 0, 0) for f, _, _ in b}
        both = len(a & b)
        union = len(a | b)
        agreement = f"{100 * both / union:.0f}%" if union else "n/a"
        print(f"| {sc} | `{name}` ({code}) | {len(a)} | {len(b)} | {both} | {agreement} |")
    if os.environ.get("VERBOSE"):
        for sc in sorted(theirs):
            a, b = ours.get(sc, set()), theirs[sc]
            for k in sorted(a - b)[:20]:
                print("dflint only", sc, *k)
            for k in sorted(b - a)[:20]:
                print("shellcheck only", sc, *k)


if __name__ == "__main__":
    main()
