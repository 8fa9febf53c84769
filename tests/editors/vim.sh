#!/usr/bin/env bash
# Headless Vim with ALE (Debian's vim-ale) and the shipped editors/vim/ale.vim, against `dflint server`.
#   tests/editors/vim.sh   (DFLINT_BIN: the binary to put first on PATH; default target/debug/dflint)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${DFLINT_BIN:-$root/target/debug/dflint}"
[[ -x "$bin" ]] || { echo "FAIL vim: no dflint binary at $bin"; exit 1; }
command -v vim >/dev/null || { echo "FAIL vim: vim is not installed (scripts/install-editor-deps)"; exit 1; }
[[ -d /usr/share/vim-ale ]] || { echo "FAIL vim: ALE is not installed (Debian's vim-ale)"; exit 1; }
echo "$(vim --version | head -1), ALE $(dpkg-query -W -f='${Version}' vim-ale), $("$bin" --version)"
bindir="$(mktemp -d)"
trap 'rm -rf "$bindir"' EXIT
ln -s "$bin" "$bindir/dflint"
cd "$root"
status=0
PATH="$bindir:$PATH" DFLINT_REPO="$root" DFLINT_OUT="$bindir/out" \
  vim -N -u NONE -i NONE -es -S "$here/vim/ale_test.vim" </dev/null || status=$?
cat "$bindir/out" 2>/dev/null || echo "FAIL vim: the test wrote nothing"
exit "$status"
