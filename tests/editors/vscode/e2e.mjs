// End-to-end test of the dflint VS Code extension in a real VS Code (code-server), driven through its UI by
// headless Chromium. Run by tests/editors/vscode.sh, which builds the .vsix and the binary first.
//
//   node e2e.mjs --vsix FILE --dflint PATH [--expect-missing-binary] [--artifacts DIR]
//   node e2e.mjs --vsix PLATFORM_VSIX --bundled [--artifacts DIR]
//
// Default mode: installs the .vsix, opens a folder with a Dockerfile with known problems, waits for dflint's
// diagnostics in the Problems panel, applies the DF503 quick fix from the Ctrl+. menu, saves, and checks the
// file on disk and the refreshed Problems panel; then "dflint: Fix all", a settings change, and
// "dflint: Show stage graph". It fails when the server does not answer, so a pass proves
// the server ran. With --expect-missing-binary (dflint.path set to a missing file) it checks instead that the
// extension says what to do and that no diagnostics appear. With --bundled (a platform package with the binary
// inside, no dflint.path, and no `dflint` on the PATH code-server gets) it checks the diagnostics and the stage
// graph, and that the extension says it started the bundled binary.
//
// Environment: CODE_SERVER (default: node_modules/.bin/code-server), CHROMIUM (default: /usr/bin/chromium),
// DFLINT_E2E_TIMEOUT_MS (per step, default 60000).
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const run = promisify(execFile);

function parseArgs(argv) {
  const args = { artifacts: path.join(repoRoot, "tests/artifacts"), expectMissing: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--vsix") args.vsix = path.resolve(argv[++i]);
    else if (a === "--dflint") args.dflint = argv[++i];
    else if (a === "--artifacts") args.artifacts = path.resolve(argv[++i]);
    else if (a === "--expect-missing-binary") args.expectMissing = true;
    else if (a === "--bundled") args.bundled = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.vsix || !(args.dflint || args.bundled)) {
    throw new Error("usage: e2e.mjs --vsix FILE (--dflint PATH [--expect-missing-binary] | --bundled)");
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const STEP_MS = Number(process.env.DFLINT_E2E_TIMEOUT_MS ?? 60_000);
const codeServer = process.env.CODE_SERVER ?? path.join(here, "node_modules/.bin/code-server");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const mode = args.bundled ? "bundled" : args.expectMissing ? "missing-binary" : "main";
const t0 = Date.now();
const log = (s) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);

// The fixture: DF505 (MAINTAINER is deprecated, no safe fix), DF503 (legacy `ENV key value`, safe fix, applied
// from the quick-fix menu) and DF501 (`run` among upper-case instructions, safe fix, applied by "Fix all").
const DOCKERFILE = ["FROM alpine:3.19", "MAINTAINER someone@example.com", "ENV APP_HOME /srv/app", "run echo hello", ""].join("\n");
const EXPECTED_CODES = ["DF501", "DF503", "DF505"];
const FIXED_LINE = "ENV APP_HOME=/srv/app";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dflint-vscode-e2e-"));
const dirs = {
  userData: path.join(tmp, "user-data"),
  extensions: path.join(tmp, "extensions"),
  workspace: path.join(tmp, "workspace"),
  xdg: path.join(tmp, "xdg"),
};
for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
const dockerfile = path.join(dirs.workspace, "Dockerfile");
fs.writeFileSync(dockerfile, DOCKERFILE);
// Only the rules the test is about, so that rules added later do not change what it sees.
fs.writeFileSync(path.join(dirs.workspace, ".dflint.toml"), 'select = ["DF501", "DF503", "DF505"]\n');
fs.mkdirSync(path.join(dirs.userData, "User"), { recursive: true });
fs.writeFileSync(
  path.join(dirs.userData, "User/settings.json"),
  JSON.stringify(
    {
      ...(args.dflint ? { "dflint.path": args.dflint } : {}),
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "workbench.enableExperiments": false,
      "workbench.colorTheme": "Default Dark Modern",
      "security.workspace.trust.enabled": false,
      "telemetry.telemetryLevel": "off",
      "update.mode": "none",
      "extensions.autoUpdate": false,
      "extensions.autoCheckUpdates": false,
      "extensions.ignoreRecommendations": true,
      "chat.disableAIFeatures": true,
      "files.autoSave": "off",
      "editor.lightbulb.enabled": "on",
      "dflint.trace.server": "messages",
    },
    null,
    2,
  ),
);
fs.mkdirSync(args.artifacts, { recursive: true });
// Screenshots of an earlier run of this mode would be mistaken for this run's.
for (const f of fs.readdirSync(args.artifacts)) {
  if (f.startsWith(`vscode-${mode}-`) && f.endsWith(".png")) fs.rmSync(path.join(args.artifacts, f));
}

/** PATH without the folders that hold a `dflint`, so that only a bundled binary can be found. */
function pathWithoutDflint(value) {
  return (value ?? "")
    .split(path.delimiter)
    .filter((dir) => dir && !fs.existsSync(path.join(dir, "dflint")))
    .join(path.delimiter);
}

const childEnv = {
  ...process.env,
  ...(args.bundled ? { PATH: pathWithoutDflint(process.env.PATH) } : {}),
  XDG_CONFIG_HOME: path.join(dirs.xdg, "config"),
  XDG_DATA_HOME: path.join(dirs.xdg, "data"),
  XDG_CACHE_HOME: path.join(dirs.xdg, "cache"),
};

let server;
let browser;
let page;
let failed = false;

async function freePort() {
  const srv = net.createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const { port } = srv.address();
  srv.close();
  await once(srv, "close");
  return port;
}

/** Thrown inside a waitFor predicate to stop waiting at once. */
class Abort extends Error {}

async function waitFor(what, fn, timeoutMs = STEP_MS, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      if (e instanceof Abort) throw e;
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (${last.message})` : ""}`);
}

