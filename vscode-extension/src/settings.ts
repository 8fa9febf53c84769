// Turns the extension's `dflint.*` settings into the object the server reads. No `vscode` import (unit tested).

/** The `dflint.*` settings as VS Code gives them. */
export interface ExtensionSettings {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
  /** Undefined when the user did not set it. */
  unsafeFixes?: boolean;
}

/**
 * The server's settings: the schema of `.dflint.toml` (kebab-case keys), sent as `initializationOptions`
 * as the `dflint` section of `workspace/configuration`, and as `settings.dflint` in
 * `workspace/didChangeConfiguration`. Keys the user left at their default are left out, so `.dflint.toml` in the
 * project still decides them (and `select: []` would mean "no rules").
 */
export interface ServerSettings {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
  "unsafe-fixes"?: boolean;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "") : [];
}

export function serverSettings(s: ExtensionSettings): ServerSettings {
  const out: ServerSettings = {};
  if (typeof s.unsafeFixes === "boolean") out["unsafe-fixes"] = s.unsafeFixes;
  const select = strings(s.select);
  if (select.length > 0) out.select = select;
  const ignore = strings(s.ignore);
  if (ignore.length > 0) out.ignore = ignore;
  const severity: Record<string, string> = {};
  for (const [rule, level] of Object.entries(s.severity ?? {})) {
    if (typeof level === "string" && rule.trim() !== "") severity[rule] = level;
  }
  if (Object.keys(severity).length > 0) out.severity = severity;
  return out;
}
