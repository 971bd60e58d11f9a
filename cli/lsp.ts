// netc lsp: the language server, speaking LSP's JSON-RPC on stdin and stdout.
import { parseArgs } from "node:util";
import { EXIT, type Out } from "./io.js";

export const lspHelp = `usage: netc lsp [--stdio]

Runs the .net language server on stdin and stdout, for an editor to start (see
editors/vscode/ for VS Code): diagnostics as you type (those of \`netc check\`), hover
with the shape, parameters and MACs of the layer or block under the cursor, go to
definition for blocks and imports, completion of layer and argument names, formatting
(\`netc fmt\`), and inlay hints with each line's output shape. It exits when the editor
closes the connection.

options:
  --stdio      speak on stdin and stdout (the default, and the only transport)
  -h, --help   show this help`;

export async function lspCommand(argv: string[], out: Out): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { stdio: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) return out.stdout(lspHelp), EXIT.ok;
  const { serve } = await import("../tools/lsp/server.js");
  await serve(process.stdin, process.stdout);
  return EXIT.ok;
}
