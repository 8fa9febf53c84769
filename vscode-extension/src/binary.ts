// Finds the dflint binary and checks its version. No `vscode` import, so the unit tests run under plain node.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the binary came from, in the order they are tried. */
export type BinarySource = "setting" | "bundled" | "path";

export interface Binary {
  path: string;
  source: BinarySource;
}

/** Why no binary could be used; `message` says what to do about it. */
export class BinaryNotFound extends Error {}

export interface FindOptions {
  /** The `dflint.path` setting (may be empty, may start with `~`). */
  setting: string | undefined;
  /** The extension's install folder (holds `bin/<platform>/dflint` in a platform-specific package). */
  extensionPath: string;
  /** The folder relative `dflint.path` values are resolved against (the first workspace folder). */
  workspaceFolder?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
}

const INSTALL = "`cargo install --locked --path .` in a dflint checkout";

/** The folder name of a bundled binary: `bin/linux-x64/dflint`, `bin/win32-x64/dflint.exe`, ... */
export function platformDir(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`;
}

function exeName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "dflint.exe" : "dflint";
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform !== "win32") fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Searches `PATH` like a shell does (with `PATHEXT` on Windows). */
export function whichOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => d.length > 0);
  const exts = platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

/**
 * The binary to run, tried in this order: the `dflint.path` setting, the binary bundled in the extension,
 * `dflint` on `PATH`. A `dflint.path` that is set but unusable is an error, never a silent fall-back,
 * so that a typo in the setting is seen.
 */
export function findBinary(options: FindOptions): Binary {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const env = options.env ?? process.env;
  const setting = (options.setting ?? "").trim();

  if (setting.length > 0) {
    let file = setting;
    if (file === "~" || file.startsWith("~/")) file = path.join(options.homedir ?? env.HOME ?? "", file.slice(1));
    if (!path.isAbsolute(file)) {
      // A bare name (`dflint-nightly`) is looked up on PATH; a relative path is relative to the workspace.
      if (!file.includes("/") && !file.includes("\\")) {
        const found = whichOnPath(file, env, platform);
        if (found) return { path: found, source: "setting" };
        throw new BinaryNotFound(
          `dflint.path is set to "${setting}", but no such program is on PATH. ` +
            `Fix or clear the setting; install dflint with ${INSTALL}.`,
        );
      }
      file = path.resolve(options.workspaceFolder ?? process.cwd(), file);
    }
    if (isExecutableFile(file, platform)) return { path: file, source: "setting" };
    throw new BinaryNotFound(
      `dflint.path is set to "${setting}", but ${file} is not an executable file. ` +
        `Fix or clear the setting (cleared, the bundled dflint or the one on PATH is used); ` +
        `install dflint with ${INSTALL}.`,
    );
  }

  const bundled = path.join(options.extensionPath, "bin", platformDir(platform, arch), exeName(platform));
  if (isExecutableFile(bundled, platform)) return { path: bundled, source: "bundled" };

  const onPath = whichOnPath("dflint", env, platform);
  if (onPath) return { path: onPath, source: "path" };

  throw new BinaryNotFound(
    `dflint was not found: dflint.path is not set, this extension has no bundled binary for ` +
      `${platformDir(platform, arch)}, and there is no dflint on PATH. ` +
      `Install it with ${INSTALL}, or set dflint.path to the binary.`,
  );
}

/** `major.minor` of a version string (`dflint 0.1.3` gives `0.1`), or undefined. */
export function majorMinor(text: string): string | undefined {
  const m = /(\d+)\.(\d+)\.\d+/.exec(text);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/**
 * A warning when the server's major.minor differs from what this extension was built for, else undefined.
 * Settings and protocol extensions change between minor versions before 1.0, so minor counts too.
 */
export function versionWarning(serverVersionOutput: string, extensionVersion: string): string | undefined {
  const server = majorMinor(serverVersionOutput);
  const expected = majorMinor(extensionVersion);
  if (!expected) return undefined;
  if (!server) return `Could not read the dflint version from "${serverVersionOutput.trim()}"; expected ${expected}.x.`;
  if (server === expected) return undefined;
  return (
    `dflint ${server}.x is installed, but this extension expects ${expected}.x: ` +
    `some settings or fixes may not work. Install a matching dflint or extension.`
  );
}

/** Runs a short command and returns its stdout, rejecting with stderr (or the spawn error) on failure. */
export function run(file: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString().trim() || error.message;
          reject(new Error(`${path.basename(file)} ${args.join(" ")}: ${detail}`));
        } else {
          resolve(stdout.toString());
        }
      },
    );
  });
}
