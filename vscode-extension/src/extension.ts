// The dflint extension: starts `dflint server` for Dockerfiles and adds fix all, restart and the stage graph.
import * as os from "node:os";
import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";

import { BinaryNotFound, findBinary, run, versionWarning } from "./binary";
import { StageGraphPanels } from "./graph";
import { type ServerSettings, serverSettings } from "./settings";

/** The code action kind of "fix all" (`source.fixAll.dflint`), also usable in `editor.codeActionsOnSave`. */
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append("dflint");

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let extensionContext: vscode.ExtensionContext;

/** A setting's value when the user set it somewhere (user, workspace, folder), else undefined: the default
 *  stays unsent so that the project's `.dflint.toml` decides. */
function explicitly<T>(c: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const i = c.inspect<T>(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

function readSettings(): ServerSettings {
  const c = vscode.workspace.getConfiguration("dflint");
  return serverSettings({
    select: c.get<string[]>("select"),
    ignore: c.get<string[]>("ignore"),
    severity: c.get<Record<string, string>>("severity"),
    unsafeFixes: explicitly<boolean>(c, "unsafeFixes"),
  });
}

/** The binary to run, per `dflint.path`, the bundled one, or PATH; throws BinaryNotFound with advice. */
function resolveBinary(): string {
  const setting = vscode.workspace.getConfiguration("dflint").get<string>("path");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const found = findBinary({
    setting,
    extensionPath: extensionContext.extensionPath,
    workspaceFolder: folder,
    homedir: os.homedir(),
  });
  output.appendLine(`[client] using ${found.path} (from ${found.source})`);
  return found.path;
}

async function checkVersion(exe: string): Promise<void> {
  const expected = extensionContext.extension.packageJSON.version as string;
  try {
    const text = await run(exe, ["--version"]);
    output.appendLine(`[client] ${text.trim()}; extension ${expected}`);
    const warning = versionWarning(text, expected);
    if (warning) {
      output.appendLine(`[client] ${warning}`);
      void vscode.window.showWarningMessage(`dflint: ${warning}`);
    }
  } catch (e) {
    output.appendLine(`[client] could not run ${exe} --version: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function showStartError(message: string): Promise<void> {
  output.appendLine(`[client] ${message}`);
  const choice = await vscode.window.showErrorMessage(`dflint: ${message}`, "Open Settings", "Show Log");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "dflint.path");
  } else if (choice === "Show Log") {
    output.show(true);
  }
}

async function startClient(): Promise<void> {
  let exe: string;
  try {
    exe = resolveBinary();
  } catch (e) {
    if (e instanceof BinaryNotFound) {
      void showStartError(e.message);
      return;
    }
    throw e;
  }
  await checkVersion(exe);

  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const serverOptions: ServerOptions = {
    command: exe,
    args: ["server"],
    transport: TransportKind.stdio,
    options: { cwd },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "untitled", language: "dockerfile" },
    ],
    initializationOptions: readSettings(),
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{.dflint.toml,.hadolint.yaml,.hadolint.yml,.dockerignore}"),
    },
    middleware: {
      workspace: {
        // The server asks for the `dflint` section; answer in its schema, not VS Code's (`unsafeFixes`, `path`...).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value: unknown, i: number) => (params.items[i]?.section === "dflint" ? readSettings() : value));
        },
      },
    },
    // The server's stderr (its log) goes to this channel; the protocol trace to its own.
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  const next = new LanguageClient("dflint", "dflint", serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (e) {
    client = undefined;
    await showStartError(`could not start \`${exe} server\`: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function stopClient(): Promise<void> {
  const current = client;
  client = undefined;
  if (current && current.state !== State.Stopped) {
    await current.stop().catch((e: unknown) => output.appendLine(`[client] stop: ${String(e)}`));
  }
}

async function restart(): Promise<void> {
  output.appendLine("[client] restarting the server");
  await stopClient();
  await startClient();
}

async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!event.affectsConfiguration("dflint")) return;
  if (event.affectsConfiguration("dflint.path") || !client) {
    await restart();
    return;
  }
  // `dflint.trace.server` is applied by the language client itself.
  if (client.state === State.Running) {
    await client.sendNotification("workspace/didChangeConfiguration", { settings: { dflint: readSettings() } });
  }
}

/** Runs the server's `source.fixAll.dflint` action on the active Dockerfile. */
async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "dockerfile") {
    void vscode.window.showInformationMessage("dflint: open a Dockerfile to fix.");
    return;
  }
  const doc = editor.document;
  const whole = new vscode.Range(0, 0, doc.lineCount, 0);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[] | undefined>(
    "vscode.executeCodeActionProvider",
    doc.uri,
    whole,
    FIX_ALL_KIND.value,
    10,
  );
  const action = (actions ?? []).find((a) => a.kind !== undefined && FIX_ALL_KIND.contains(a.kind));
  if (!action || (!action.edit && !action.command)) {
    void vscode.window.showInformationMessage("dflint: nothing to fix automatically.");
    return;
  }
  if (action.edit) await vscode.workspace.applyEdit(action.edit);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel("dflint");
  traceOutput = vscode.window.createOutputChannel("dflint Trace");
  const graphs = new StageGraphPanels(context.extensionUri, async () => resolveBinary(), output);
  context.subscriptions.push(
    output,
    traceOutput,
    graphs,
    vscode.commands.registerCommand("dflint.fixAll", fixAll),
    vscode.commands.registerCommand("dflint.restartServer", restart),
    vscode.commands.registerCommand("dflint.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("dflint.showStageGraph", async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showInformationMessage("dflint: open a Dockerfile to graph.");
        return;
      }
      try {
        await graphs.show(target);
      } catch (e) {
        if (e instanceof BinaryNotFound) void showStartError(e.message);
        else throw e;
      }
    }),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
