#!/usr/bin/env bash
# The VS Code extension: `npm test` (type-check, bundle, unit tests, .vsix), then the end-to-end test in
# code-server + headless Chromium twice: with the real server (diagnostics, quick fix through the UI, file
# changed on disk), and with dflint.path pointing at a missing file (the extension must say what to do).
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
exit "$status"
