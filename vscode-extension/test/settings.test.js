// Unit tests of the settings sent to the server (the `.dflint.toml` schema, kebab-case keys).
const { test } = require("node:test");
const assert = require("node:assert/strict");

const { serverSettings } = require("../out/settings.js");

test("defaults leave the project's config in charge", () => {
  assert.deepEqual(serverSettings({ select: [], ignore: [], severity: {} }), {});
  assert.deepEqual(serverSettings({}), {});
});

test("set values are passed in the config file's schema", () => {
  assert.deepEqual(
    serverSettings({ select: ["DF1", "DF3"], ignore: ["DF301", " "], severity: { DF101: "error", "": "info" }, unsafeFixes: true }),
    { select: ["DF1", "DF3"], ignore: ["DF301"], severity: { DF101: "error" }, "unsafe-fixes": true },
  );
});

test("unsafe fixes are sent when the user set them, on or off", () => {
  assert.deepEqual(serverSettings({ unsafeFixes: false }), { "unsafe-fixes": false });
  assert.deepEqual(serverSettings({ unsafeFixes: true }), { "unsafe-fixes": true });
});
