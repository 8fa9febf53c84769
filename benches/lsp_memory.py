"""lsp_memory.py - resident memory of a stdio language server with ten 500-line Dockerfiles open.

    python3 benches/lsp_memory.py -- target/release/dflint server
    python3 benches/lsp_memory.py -- docker-langserver --stdio

Starts the server, initializes it like an editor (push diagnostics), opens ten documents generated as
../shared/tools/lsp_probe.py generates its 500-line benchmark file (each a little different), waits until each
has its diagnostics, then reads the server's VmRSS and VmHWM (peak) from /proc. Linux only; standard library only.
"""

import json
import os
import pathlib
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "shared" / "tools"))
try:
    import lsp_probe  # the shared probe: its client and its 500-line generator
except ImportError:  # pragma: no cover
    sys.exit("lsp_memory.py needs ../shared/tools/lsp_probe.py beside the repository")


def proc_status(pid):
    out = {}
    for line in pathlib.Path("/proc/%d/status" % pid).read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024.0
    return out


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    cmd = argv[argv.index("--") + 1:]
    root = pathlib.Path(tempfile.mkdtemp(prefix="lsp_memory_"))
    client = lsp_probe.LspClient(cmd, cwd=str(root))
    client.start()
    caps = lsp_probe.client_capabilities()
    caps["textDocument"].pop("diagnostic", None)  # push diagnostics, for every server alike
    init = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": caps,
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "initializationOptions": {"diagnosticMode": "push"}}
    _, err, _ = client.request("initialize", init, timeout=30)
    if err:
        sys.exit("initialize failed: %s" % (err,))
    client.notify("initialized", {})
    base = proc_status(client.proc.pid)
    for i in range(10):
        text = lsp_probe.make_large_dockerfile(500).replace("step-", "step%d-" % i)
        path = root / ("app%d" % i) / "Dockerfile"
        path.parent.mkdir(parents=True)
        path.write_text(text)
        start = client.diag_count()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": path.as_uri(), "languageId": "dockerfile", "version": 1, "text": text}})
        t, _, _ = client.wait_diagnostics(path.as_uri(), start, 30)
        if t is None:
            sys.exit("no diagnostics for document %d" % i)
    time.sleep(0.5)
    after = proc_status(client.proc.pid)
    client.stop()
    result = {"server": " ".join(cmd), "started_rss_mib": round(base["VmRSS"], 1),
              "ten_documents_rss_mib": round(after["VmRSS"], 1), "peak_rss_mib": round(after["VmHWM"], 1)}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
