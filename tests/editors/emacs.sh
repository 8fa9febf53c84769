#!/usr/bin/env bash
# Headless Emacs with Eglot and the shipped editors/emacs/dflint-eglot.el, against `dflint server`.
#   tests/editors/emacs.sh   (DFLINT_BIN: the binary to put first on PATH; default target/debug/dflint)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${DFLINT_BIN:-$root/target/debug/dflint}"
[[ -x "$bin" ]] || { echo "FAIL emacs: no dflint binary at $bin"; exit 1; }
command -v emacs >/dev/null || { echo "FAIL emacs: emacs is not installed (scripts/install-editor-deps)"; exit 1; }
echo "$(emacs --version | head -1), $("$bin" --version)"
bindir="$(mktemp -d)"
trap 'rm -rf "$bindir"' EXIT
ln -s "$bin" "$bindir/dflint"
cd "$root"
# HOME is a fresh folder so that no user init or package state takes part.
HOME="$bindir" PATH="$bindir:$PATH" DFLINT_REPO="$root" \
  emacs --batch -q -l "$here/emacs/dflint-eglot-test.el" 2>&1
