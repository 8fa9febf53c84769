"""lsp_scale.py - how the costs of a stdio language server grow with the size of the document.

    python3 benches/lsp_scale.py -- target/release/dflint server
    python3 benches/lsp_scale.py --quick -- target/release/dflint server     # the smallest sizes only

Each case runs in a server of its own (so that its peak memory is its own), initialized like an editor with pushed
diagnostics. It opens one generated document, waits for its diagnostics, then measures:

- edit to diagnostics: a one-character change in the middle of the file, until the diagnostics of that version
  arrive (median of a few edits);
- hover on a name in the middle of the file, `textDocument/codeAction` for one line without `only` (from a client
  without `codeAction/resolve`, so that every action offered carries its edit), and
  `textDocument/formatting` (one call each, after the edits);
- the server's peak resident memory (VmHWM) minus what it had after `initialize`, per byte of the document.

Documents: 1k, 10k and 100k lines of ../shared/tools/lsp_probe.py's multi-stage file; 100, 1,000, 10,000 and 20,000
small stages that each copy from the one before; a 100,000-line RUN heredoc; a 5 MB file (with a safe fix in each of its
stages); one 1 MB line of `${x}`;
100,000 continuation lines. Prints one JSON object per case, then a markdown table. Linux only; standard library only.
"""

import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "shared" / "tools"))
try:
    import lsp_probe  # the shared probe: its client and its multi-stage generator
except ImportError:  # pragma: no cover
    sys.exit("lsp_scale.py needs ../shared/tools/lsp_probe.py beside the repository")


def stages(n):
    lines = ["FROM alpine:3.19 AS s0", "RUN echo build-0 > /out0"]
    for i in range(1, n):
        lines += ["FROM alpine:3.19 AS s%d" % i,
                  "RUN echo build-%d > /out%d" % (i, i),
                  "COPY --from=s%d /out%d /" % (i - 1, i - 1)]
    return "\n".join(lines) + "\n"


def heredoc(n):
    body = ["echo line-%d" % i for i in range(n)]
    return "FROM alpine:3.19\nRUN <<EOF\n" + "\n".join(body) + "\nEOF\n"


def five_mb():
    # `workdir` in lower case: a safe fix in every stage, so that "fix all" has work to do.
    text = lsp_probe.make_large_dockerfile(1000).replace("WORKDIR /src", "workdir /src")
    return text * (5 * 1024 * 1024 // len(text))


def dollar_line():
    return "FROM alpine:3.19\nRUN echo " + "${x}" * (1024 * 1024 // 4) + "\n"


def continuations(n):
    return "FROM alpine:3.19\nRUN true \\\n" + "".join("    && echo %d \\\n" % i for i in range(n)) + "    && true\n"


CASES = [
    ("1k lines", lambda: lsp_probe.make_large_dockerfile(1000), "RUN echo step-"),
    ("10k lines", lambda: lsp_probe.make_large_dockerfile(10000), "RUN echo step-"),
    ("100k lines", lambda: lsp_probe.make_large_dockerfile(100000), "RUN echo step-"),
    ("100 stages", lambda: stages(100), "COPY --from=s"),
    ("1,000 stages", lambda: stages(1000), "COPY --from=s"),
    ("10,000 stages", lambda: stages(10000), "COPY --from=s"),
    ("20,000 stages", lambda: stages(20000), "COPY --from=s"),
    ("100k-line heredoc", lambda: heredoc(100000), "echo line-"),
    ("5 MB file", five_mb, "RUN echo step-"),
    ("1 MB line of ${x}", dollar_line, "RUN echo"),
    ("100k continuation lines", lambda: continuations(100000), "    && echo"),
]
QUICK = {"1k lines", "100 stages"}


def vm(pid, key):
    for line in pathlib.Path("/proc/%d/status" % pid).read_text().splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0]) * 1024
    return 0


