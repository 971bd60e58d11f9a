// The VS Code client: starts `netc lsp` on stdio for .net files. Everything the editor
// shows (diagnostics, hovers, inlay hints, completion, formatting) comes from the server.
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** The command that runs netc: the setting, the workspace's install, netc's own checkout, or the PATH. */
function netcCommand() {
  const configured = vscode.workspace.getConfiguration("netc").get("path");
  if (configured) return { command: configured, args: [] };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const installed = join(folder.uri.fsPath, "node_modules", ".bin", "netc");
    if (existsSync(installed)) return { command: installed, args: [] };
    const own = join(folder.uri.fsPath, "bin", "netc.js");
    if (existsSync(own)) return { command: process.execPath, args: [own], options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } } };
  }
  return { command: "netc", args: [] };
}

function activate(context) {
  const netc = netcCommand();
  const server = { command: netc.command, args: [...netc.args, "lsp"], transport: TransportKind.stdio, options: netc.options };
  client = new LanguageClient("netc", "netc language server", { run: server, debug: server }, {
    documentSelector: [{ scheme: "file", language: "netc" }, { scheme: "untitled", language: "netc" }],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
