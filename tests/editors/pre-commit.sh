#!/usr/bin/env bash
# Tests the shipped .pre-commit-hooks.yaml as users run it. The `language: rust` hooks run through `pre-commit run`
# with a config that names this checkout at a commit, as a project's .pre-commit-config.yaml does: pre-commit
# clones it and builds dflint with `cargo install --bins --path .`, once, since the three runs share the test's
# pre-commit store (dflint and dflint-fix use one environment). The `language: system` hooks run through
# `pre-commit try-repo <checkout> <hook>`, the README's way to try them, with the binary in DFLINT_BIN (default
# target/debug/dflint) alone on PATH.
#
#   tests/editors/pre-commit.sh [CHECKOUT]
#
# CHECKOUT defaults to this repository (DFLINT_PRECOMMIT_REPO overrides). Both ways take the committed HEAD plus
# changes to tracked files (for the rust hooks, committed in a clone, as try-repo does): untracked files are not
# part of what is built.
#
# Two settings keep the build affordable; neither touches the hooks file or what pre-commit runs:
# - CARGO_TARGET_DIR points at target/pre-commit (git-ignored, kept between runs), so only the workspace
#   crates are rebuilt after the first time (DFLINT_PRECOMMIT_TARGET_DIR moves it);
# - the release profile is compiled without optimisation and debug info (CARGO_PROFILE_RELEASE_*), which
#   cuts the first build from about 5 minutes to 2 on 2 cores and each later one from about 30 s to 10 s.
#   DFLINT_PRECOMMIT_RELEASE=1 keeps the profile as Cargo.toml has it (what users' pre-commit builds).
#
# pre-commit's `cargo install` has no --locked: it resolves the dependencies afresh, from crates.io when the network
# is there. Without a network, CARGO_NET_OFFLINE=true makes cargo resolve from the crates in its local registry
# cache, and the whole suite passes that way too (the versions are then the newest cached ones, not Cargo.lock's).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repo="${1:-${DFLINT_PRECOMMIT_REPO:-$root}}"
export CARGO_TARGET_DIR="${DFLINT_PRECOMMIT_TARGET_DIR:-$root/target/pre-commit}"
if [[ "${DFLINT_PRECOMMIT_RELEASE:-0}" != 1 ]]; then
  export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=0
fi
# Cargo's own progress output would fill the log; pre-commit shows it only on failure anyway.
export CARGO_TERM_PROGRESS_WHEN=never

fail() { printf 'FAIL pre-commit: %s\n' "$*"; exit 1; }
pass() { printf 'PASS pre-commit: %s\n' "$*"; }
command -v pre-commit >/dev/null || fail "pre-commit is not installed (scripts/install-editor-deps)"
[[ -f "$repo/.pre-commit-hooks.yaml" ]] || fail "$repo has no .pre-commit-hooks.yaml"
git -C "$repo" ls-files --error-unmatch .pre-commit-hooks.yaml >/dev/null 2>&1 ||
  fail ".pre-commit-hooks.yaml is not committed in $repo (pre-commit only sees tracked files)"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
work="$scratch/project"
# The rust hooks' config: the checkout at HEAD, or, with changes to tracked files, a clone with them committed.
source_repo="$repo"
if ! git -C "$repo" diff --quiet HEAD --; then
  source_repo="$scratch/checkout"
  git clone -q "$repo" "$source_repo"
  git -C "$repo" diff HEAD --binary | git -C "$source_repo" apply --index
  git -C "$source_repo" -c user.email=test@example.com -c user.name=test commit -q -m "uncommitted changes"
fi
cat >"$scratch/pre-commit-config.yaml" <<EOF
repos:
  - repo: $source_repo
    rev: $(git -C "$source_repo" rev-parse HEAD)
    hooks:
      - id: dflint
      - id: dflint-fix
EOF
export PRE_COMMIT_HOME="$scratch/store"
mkdir -p "$work"
cd "$work"
git init -q .
git config user.email test@example.com
git config user.name test

# Problems with safe fixes only, so that after dflint-fix the check passes: `from` in lower case among upper
# case instructions (DF501) and the legacy `ENV key value` form (DF503).
bad=$'from alpine:3.19\nENV APP_HOME /srv/app\nRUN echo hello\nWORKDIR /srv/app\n'
fixed=$'FROM alpine:3.19\nENV APP_HOME=/srv/app\nRUN echo hello\nWORKDIR /srv/app\n'
printf '%s' "$bad" >Dockerfile
mkdir -p build
printf '%s' "$bad" >build/app.dockerfile
# Only the rules the test is about, so that rules added later do not change what it sees.
printf 'select = ["DF501", "DF503", "DF505"]\n' >.dflint.toml
# Prose that dflint would report as unknown instructions if the hook's file filter let it through.
printf 'This project builds an image.\nRun it with care.\n' >README.md
git add -A
files=(Dockerfile build/app.dockerfile README.md)