def middle(text, needle):
    """The (line, character) of the first occurrence of needle at or after the middle line, and the line."""
    lines = text.split("\n")
    for i in range(len(lines) // 2, len(lines)):
        j = lines[i].find(needle)
        if j >= 0:
            return i, j + len(needle), lines[i]
    for i, line in enumerate(lines):
        j = line.find(needle)
        if j >= 0:
            return i, j + len(needle), line
    raise SystemExit("no %r in the document" % needle)


def run_case(cmd, name, make, needle, edits, timeout):
    text = make()
    root = pathlib.Path(tempfile.mkdtemp(prefix="lsp_scale_"))
    path = root / "Dockerfile"
    path.write_text(text)
    uri = path.as_uri()
    client = lsp_probe.LspClient(cmd, cwd=str(root))
    client.start()
    caps = lsp_probe.client_capabilities()
    caps["textDocument"].pop("diagnostic", None)
    # Without `codeAction/resolve`, as several editors are: every offered action carries its edit.
    caps["textDocument"]["codeAction"].pop("resolveSupport", None)
    init = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": caps,
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "initializationOptions": {"diagnosticMode": "push"}}
    _, err, _ = client.request("initialize", init, timeout=30)
    if err:
        sys.exit("initialize failed: %s" % (err,))
    client.notify("initialized", {})
    time.sleep(0.2)
    base = vm(client.proc.pid, "VmRSS")
    start = client.diag_count()
    t0 = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
    t, _, _ = client.wait_diagnostics(uri, start, timeout)
    result = {"case": name, "bytes": len(text.encode()), "lines": text.count("\n")}
    result["open_ms"] = None if t is None else round((t - t0) * 1000, 1)
    line, col, line_text = middle(text, needle)
    latencies = []
    for k in range(edits):
        version = k + 2
        start = client.diag_count()
        t0 = time.perf_counter()
        # Replaces the character before `col` by itself alternately changed, so every edit does the same work.
        new = "b" if k % 2 == 0 else line_text[col - 1]
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": col - 1},
                                          "end": {"line": line, "character": col}}, "text": new}]})
        t, _, _ = client.wait_diagnostics(uri, start, timeout, min_version=version)
        latencies.append(None if t is None else (t - t0) * 1000)
    done = [x for x in latencies if x is not None]
    result["edit_to_diagnostics_ms"] = round(statistics.median(done), 2) if done else None
    result["edit_timeouts"] = len(latencies) - len(done)
    position = {"line": line, "character": col - 1}
    _, err, lat = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position},
                                 timeout=timeout)
    result["hover_ms"] = None if lat is None else round(lat, 2)
    rng = {"start": {"line": line, "character": 0}, "end": {"line": line, "character": len(line_text)}}
    _, err, lat = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": rng, "context": {"diagnostics": []}}, timeout=timeout)
    result["code_action_ms"] = None if lat is None else round(lat, 2)
    result["code_action_error"] = err
    _, err, lat = client.request("textDocument/formatting", {
        "textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}, timeout=timeout)
    result["formatting_ms"] = None if lat is None else round(lat, 2)
    peak = vm(client.proc.pid, "VmHWM")
    result["base_rss_mib"] = round(base / 2**20, 1)
    result["peak_rss_mib"] = round(peak / 2**20, 1)
    result["peak_over_base_per_byte"] = round((peak - base) / max(1, result["bytes"]), 1)
    result["stop"] = client.stop()
    return result


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    cmd = argv[argv.index("--") + 1:]
    opts = argv[:argv.index("--")]
    only = [o.split("=", 1)[1] for o in opts if o.startswith("--only=")]
    results = []
    for name, make, needle in CASES:
        if "--quick" in opts and name not in QUICK:
            continue
        if only and not any(o in name for o in only):
            continue
        try:
            r = run_case(cmd, name, make, needle, edits=5, timeout=120)
        except (BrokenPipeError, TypeError) as e:  # the server died (a crash is a result too)
            r = {"case": name, "bytes": len(make().encode()), "crashed": repr(e), "open_ms": "crashed",
                 "edit_to_diagnostics_ms": None, "hover_ms": None, "code_action_ms": None,
                 "formatting_ms": None, "peak_rss_mib": None, "peak_over_base_per_byte": None}
        print(json.dumps(r), flush=True)
        results.append(r)
    print("| document | bytes | open (ms) | edit to diagnostics (ms) | hover (ms) | codeAction, one line (ms) "
          "| formatting (ms) | peak RSS (MiB) | over base, per byte |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            r["case"], r["bytes"], r["open_ms"], r["edit_to_diagnostics_ms"], r["hover_ms"],
            r["code_action_ms"], r["formatting_ms"], r["peak_rss_mib"], r["peak_over_base_per_byte"]))


if __name__ == "__main__":
    main(sys.argv[1:])