async function screenshot(name) {
  if (!page) return;
  const file = path.join(args.artifacts, `vscode-${mode}-${name}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  log(`screenshot ${path.relative(repoRoot, file)}`);
}

/** The text of every row of the Problems panel. */
async function problemRows() {
  // The row's text holds the code ("dflint(DF503)"); its aria-label holds the message and position.
  return page.$$eval(".markers-panel .monaco-list-row", (rows) =>
    rows.map((r) => `${r.textContent || ""} | ${r.getAttribute("aria-label") || ""}`.replace(/\s+/g, " ")),
  );
}

/** The texts of the visible notification toasts and of the notification center. */
async function notifications() {
  return page.$$eval(".notifications-toasts .notification-list-item, .notifications-center .notification-list-item", (items) =>
    items.map((i) => (i.getAttribute("aria-label") || i.textContent || "").replace(/\s+/g, " ")),
  );
}

/** The extension host's copy of the *dflint* output channel, if code-server wrote one. */
function dflintOutputLog() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/dflint( Trace)?\.log$/.test(entry.name)) found.push(p);
    }
  };
  try {
    walk(path.join(dirs.userData, "logs"));
  } catch {
    return "";
  }
  const tail = (text) => text.split("\n").slice(-40).join("\n");
  return found.map((f) => `--- ${path.basename(f)} (last lines)\n${tail(fs.readFileSync(f, "utf8"))}`).join("\n");
}

/** The text of the active editor as shown (Monaco renders spaces as no-break spaces). */
async function editorText() {
  return ((await page.locator(".editor-instance .view-lines").first().textContent()) ?? "").replace(/\u00a0/g, " ");
}

async function openDockerfile() {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill("Dockerfile");
  await waitFor("Dockerfile in quick open", async () => (await page.locator(".quick-input-list .monaco-list-row").count()) > 0);
  await page.keyboard.press("Enter");
  await waitFor("the Dockerfile in an editor", async () => (await editorText()).includes("MAINTAINER"));
  const lang = await page.locator(".statusbar-item[id$='editor.status.mode'], #status\\.editor\\.mode").first().textContent().catch(() => "");
  log(`Dockerfile open (language in status bar: ${lang?.trim() || "?"})`);
}

async function openProblems() {
  await page.keyboard.press("Control+Shift+M");
  await page.locator(".markers-panel").first().waitFor({ state: "attached", timeout: STEP_MS });
}

async function main() {
  log(`mode ${mode}; code-server ${codeServer}; vsix ${args.vsix}; dflint.path ${args.dflint}`);
  const install = await run(codeServer, ["--install-extension", args.vsix, "--extensions-dir", dirs.extensions, "--user-data-dir", dirs.userData], {
    env: childEnv,
  });
  log(`installed: ${install.stdout.trim().split("\n").pop()}`);
  const installed = fs.readdirSync(dirs.extensions).filter((d) => d.startsWith("dflint."));
  if (installed.length !== 1) throw new Error(`expected one dflint.* folder in the extensions dir, found ${installed}`);

  const port = await freePort();
  server = spawn(
    codeServer,
    [
      "--auth", "none",
      "--bind-addr", `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--extensions-dir", dirs.extensions,
      "--user-data-dir", dirs.userData,
      dirs.workspace,
    ],
    { env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  const serverLog = fs.createWriteStream(path.join(tmp, "code-server.log"));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  const base = `http://127.0.0.1:${port}`;
  await waitFor("code-server /healthz", async () => (await fetch(`${base}/healthz`)).ok, STEP_MS, 200);
  log(`code-server up on ${base}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on("pageerror", (e) => log(`page error: ${e.message}`));
  await page.goto(`${base}/?folder=${encodeURIComponent(dirs.workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: STEP_MS });
  await waitFor("the explorer to list the Dockerfile", async () => (await page.locator(".explorer-folders-view .monaco-list-row").count()) > 0);
  log("workbench loaded");
  await page.locator(".monaco-workbench").click({ position: { x: 700, y: 400 } }).catch(() => {});

  await openDockerfile();
  await openProblems();

  if (args.bundled) {
    await bundledBinaryChecks();
  } else if (args.expectMissing) {
    await missingBinaryChecks();
  } else {
    await diagnosticsAndQuickFix();
  }
}

async function missingBinaryChecks() {
  const toast = await waitFor("an error notification from dflint", async () => (await notifications()).find((n) => /dflint/.test(n) && /dflint\.path/.test(n)));
  log(`notification: ${toast}`);
  await screenshot("error");
  for (const want of ["cargo install", args.dflint]) {
    if (!toast.includes(want)) throw new Error(`the notification does not mention "${want}": ${toast}`);
  }
  // Give a server (if one were somehow running) time to publish, then check that nothing did.
  await new Promise((r) => setTimeout(r, 3000));
  const rows = await problemRows();
  const dflintRows = rows.filter((r) => /DF\d{3}/.test(r));
  if (dflintRows.length > 0) throw new Error(`dflint diagnostics appeared without a server: ${dflintRows.join(" | ")}`);
  log("PASS missing binary: the extension says what to do, and no diagnostics appear");
}

async function diagnosticsAndQuickFix() {
  // 1. The diagnostics, in the Problems panel.
  let rows;
  try {
    rows = await waitFor("dflint's diagnostics in the Problems panel", async () => {
      // No point in waiting when the extension has already said it cannot start the server.
      const error = (await notifications()).find((n) => /dflint: /.test(n));
      if (error) throw new Abort(`the extension reported: ${error}`);
      const r = await problemRows();
      return EXPECTED_CODES.every((code) => r.some((row) => row.includes(code))) ? r : undefined;
    });
  } catch (e) {
    const n = await notifications().catch(() => []);
    throw new Error(`${e.message}\n  problems: ${JSON.stringify(await problemRows().catch(() => []))}\n  notifications: ${JSON.stringify(n)}`);
  }
  for (const r of rows) log(`problem: ${r}`);
  await screenshot("problems");
  log(`PASS diagnostics: ${EXPECTED_CODES.join(", ")} in the Problems panel`);

  // 2. The quick fix: select the DF503 problem (moves the cursor to it), then Ctrl+. in the editor.
  const row = page.locator(".markers-panel .monaco-list-row", { hasText: "DF503" }).first();
  await row.click();
  await page.keyboard.press("Enter"); // opens the problem's location and focuses the editor
  await waitFor("the cursor on line 3", async () => {
    const pos = await page.locator("#status\\.editor\\.selection, .statusbar-item[id$='editor.selection']").first().textContent();
    return pos && /Ln 3,/.test(pos);
  });
  await page.keyboard.press("Control+Period");
  const menu = page.locator(".action-widget");
  await menu.waitFor({ state: "visible", timeout: STEP_MS });
  const items = await waitFor("quick fixes in the menu", async () => {
    const texts = await page.$$eval(".action-widget .monaco-list-row.action", (els) => els.map((e) => e.textContent || ""));
    return texts.length > 0 ? texts : undefined;
  });
  log(`quick-fix menu: ${items.join(" | ")}`);
  await screenshot("quickfix-menu");
  // Pick the fix itself (not the "ignore" actions) with the keyboard, as a user would: the menu takes the
  // keys while it is open (a pointer block lies over the page).
  const index = items.findIndex((t) => t.includes("APP_HOME=/srv/app"));
  if (index < 0) throw new Error(`no quick fix mentioning APP_HOME=/srv/app among: ${items.join(" | ")}`);
  const focused = () => page.locator(".action-widget .monaco-list-row.action.focused").first().textContent();
  for (let moves = 0; !((await focused()) ?? "").includes("APP_HOME=/srv/app"); moves++) {
    if (moves > items.length) throw new Error(`could not focus the fix in the menu (focused: ${await focused()})`);
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Enter");
  await waitFor("the fix in the editor", async () => (await editorText()).includes(FIXED_LINE));

  // 3. Save, and the file on disk has the fix.
  await page.keyboard.press("Control+S");
  const onDisk = await waitFor("the fixed file on disk", async () => {
    const text = fs.readFileSync(dockerfile, "utf8");
    return text.split("\n")[2] === FIXED_LINE ? text : undefined;
  });
  const expected = DOCKERFILE.replace("ENV APP_HOME /srv/app", FIXED_LINE);
  if (onDisk !== expected) throw new Error(`the file on disk changed more than the fix:\n${onDisk}`);
  log(`PASS quick fix: line 3 on disk is now "${FIXED_LINE}"`);

  // 4. The server saw the edit: DF503 is gone from the Problems panel, the others stay.
  await waitFor("DF503 to leave the Problems panel", async () => {
    const r = await problemRows();
    return !r.some((x) => x.includes("DF503")) && r.some((x) => x.includes("DF505")) && r.some((x) => x.includes("DF501"));
  });
  await screenshot("after-fix");
  log("PASS refresh: DF503 gone, DF501 and DF505 still reported");

  // 5. "dflint: Fix all" from the command palette: the safe fix of DF501; DF505's fix is not safe and stays out.
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill(">dflint: Fix all");
  await waitFor("the Fix all command in the palette", async () =>
    ((await page.locator(".quick-input-list .monaco-list-row").first().textContent()) ?? "").includes("dflint: Fix all"),
  );
  await page.keyboard.press("Enter");
  await waitFor("Fix all in the editor", async () => (await editorText()).includes("RUN echo hello"));
  await page.keyboard.press("Control+S");
  const allFixed = DOCKERFILE.replace("ENV APP_HOME /srv/app", FIXED_LINE).replace("run echo hello", "RUN echo hello");
  await waitFor("the file fixed by Fix all on disk", async () => fs.readFileSync(dockerfile, "utf8") === allFixed);
  await waitFor("only DF505 left in the Problems panel", async () => {
    const r = (await problemRows()).filter((x) => /DF\d{3}/.test(x));
    return r.length === 1 && r[0].includes("DF505");
  });
  await screenshot("after-fix-all");
  log("PASS fix all: `run` is `RUN` on disk, only DF505 is left");

  // 6. Settings reach the running server: `dflint.ignore` set in the workspace's .vscode/settings.json
  //    silences DF505, without a restart (workspace/didChangeConfiguration).
  fs.mkdirSync(path.join(dirs.workspace, ".vscode"), { recursive: true });
  fs.writeFileSync(path.join(dirs.workspace, ".vscode/settings.json"), JSON.stringify({ "dflint.ignore": ["DF505"] }, null, 2));
  await waitFor("DF505 to leave the Problems panel after dflint.ignore changed", async () =>
    (await problemRows()).every((x) => !/DF\d{3}/.test(x)),
  );
  log("PASS settings: dflint.ignore = [DF505] took effect without a restart");

  // 7. The stage graph.
  await stageGraph();
}

/** The platform package: the server and `dflint graph` run from the binary inside it. */
async function bundledBinaryChecks() {
  const rows = await waitFor("dflint's diagnostics in the Problems panel", async () => {
    const error = (await notifications()).find((n) => /dflint: /.test(n));
    if (error) throw new Abort(`the extension reported: ${error}`);
    const r = await problemRows();
    return EXPECTED_CODES.every((code) => r.some((row) => row.includes(code))) ? r : undefined;
  });
  for (const r of rows) log(`problem: ${r}`);
  await screenshot("problems");
  log(`PASS diagnostics from the bundled binary: ${EXPECTED_CODES.join(", ")} in the Problems panel`);
  await stageGraph();
  // The client logs which binary it started; the PATH it got has none, so it can only be the bundled one.
  const used = dflintOutputFull().match(/\[client\] using (.*)/);
  if (used && !used[1].includes("(from bundled)")) throw new Error(`the extension used ${used[1]}`);
  log(`PASS bundled binary: ${used ? used[1] : "no dflint on PATH, no dflint.path"}`);
}

/** Everything the *dflint* output channel logged, if code-server wrote it. */
function dflintOutputFull() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/dflint\.log$/.test(entry.name)) found.push(p);
    }
  };
  try {
    walk(path.join(dirs.userData, "logs"));
  } catch {
    return "";
  }
  return found.map((f) => fs.readFileSync(f, "utf8")).join("\n");
}

