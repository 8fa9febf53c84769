// Bundles the extension into dist/extension.js (esbuild) and copies Mermaid's browser build into media/,
// so the .vsix needs no node_modules and the stage graph needs no network.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));

await build({
  entryPoints: [join(root, "src/extension.ts")],
  outfile: join(root, "dist/extension.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  external: ["vscode"],
  sourcemap: true,
  minify: process.env.DFLINT_MINIFY === "1",
  logLevel: "warning",
});

// Also a plain build of the vscode-free modules, for the unit tests under node.
await build({
  entryPoints: [join(root, "src/binary.ts"), join(root, "src/settings.ts")],
  outdir: join(root, "out"),
  bundle: false,
  platform: "node",
  format: "cjs",
  target: "node18",
  logLevel: "warning",
});

mkdirSync(join(root, "media"), { recursive: true });
const mermaid = join(dirname(require.resolve("mermaid/package.json")), "dist", "mermaid.min.js");
copyFileSync(mermaid, join(root, "media", "mermaid.min.js"));
console.log("built dist/extension.js, out/, media/mermaid.min.js");
