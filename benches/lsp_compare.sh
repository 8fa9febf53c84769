#!/usr/bin/env bash
# Language servers side by side: `dflint server` and docker-langserver (dockerfile-language-server-nodejs), driven in
# the same run by ../shared/tools/lsp_probe.py (latencies, features) and benches/lsp_memory.py (ten documents open).
#
#   benches/lsp_compare.sh                 # builds dflint in release, installs the peer in a scratch folder
#   DFLINT_CMD="path/to/dflint server" benches/lsp_compare.sh
#
# The peer goes to $DFLINT_BENCH_DIR (default: $TMPDIR/dflint-lsp-bench), never into the repository.
# Results (JSON and the probes' reports) go to $DFLINT_BENCH_DIR/results.
set -euo pipefail
cd "$(dirname "$0")/.."
probe=../shared/tools/lsp_probe.py
bench_dir=${DFLINT_BENCH_DIR:-${TMPDIR:-/tmp}/dflint-lsp-bench}
peer_version=${DLS_VERSION:-0.15.0}
out=$bench_dir/results
mkdir -p "$out"

if [[ -z "${DFLINT_CMD:-}" ]]; then
  cargo build --release --quiet
  DFLINT_CMD="$PWD/target/release/dflint server"
fi
read -r -a dflint <<<"$DFLINT_CMD"
peer=$bench_dir/node_modules/.bin/docker-langserver
if [[ ! -x $peer ]]; then
  npm install --prefix "$bench_dir" --no-audit --no-fund --silent "dockerfile-language-server-nodejs@$peer_version"
fi

run() { # name, probe options..., -- command...
  local name=$1
  shift
  python3 "$probe" --json-out "$out/$name.json" "$@" >"$out/$name.txt" 2>&1
}
run dflint-push --init-options '{"diagnosticMode":"push"}' -- "${dflint[@]}"
run dflint-pull --diag-mode pull -- "${dflint[@]}"
run peer --diag-mode push -- "$peer" --stdio
python3 benches/lsp_memory.py -- "${dflint[@]}" >"$out/dflint-memory.json"
python3 benches/lsp_memory.py -- "$peer" --stdio >"$out/peer-memory.json"

python3 - "$out" <<'EOF'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
def load(name):
    return json.loads((out / name).read_text())
push, pull, peer = load("dflint-push.json"), load("dflint-pull.json"), load("peer.json")
mem_d, mem_p = load("dflint-memory.json"), load("peer-memory.json")
def lat(r, key):
    s = r["benchmark"][key]
    return "%.2f / %.2f" % (s["median"], s["p95"]) if s else "n/a"
def req(r, key):
    s = r["benchmark"]["request_latency_500_lines"][key]
    return "%.2f" % s["median"] if isinstance(s, dict) else s
rows = [
    ("start to `initialize` answer (ms)", "%.1f" % push["spawn_to_initialized_ms"], "%.1f" % peer["spawn_to_initialized_ms"], "< 20"),
    ("open to first diagnostics, 30-line sample (ms)", push["open_to_first_diagnostics_ms"], peer["open_to_first_diagnostics_ms"], ""),
    ("open to first diagnostics, 500 lines (ms)", push["benchmark"]["open_to_diagnostics_ms"], peer["benchmark"]["open_to_diagnostics_ms"], "< 10"),
    ("edit to diagnostics, 500 lines, median / p95 (ms)", lat(push, "sequential_latency"), lat(peer, "sequential_latency"), "< 2 / < 5"),
    ("edit to pulled diagnostics, 500 lines, median / p95 (ms)", lat(pull, "sequential_latency"), "no pull", ""),
    ("burst of 50 edits: publishes", push["benchmark"]["burst"]["publishes"], peer["benchmark"]["burst"]["publishes"], "a handful"),
    ("burst of 50 edits: last diagnostics after the first edit (ms)", push["benchmark"]["burst"]["to_last_diagnostics_ms"], peer["benchmark"]["burst"]["to_last_diagnostics_ms"], "< 50 after the burst"),
    ("semantic tokens, 500 lines, median (ms)", req(push, "semanticTokens/full"), req(peer, "semanticTokens/full"), "< 2"),
    ("hover, 500 lines, median (ms)", req(push, "hover RUN"), req(peer, "hover RUN"), ""),
    ("document symbols, 500 lines, median (ms)", req(push, "documentSymbol"), req(peer, "documentSymbol"), ""),
    ("formatting, 500 lines, median (ms)", req(push, "formatting"), req(peer, "formatting"), ""),
    ("RSS with ten 500-line documents open (MiB)", mem_d["ten_documents_rss_mib"], mem_p["ten_documents_rss_mib"], "< 20"),
    ("peak RSS, probe run (MiB)", round(push["server_peak_rss_kib"] / 1024, 1), round(peer["server_peak_rss_kib"] / 1024, 1), ""),
]
print("| measure | dflint server | docker-langserver | target |")
print("|---|---|---|---|")
for name, d, p, t in rows:
    print("| %s | %s | %s | %s |" % (name, d, p, t))
EOF
