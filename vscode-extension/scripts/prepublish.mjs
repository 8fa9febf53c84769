// vsce runs `vscode:prepublish` before every package. scripts/package.sh has built the bundle just before (or was
// told with --no-build that it is there) and says so with DFLINT_PREBUILT=1, so the bundle is not type-checked and
// built a second time; a plain `vsce package` still builds.
import { execSync } from "node:child_process";

if (process.env.DFLINT_PREBUILT !== "1") {
  execSync("npm run build", { stdio: "inherit" });
}
