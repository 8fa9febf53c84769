#!/usr/bin/env bash
# Headless Neovim (Debian's 0.7.2 here) with the shipped editors/neovim/lsp/dflint.lua, against `dflint server`.
#   tests/editors/neovim.sh   (DFLINT_BIN: the binary to put first on PATH; default target/debug/dflint)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${DFLINT_BIN:-$root/target/debug/dflint}"
[[ -x "$bin" ]] || { echo "FAIL neovim: no dflint binary at $bin"; exit 1; }
command -v nvim >/dev/null || { echo "FAIL neovim: nvim is not installed (scripts/install-editor-deps)"; exit 1; }
echo "$(nvim --version | head -1), $("$bin" --version)"
# The shipped config runs `dflint` from PATH, as users have it.
bindir="$(mktemp -d)"
trap 'rm -rf "$bindir"' EXIT
ln -s "$bin" "$bindir/dflint"
cd "$root"
PATH="$bindir:$PATH" DFLINT_REPO="$root" \
  nvim --headless -u NONE -i NONE -n -c "luafile $here/neovim/dflint_test.lua"
