#!/usr/bin/env bash
# The VS Code extension: `npm test` (type-check, bundle, unit tests, .vsix), then the end-to-end test in
# code-server + headless Chromium twice: with the real server (diagnostics, quick fix through the UI, file
# changed on disk), and with dflint.path pointing at a missing file (the extension must say what to do).
# Then, when there is a platform package with the binary inside (DFLINT_PLATFORM_VSIX, else the one
# scripts/release left in dist/), a third run installs it with no dflint.path and no `dflint` on PATH.
# DFLINT_REQUIRE_PLATFORM_VSIX=1 (scripts/test sets it) makes a missing package a failure.
# Screenshots go to tests/artifacts/ (git-ignored).
#   tests/editors/vscode.sh   (DFLINT_BIN: the server binary; default target/debug/dflint)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${DFLINT_BIN:-$root/target/debug/dflint}"
[[ -x "$bin" ]] || { echo "FAIL vscode: no dflint binary at $bin"; exit 1; }
[[ -x "$here/vscode/node_modules/.bin/code-server" ]] ||
  { echo "FAIL vscode: code-server is not installed (scripts/install-editor-deps)"; exit 1; }

cd "$root/vscode-extension"
npm test --silent || { echo "FAIL vscode: npm test"; exit 1; }
vsix="$root/vscode-extension/dflint-$(node -p 'require("./package.json").version').vsix"
[[ -f "$vsix" ]] || { echo "FAIL vscode: $vsix was not built"; exit 1; }

cd "$here/vscode"
status=0
node e2e.mjs --vsix "$vsix" --dflint "$bin" || status=1
node e2e.mjs --vsix "$vsix" --dflint "$(mktemp -u)/dflint" --expect-missing-binary || status=1

platform_vsix="${DFLINT_PLATFORM_VSIX:-}"
if [[ -z "$platform_vsix" ]]; then
  platform_vsix=$(ls -t "$root"/dist/dflint-linux-x64-*.vsix 2>/dev/null | head -1 || true)
fi
if [[ -n "$platform_vsix" && -f "$platform_vsix" ]]; then
  node e2e.mjs --vsix "$platform_vsix" --bundled || status=1
elif [[ "${DFLINT_REQUIRE_PLATFORM_VSIX:-0}" == 1 ]]; then
  echo "FAIL vscode: no platform package (${DFLINT_PLATFORM_VSIX:-dist/dflint-linux-x64-*.vsix}); run scripts/release"
  status=1
else
  echo "SKIP vscode bundled binary: no platform package in dist/ (scripts/release makes one)"
fi
exit "$status"
