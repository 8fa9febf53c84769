#!/bin/sh
# Builds the dflint extension into a .vsix with vsce 3 (vsce 4 needs node 22).
#
#   scripts/package.sh [--no-build] [--out FILE|DIR]
#
# The package goes to FILE, or into DIR (an existing folder, or any path ending in `/`) under its default name;
# a relative FILE or DIR is taken from the folder the script was started in. Without --out, the package is
# written into vscode-extension/ under its default name.
#
# Installs the npm dependencies when package-lock.json changed since the last install (node_modules is
# git-ignored and reused), type-checks and bundles (scripts/build.mjs), then packages.
#
# Environment:
#   DFLINT_BUNDLE_BINARY  a dflint binary to ship inside the package as bin/<platform>-<arch>/dflint (a relative
#                         path is taken from the folder the script was started in); the package is then
#                         platform-specific (vsce --target), named dflint-<target>-<version>.vsix.
#   DFLINT_VSCE_TARGET    the vsce target for a bundled binary (default: from `node -p process.platform/arch`).
set -eu

caller=$(pwd)
cd "$(dirname "$0")/.."
build=1
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --out)
      [ $# -ge 2 ] && [ -n "$2" ] || { echo "package.sh: --out needs a file or folder" >&2; exit 2; }
      out="$2"; shift ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
# The script works in vscode-extension/: a relative --out or DFLINT_BUNDLE_BINARY is the caller's.
case "$out" in
  "" | /*) ;;
  *) out="$caller/$out" ;;
esac
case "${DFLINT_BUNDLE_BINARY:-}" in
  "" | /*) ;;
  *) DFLINT_BUNDLE_BINARY="$caller/$DFLINT_BUNDLE_BINARY" ;;
esac

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
  name="dflint-$target-$version.vsix"
else
  name="dflint-$version.vsix"
fi
# vsce itself puts a package given a folder under a name of its own making: name the file here, so that the
# path printed below is the path written.
case "$out" in
  "") out="$(pwd)/$name" ;;
  */) out="${out%/}/$name" ;;
  *) [ ! -d "$out" ] || out="${out%/}/$name" ;;
esac
mkdir -p "$(dirname "$out")"

# vsce 3 is a devDependency, so npx finds it in node_modules and needs no download. Its prepublish step would
# build again what was just built (scripts/prepublish.mjs).
DFLINT_PREBUILT=1 npx --yes @vscode/vsce@3 "$@" --out "$out"
rm -rf bin
[ -f "$out" ] || { log "error: vsce wrote no $out"; exit 1; }
log "packaged $out"
