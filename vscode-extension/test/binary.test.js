// Unit tests of the binary look-up and the version check (plain node: `npm run unit` after `npm run build`).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { findBinary, BinaryNotFound, versionWarning, majorMinor, platformDir } = require("../out/binary.js");

function tempTree() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "dflint-ext-"));
  const exe = (rel) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "#!/bin/sh\necho dflint 0.1.0\n");
    fs.chmodSync(file, 0o755);
    return file;
  };
  return { root, exe };
}

const linux = { platform: "linux", arch: "x64" };

test("the setting wins over the bundled binary and PATH", () => {
  const { root, exe } = tempTree();
  const own = exe("own/dflint");
  exe(`ext/bin/${platformDir("linux", "x64")}/dflint`);
  exe("pathdir/dflint");
  const found = findBinary({ ...linux, setting: own, extensionPath: path.join(root, "ext"), env: { PATH: path.join(root, "pathdir") } });
  assert.deepEqual(found, { path: own, source: "setting" });
});

test("the bundled binary comes before PATH", () => {
  const { root, exe } = tempTree();
  const bundled = exe("ext/bin/linux-x64/dflint");
  exe("pathdir/dflint");
  const found = findBinary({ ...linux, setting: "", extensionPath: path.join(root, "ext"), env: { PATH: path.join(root, "pathdir") } });
  assert.deepEqual(found, { path: bundled, source: "bundled" });
});

test("a bundled binary for another platform is not used; PATH is", () => {
  const { root, exe } = tempTree();
  exe("ext/bin/darwin-arm64/dflint");
  const onPath = exe("pathdir/dflint");
  const found = findBinary({ ...linux, setting: undefined, extensionPath: path.join(root, "ext"), env: { PATH: `/nonexistent:${path.join(root, "pathdir")}` } });
  assert.deepEqual(found, { path: onPath, source: "path" });
});

test("nothing found: the error says how to install or configure", () => {
  const { root } = tempTree();
  assert.throws(
    () => findBinary({ ...linux, setting: "", extensionPath: path.join(root, "ext"), env: { PATH: path.join(root, "empty") } }),
    (e) => e instanceof BinaryNotFound && /cargo install/.test(e.message) && /dflint\.path/.test(e.message),
  );
});

test("a dflint.path that does not exist is an error, not a fall-back", () => {
  const { root, exe } = tempTree();
  exe("pathdir/dflint");
  assert.throws(
    () => findBinary({ ...linux, setting: path.join(root, "missing/dflint"), extensionPath: root, env: { PATH: path.join(root, "pathdir") } }),
    (e) => e instanceof BinaryNotFound && e.message.includes("missing/dflint") && /not an executable/.test(e.message),
  );
});

test("a non-executable file is not a binary", () => {
  const { root } = tempTree();
  const file = path.join(root, "plain");
  fs.writeFileSync(file, "");
  fs.chmodSync(file, 0o644);
  assert.throws(() => findBinary({ ...linux, setting: file, extensionPath: root, env: { PATH: "" } }), BinaryNotFound);
});

test("relative and ~ settings", () => {
  const { root, exe } = tempTree();
  const inWs = exe("ws/target/debug/dflint");
  assert.equal(findBinary({ ...linux, setting: "target/debug/dflint", workspaceFolder: path.join(root, "ws"), extensionPath: root, env: {} }).path, inWs);
  const inHome = exe("home/.cargo/bin/dflint");
  assert.equal(findBinary({ ...linux, setting: "~/.cargo/bin/dflint", homedir: path.join(root, "home"), extensionPath: root, env: {} }).path, inHome);
  const named = exe("pathdir/dflint-nightly");
  assert.equal(findBinary({ ...linux, setting: "dflint-nightly", extensionPath: root, env: { PATH: path.join(root, "pathdir") } }).path, named);
});

test("version check compares major.minor", () => {
  assert.equal(majorMinor("dflint 0.1.7\n"), "0.1");
  assert.equal(versionWarning("dflint 0.1.7", "0.1.0"), undefined);
  assert.match(versionWarning("dflint 0.2.0", "0.1.0"), /0\.2\.x is installed.*expects 0\.1\.x/);
  assert.match(versionWarning("dflint 1.1.0", "0.1.0"), /expects 0\.1\.x/);
  assert.match(versionWarning("garbage", "0.1.0"), /Could not read/);
});