/** "dflint: Show stage graph": runs `dflint graph` and draws its Mermaid text in a webview, offline. */
async function stageGraph() {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill(">dflint: Show stage graph");
  await waitFor("the Show stage graph command in the palette", async () =>
    ((await page.locator(".quick-input-list .monaco-list-row").first().textContent()) ?? "").includes("dflint: Show stage graph"),
  );
  await page.keyboard.press("Enter");
  // The webview is a frame inside a frame; graph.js marks its body once Mermaid has drawn (or failed).
  const labels = await waitFor("a drawn stage graph in a webview", async () => {
    const error = (await notifications()).find((n) => /stage graph/.test(n));
    if (error) throw new Abort(`the extension reported: ${error}`);
    for (const f of page.frames()) {
      const state = await f.evaluate(() => document.body?.dataset.rendered).catch(() => undefined);
      if (state === "error") throw new Abort(`Mermaid failed: ${await f.evaluate(() => document.getElementById("error")?.textContent)}`);
      if (state === "true") return f.evaluate(() => document.querySelector("#graph svg")?.textContent ?? "");
    }
    return undefined;
  });
  if (!labels.includes("alpine:3.19") || !labels.includes("stage 0")) throw new Error(`the graph does not show the stage and its image: ${labels}`);
  await screenshot("graph");
  log("PASS stage graph: Mermaid drew `dflint graph` (stage 0 from alpine:3.19) in a webview");
}

async function shutdown() {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await Promise.race([once(server, "exit"), new Promise((r) => setTimeout(r, 5000))]);
    if (server.exitCode === null) server.kill("SIGKILL");
  }
}

try {
  await main();
  log(`${mode}: 1 passed, 0 failed`);
} catch (e) {
  failed = true;
  console.log(`FAIL ${mode}: ${e instanceof Error ? e.message : String(e)}`);
  if (page) console.log(`notifications: ${JSON.stringify(await notifications().catch(() => []))}`);
  await screenshot("failure");
  const out = dflintOutputLog();
  if (out) console.log(`dflint output channel:\n${out}`);
  console.log(`code-server log: ${path.join(tmp, "code-server.log")}`);
} finally {
  await shutdown();
  if (!failed && !process.env.DFLINT_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
