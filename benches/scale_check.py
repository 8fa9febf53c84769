"""scale_check.py - how the cost of `dflint check` grows with the size of one generated Dockerfile, load-independently.

    python3 benches/scale_check.py -- target/release/dflint                      # instructions (callgrind) and memory
    python3 benches/scale_check.py --no-callgrind -- target/release/dflint       # memory and wall clock only
    python3 benches/scale_check.py --only=stages -- target/release/dflint        # families whose name holds "stages"
    python3 benches/scale_check.py --write=DIR                                   # only write the files

The machine the project runs on is shared, so wall clock is noisy: the measure of growth here is the number of
instructions `dflint check --quiet FILE` executes, counted by `valgrind --tool=callgrind` (the same count on an idle or
a busy machine), with the maximum resident set (`/usr/bin/time -v`) beside it. Each family is generated at three sizes,
ten times apart; the cost is linear when each step multiplies the count by about ten (a fixed start-up cost makes the
first step smaller), quadratic when it multiplies it by about a hundred.

Families: lines of ../shared/tools/lsp_probe.py's multi-stage file (the language server's benchmark document);
small stages that each copy from the one before; stages that each build on the one before with a relative WORKDIR;
one ENV and one LABEL with that many `key=value` pairs on continuation lines; one RUN of that many continuation lines;
one RUN heredoc of that many lines. Prints one JSON object per file, then a markdown table. Linux only.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "shared" / "tools"))
try:
    import lsp_probe  # the shared probe's multi-stage generator
except ImportError:  # pragma: no cover
    sys.exit("scale_check.py needs ../shared/tools/lsp_probe.py beside the repository")


def stages(n):
    lines = ["FROM alpine:3.19 AS s0", "RUN echo build-0 > /out0"]
    for i in range(1, n):
        lines += ["FROM alpine:3.19 AS s%d" % i,
                  "RUN echo build-%d > /out%d" % (i, i),
                  "COPY --from=s%d /out%d /" % (i - 1, i - 1)]
    return "\n".join(lines) + "\n"


def workdir_chain(n):
    lines = ["FROM alpine:3.19 AS s0", "WORKDIR /app"]
    for i in range(1, n):
        lines += ["FROM s%d AS s%d" % (i - 1, i), "WORKDIR d%d" % i, "RUN touch f%d" % i]
    return "\n".join(lines) + "\n"


def pairs(keyword, n):
    body = "".join(" \\\n    K%d=v%d" % (i, i) for i in range(n))
    return "FROM alpine:3.19\n%s%s\nRUN true\n" % (keyword, body)


def continuations(n):
    return "FROM alpine:3.19\nRUN true \\\n" + "".join("    && echo %d \\\n" % i for i in range(n)) + "    && true\n"


def heredoc(n):
    return "FROM alpine:3.19\nRUN <<EOF\n" + "".join("echo line-%d\n" % i for i in range(n)) + "EOF\n"


FAMILIES = [
    ("lines", lsp_probe.make_large_dockerfile, (1000, 10000, 100000)),
    ("stages", stages, (100, 1000, 10000)),
    ("workdir stages", workdir_chain, (100, 1000, 10000)),
    ("ENV pairs", lambda n: pairs("ENV", n), (1000, 10000, 100000)),
    ("LABEL pairs", lambda n: pairs("LABEL", n), (1000, 10000, 100000)),
    ("continuation lines", continuations, (1000, 10000, 100000)),
    ("heredoc lines", heredoc, (1000, 10000, 100000)),
]


def measure(cmd, path, callgrind):
    """Instructions executed (callgrind), max RSS (KiB) and wall seconds of `dflint check --quiet path`."""
    out = {}
    timed = subprocess.run(["/usr/bin/time", "-f", "%M %e"] + cmd + ["check", "--quiet", str(path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rss, wall = timed.stderr.strip().splitlines()[-1].split()
    out["exit"] = timed.returncode
    out["max_rss_mib"] = round(int(rss) / 1024, 1)
    out["wall_s"] = float(wall)
    if callgrind:
        run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd
                             + ["check", "--quiet", str(path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        m = re.search(r"Collected : (\d+)", run.stderr)
        out["instructions"] = int(m.group(1)) if m else None
    return out


def main(argv):
    split = argv.index("--") if "--" in argv else len(argv)
    opts, cmd = argv[:split], argv[split + 1:]
    only = [o.split("=", 1)[1] for o in opts if o.startswith("--only=")]
    write = [o.split("=", 1)[1] for o in opts if o.startswith("--write=")]
    if not cmd and not write:
        sys.exit(__doc__)
    folder = pathlib.Path(write[0]) if write else pathlib.Path(tempfile.mkdtemp(prefix="scale_check_"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for family, make, sizes in FAMILIES:
        if only and not any(o in family for o in only):
            continue
        previous = None
        for n in sizes:
            text = make(n)
            path = folder / ("%s-%d.Dockerfile" % (family.replace(" ", "-"), n))
            path.write_text(text)
            if not cmd:
                continue
            r = {"family": family, "size": n, "bytes": len(text.encode())}
            r.update(measure(cmd, path, "--no-callgrind" not in opts))
            key = "instructions" if r.get("instructions") else "wall_s"
            r["growth"] = round(r[key] / previous, 1) if previous else None
            previous = r[key]
            print(json.dumps(r), flush=True)
            rows.append(r)
    if not cmd:
        print("wrote the files to %s" % folder)
        return
    print("| family | size | bytes | instructions | growth (x10 size) | max RSS (MiB) | wall (s) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ins = r.get("instructions")
        print("| %s | %d | %d | %s | %s | %s | %s |" % (
            r["family"], r["size"], r["bytes"], "{:,}".format(ins) if ins else "-",
            r["growth"] or "", r["max_rss_mib"], r["wall_s"]))


if __name__ == "__main__":
    main(sys.argv[1:])
