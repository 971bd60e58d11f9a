// netc lsp: the language server, speaking LSP's JSON-RPC on stdin and stdout.
import { EXIT } from "./io.js";
import { defineCommand } from "./options.js";

export const lspCommand = defineCommand({
  name: "lsp",
  args: "[--stdio]",
  summary: "the language server, on stdin/stdout (for editors)",
  description: `Runs the .net language server on stdin and stdout, for an editor to start (see
editors/vscode/ for VS Code): diagnostics as you type (those of \`netc check\`), hover
with the shape, parameters and MACs of the layer or block under the cursor, go to
definition for blocks and imports, completion of layer and argument names, formatting
(\`netc fmt\`), and inlay hints with each line's output shape. It exits when the editor
closes the connection.`,
  options: [{ name: "stdio", help: "speak on stdin and stdout (the default, and the only transport)" }],
  async run() {
    const { serve } = await import("../tools/lsp/server.js");
    await serve(process.stdin, process.stdout);
    return EXIT.ok;
  },
});
