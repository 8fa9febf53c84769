#!/bin/sh
# Builds the dflint extension into a .vsix with vsce 3 (vsce 4 needs node 22).
#
#   scripts/package.sh [--no-build] [--out FILE]
#
# Installs the npm dependencies when package-lock.json changed since the last install (node_modules is
# git-ignored and reused), type-checks and bundles (scripts/build.mjs), then packages.
#
# Environment:
#   DFLINT_BUNDLE_BINARY  a dflint binary to ship inside the package as bin/<platform>-<arch>/dflint; the
#                         package is then platform-specific (vsce --target), named dflint-<target>-<version>.vsix.
#   DFLINT_VSCE_TARGET    the vsce target for a bundled binary (default: from `node -p process.platform/arch`).
set -eu

cd "$(dirname "$0")/.."
build=1
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf 'package.sh: %s\n' "$*" >&2; }

# npm ci only when the lock file differs from what was installed last time.
stamp=node_modules/.dflint-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "npm ci"
  npm ci --no-fund --no-audit --loglevel=error
  echo "$want" >"$stamp"
fi

if [ "$build" = 1 ]; then
  npm run --silent build
fi
for f in dist/extension.js media/mermaid.min.js media/graph.js; do
  [ -f "$f" ] || { log "error: $f is missing (run without --no-build)"; exit 1; }
done

version=$(node -p 'require("./package.json").version')
rm -rf bin
set -- package --no-dependencies --no-update-package-json --allow-missing-repository
if [ -n "${DFLINT_BUNDLE_BINARY:-}" ]; then
  platform=$(node -p 'process.platform + "-" + process.arch')
  target=${DFLINT_VSCE_TARGET:-$platform}
  mkdir -p "bin/$platform"
  cp "$DFLINT_BUNDLE_BINARY" "bin/$platform/dflint"
  chmod +x "bin/$platform/dflint"
  set -- "$@" --target "$target"
  [ -n "$out" ] || out="dflint-$target-$version.vsix"
else
  [ -n "$out" ] || out="dflint-$version.vsix"
fi

# vsce 3 is a devDependency, so npx finds it in node_modules and needs no download.
npx --yes @vscode/vsce@3 "$@" --out "$out"
rm -rf bin
log "packaged $(pwd)/$out"