run_hook() { # hook-id -> sets $out and $status
  local t0=$SECONDS how
  set +e
  case "$1" in
    *-system)
      how=try-repo
      out="$(pre-commit try-repo "$repo" "$1" --verbose --color never --files "${files[@]}" 2>&1)"
      ;;
    *)
      how=run
      out="$(pre-commit run "$1" --config "$scratch/pre-commit-config.yaml" --verbose --color never \
        --files "${files[@]}" 2>&1)"
      ;;
  esac
  status=$?
  set -e
  printf '%s\n' "$out" | sed 's/^/    | /'
  printf '  (%s %s: exit %s, %s s)\n' "$how" "$1" "$status" "$((SECONDS - t0))"
}

echo "== run $source_repo dflint (expect findings)"
run_hook dflint
((status != 0)) || fail "dflint passed on a Dockerfile with known problems"
for want in "Dockerfile:1" "DF501" "DF503" "build/app.dockerfile:2"; do
  grep -qF -- "$want" <<<"$out" || fail "dflint output lacks '$want'"
done
! grep -qF "README.md" <<<"$out" || fail "README.md was passed to dflint"
pass "dflint failed with DF501 and DF503 in Dockerfile and build/app.dockerfile, README.md left alone"

echo "== run $source_repo dflint-fix (expect rewritten files)"
run_hook dflint-fix
((status != 0)) || fail "dflint-fix reported success although it had to modify files"
grep -qF "files were modified by this hook" <<<"$out" || fail "pre-commit did not see dflint-fix modify files"
[[ "$(cat Dockerfile)" == "${fixed%$'\n'}" ]] || fail "Dockerfile after dflint-fix:"$'\n'"$(cat Dockerfile)"
[[ "$(cat build/app.dockerfile)" == "${fixed%$'\n'}" ]] || fail "build/app.dockerfile after dflint-fix:"$'\n'"$(cat build/app.dockerfile)"
[[ "$(cat README.md)" == $'This project builds an image.\nRun it with care.' ]] || fail "README.md was changed"
pass "dflint-fix rewrote both Dockerfiles"

echo "== run $source_repo dflint (expect a pass after the fix)"
git add -A
run_hook dflint
((status == 0)) || fail "dflint still fails after dflint-fix"
grep -qE "^dflint\.+Passed" <<<"$out" || fail "pre-commit did not report dflint as Passed"
pass "dflint passes on the fixed files"

# The system hooks run whatever `dflint` is on PATH: here only the binary under test is.
bin="${DFLINT_BIN:-$root/target/debug/dflint}"
[[ -x "$bin" ]] || fail "no dflint binary at $bin for the system hooks"
mkdir -p "$work/.path"
ln -sf "$bin" "$work/.path/dflint"
printf '.path/\n' >.git/info/exclude
printf '%s' "$bad" >Dockerfile
printf '%s' "$bad" >build/app.dockerfile
git add -A
plain_path=$PATH
export PATH="$work/.path:$(dirname "$(command -v pre-commit)"):/usr/bin:/bin"
echo "== try-repo $repo dflint-system (expect findings)"
run_hook dflint-system
((status != 0)) || fail "dflint-system passed on a Dockerfile with known problems"
for want in "Dockerfile:1" "DF501" "DF503" "build/app.dockerfile:2"; do
  grep -qF -- "$want" <<<"$out" || fail "dflint-system output lacks '$want'"
done
pass "dflint-system failed with DF501 and DF503, with no build"

echo "== try-repo $repo dflint-fix-system (expect rewritten files)"
run_hook dflint-fix-system
((status != 0)) || fail "dflint-fix-system reported success although it had to modify files"
[[ "$(cat Dockerfile)" == "${fixed%$'\n'}" ]] || fail "Dockerfile after dflint-fix-system:"$'\n'"$(cat Dockerfile)"
git add -A
run_hook dflint-system
((status == 0)) || fail "dflint-system still fails after dflint-fix-system"
pass "dflint-fix-system rewrote the files and dflint-system passes on them"
export PATH=$plain_path
echo "pre-commit: 5 passed, 0 failed"
