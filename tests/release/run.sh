#!/usr/bin/env bash
# Checks the artifacts scripts/release made, as users get them:
# - the binary: static (no interpreter, no shared library), stripped, under 15 MB, `--version` naming this commit;
# - the tarball: its SHA-256 file verifies, it holds the same binary, LICENSE, README.md and the completions;
# - the container image: the root Dockerfile's final stage (FROM scratch, non-root, ENTRYPOINT ["dflint"]) built
#   by podman around the prebuilt binary (its Rust build stage needs a registry this machine cannot reach), run
#   on a sample folder mounted at /src with no network; and the root Dockerfile passes `dflint check`;
# - the Python wheel: installed into a fresh virtual environment without an index, `dflint` on its PATH.
# - the VS Code packaging script (vscode-extension/scripts/package.sh, as scripts/release runs it): an absolute
#   --out folder and a relative --out file, from another folder, get the package where asked and printed as such.
# The VS Code package itself is tested in code-server by tests/editors/vscode.sh (DFLINT_PLATFORM_VSIX).
#
#   tests/release/run.sh [DIST]      (default: dist/, as scripts/release writes it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dist="$(cd "${1:-$root/dist}" && pwd)"

passed=0
fail() { printf 'FAIL release: %s\n' "$*"; exit 1; }
pass() { printf 'PASS release: %s\n' "$*"; passed=$((passed + 1)); }

