// "dflint: Show stage graph": runs `dflint graph FILE` and renders its Mermaid text in a webview,
// with the Mermaid library shipped inside the extension (no CDN, no network).
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";

import { run } from "./binary";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: the Mermaid source in a `<pre class="mermaid">`, rendered by the bundled mermaid.min.js. */
export function graphHtml(webview: vscode.Webview, mediaRoot: vscode.Uri, title: string, mermaidText: string): string {
  const nonce = crypto.randomBytes(16).toString("base64");
  const mermaidJs = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, "mermaid.min.js"));
  const graphJs = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, "graph.js"));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    // Mermaid writes <style> elements into the SVG it draws.
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style>
  body { padding: 1em; }
  #error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  details { margin-top: 1em; }
  pre.source { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; }
</style>
</head>
<body>
<h3>${escapeHtml(title)}</h3>
<div id="graph"><pre class="mermaid">${escapeHtml(mermaidText)}</pre></div>
<div id="error"></div>
<details><summary>Mermaid source</summary><pre class="source">${escapeHtml(mermaidText)}</pre></details>
<script nonce="${nonce}" src="${mermaidJs}"></script>
<script nonce="${nonce}" src="${graphJs}"></script>
</body>
</html>`;
}

/** One panel per file, refreshed when that file is saved. */
export class StageGraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly binary: () => Promise<string>,
    private readonly log: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.panels.has(doc.uri.toString())) void this.show(doc.uri, false);
      }),
    );
  }

  async show(uri: vscode.Uri, reveal = true): Promise<void> {
    if (uri.scheme !== "file") {
      void vscode.window.showErrorMessage("dflint: the stage graph needs a file saved on disk.");
      return;
    }
    const file = uri.fsPath;
    const title = `Stages: ${path.basename(file)}`;
    let text: string;
    try {
      const exe = await this.binary();
      text = await run(exe, ["graph", file], { cwd: path.dirname(file), timeoutMs: 30_000 });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.appendLine(`[graph] ${message}`);
      void vscode.window.showErrorMessage(`dflint: could not draw the stage graph: ${message}`);
      return;
    }
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, "media");
    let panel = this.panels.get(uri.toString());
    if (!panel) {
      panel = vscode.window.createWebviewPanel("dflint.stageGraph", title, vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [mediaRoot],
      });
      const key = uri.toString();
      panel.onDidDispose(() => this.panels.delete(key), undefined, this.disposables);
      this.panels.set(key, panel);
    } else if (reveal) {
      panel.reveal(undefined, true);
    }
    panel.title = title;
    panel.webview.html = graphHtml(panel.webview, mediaRoot, title, text);
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