work="$(mktemp -d)"
image="localhost/dflint-release-test-$$"
cleanup() {
  podman rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# -- the binary -------------------------------------------------------------------------------------------
bin="$dist/dflint"
[[ -x "$bin" ]] || fail "no binary at $bin (run scripts/release)"
! readelf -lW "$bin" | grep -q 'program interpreter' || fail "$bin has a program interpreter (dynamically linked)"
! readelf -dW "$bin" 2>/dev/null | grep -q '(NEEDED)' || fail "$bin needs shared libraries"
! readelf -SW "$bin" | grep -qE '\.(debug_info|symtab) ' || fail "$bin is not stripped"
size=$(stat -c %s "$bin")
((size < 15 * 1024 * 1024)) || fail "$bin is $size bytes, over 15 MB"
version_line=$("$bin" --version)
version=$(awk '{print $2}' <<<"$version_line")
[[ "$version" == "$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)" ]] ||
  fail "--version says '$version_line', Cargo.toml another version"
if head=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
  [[ "$version_line" == *"($head "* ]] || fail "--version '$version_line' does not name HEAD ($head)"
fi
pass "static, stripped binary of $size bytes: $version_line"

# -- the tarball ------------------------------------------------------------------------------------------
name="dflint-$version-x86_64-linux"
tarball="$dist/$name.tar.gz"
[[ -f "$tarball" && -f "$tarball.sha256" ]] || fail "no $tarball or its .sha256"
(cd "$dist" && sha256sum --quiet -c "$name.tar.gz.sha256") || fail "the checksum does not match $tarball"
mkdir -p "$work/tar"
tar -C "$work/tar" -xzf "$tarball"
for f in dflint LICENSE README.md completions/dflint.bash completions/_dflint completions/dflint.fish \
  completions/_dflint.ps1 completions/dflint.elv; do
  [[ -s "$work/tar/$name/$f" ]] || fail "$name.tar.gz lacks $name/$f"
done
cmp -s "$bin" "$work/tar/$name/dflint" || fail "the tarball's binary differs from $bin"
cmp -s "$root/LICENSE" "$work/tar/$name/LICENSE" || fail "the tarball's LICENSE differs"
grep -q "complete" "$work/tar/$name/completions/dflint.bash" || fail "the bash completion script is not one"
pass "$name.tar.gz ($(stat -c %s "$tarball") bytes): checksum, binary, LICENSE, README.md, five completion scripts"

# -- samples ----------------------------------------------------------------------------------------------
# World-readable, as the image runs as an unprivileged user.
mkdir -p "$work/sample/bad" "$work/sample/clean"
printf 'FROM alpine:latest\nRUN echo hi\n' >"$work/sample/bad/Dockerfile"
printf 'FROM alpine:3.20\nRUN echo hi\n' >"$work/sample/clean/Dockerfile"
printf 'select = ["DF301", "DF501"]\n' >"$work/sample/.dflint.toml"
chmod -R a+rX "$work"

# -- the container image ----------------------------------------------------------------------------------
out=$("$bin" check "$root/Dockerfile" 2>&1) || fail "the root Dockerfile has findings:"$'\n'"$out"
pass "dflint check Dockerfile: $out"

# The build context holds the prebuilt binary where the build stage puts it; the final stage is the root
# Dockerfile's own text, from its last FROM to the end.
mkdir -p "$work/image/usr/local/bin"
cp "$bin" "$work/image/usr/local/bin/dflint"
{
  printf 'FROM scratch AS build\nCOPY usr/local/bin/dflint /usr/local/bin/dflint\n\n'
  awk '/^FROM /{n=NR} {line[NR]=$0} END{for(i=n;i<=NR;i++) print line[i]}' "$root/Dockerfile"
} >"$work/image/Containerfile"
grep -q '^FROM scratch' <(awk '/^FROM /{f=$0} END{print f}' "$root/Dockerfile") ||
  fail "the root Dockerfile's final stage is not FROM scratch"
podman build --pull=never -q -t "$image" -f "$work/image/Containerfile" "$work/image" >/dev/null ||
  fail "podman build of the final stage failed"
user=$(podman image inspect --format '{{.Config.User}}' "$image")
entrypoint=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$image")
[[ -n "$user" && "$user" != 0* && "$user" != root* ]] || fail "the image runs as '$user'"
[[ "$entrypoint" == '["dflint"]' ]] || fail "the image's entrypoint is $entrypoint"
layers=$(podman image inspect --format '{{len .RootFS.Layers}}' "$image")
in_image=$(podman image inspect --format '{{.Size}}' "$image")
got=$(podman run --rm --network none "$image" --version) || fail "podman run IMAGE --version failed"
[[ "$got" == "$version_line" ]] || fail "in the image: '$got'"
set +e
out=$(podman run --rm --network none -v "$work/sample:/src:ro" "$image" check /src 2>&1)
status=$?
set -e
((status == 1)) || fail "podman run -v sample:/src IMAGE check /src: exit $status"$'\n'"$out"
grep -qF "/src/bad/Dockerfile" <<<"$out" && grep -qF "DF301" <<<"$out" ||
  fail "the image's check did not report DF301 in /src/bad/Dockerfile:"$'\n'"$out"
! grep -qF "clean/Dockerfile" <<<"$out" || fail "the clean sample has findings:"$'\n'"$out"
out=$(podman run --rm --network none -v "$work/sample:/src:ro" "$image" check /src/clean 2>&1) ||
  fail "the clean sample fails in the image:"$'\n'"$out"
pass "image from the final stage ($in_image bytes, $layers layer(s), user $user, entrypoint $entrypoint): --version, check /src"

# -- the Python wheel -------------------------------------------------------------------------------------
shopt -s nullglob
wheels=("$dist"/dflint-"$version"-*.whl)
shopt -u nullglob
((${#wheels[@]} == 1)) || fail "expected one dflint-$version wheel in $dist, found ${#wheels[@]}"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index --disable-pip-version-check "${wheels[0]}" ||
  fail "pip install ${wheels[0]} failed"
[[ -x "$work/venv/bin/dflint" ]] || fail "the wheel put no dflint in the venv's bin"
got=$(env -i PATH="$work/venv/bin:/usr/bin:/bin" dflint --version)
[[ "$got" == "$version_line" ]] || fail "the wheel's dflint says '$got'"
set +e
out=$(cd "$work/sample" && env -i PATH="$work/venv/bin:/usr/bin:/bin" dflint check . 2>&1)
status=$?
set -e
((status == 1)) && grep -qF "DF301" <<<"$out" || fail "the wheel's dflint check: exit $status"$'\n'"$out"
pass "$(basename "${wheels[0]}") ($(stat -c %s "${wheels[0]}") bytes): installed in a fresh venv, --version, check"

# -- the VS Code packaging script's --out ----------------------------------------------------------------
# scripts/release made the bundle and installed the npm dependencies: --no-build packages what is there.
package="$root/vscode-extension/scripts/package.sh"
[[ -f "$root/vscode-extension/dist/extension.js" ]] || fail "no vscode-extension/dist/extension.js (run scripts/release)"
before=$(cd "$root/vscode-extension" && find . -path ./node_modules -prune -o -print | sort)
mkdir -p "$work/vsix/abs" "$work/elsewhere"
log=$(cd "$work/elsewhere" && DFLINT_BUNDLE_BINARY="$bin" DFLINT_VSCE_TARGET=linux-x64 \
  sh "$package" --no-build --out "$work/vsix/abs" 2>&1) || fail "package.sh --out $work/vsix/abs failed:"$'\n'"$log"
want="$work/vsix/abs/dflint-linux-x64-$version.vsix"
[[ -f "$want" ]] || fail "package.sh --out <absolute folder> wrote no $want:"$'\n'"$(ls -R "$work/vsix")"
grep -qxF "package.sh: packaged $want" <<<"$log" || fail "package.sh printed another path than $want:"$'\n'"$log"
zip_member() { python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$@"; }
zip_member "$want" extension/bin/linux-x64/dflint | cmp -s - "$bin" || fail "$want does not hold $bin"
log=$(cd "$work/elsewhere" && sh "$package" --no-build --out rel/dflint.vsix 2>&1) ||
  fail "package.sh --out rel/dflint.vsix failed:"$'\n'"$log"
want="$work/elsewhere/rel/dflint.vsix"
[[ -f "$want" ]] || fail "package.sh --out <relative file> wrote no $want"
grep -qxF "package.sh: packaged $want" <<<"$log" || fail "package.sh printed another path than $want:"$'\n'"$log"
zip_member "$want" extension/package.json | grep -qF '"name": "dflint"' || fail "$want is not dflint's VS Code package"
after=$(cd "$root/vscode-extension" && find . -path ./node_modules -prune -o -print | sort)
[[ "$before" == "$after" ]] || fail "package.sh left files in vscode-extension/:"$'\n'"$(diff <(echo "$before") <(echo "$after"))"
pass "package.sh --out: an absolute folder (with the binary inside) and a relative file, from another folder"

echo "release: $passed passed, 0 failed"
