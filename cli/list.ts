// netc list: the bundled networks, with their inputs, outputs, parameters and MACs.
import { parseArgs } from "node:util";
import { basename } from "node:path";
import { compileFile } from "../compiler/compile.js";
import { libraryNetworks } from "../compiler/modules.js";
import { formatShape } from "../compiler/values.js";
import { formatDim } from "../compiler/symbolic.js";
import { EXIT, type Out } from "./io.js";

export const listHelp = `usage: netc list [--json]

Lists the networks of the bundled library (networks/*.net) with their input and
output shapes, trainable parameters and MACs. Any of them can be given by name to
\`netc summary\`.

options:
  --json       print the list as JSON
  -h, --help   show this help`;

export async function list(argv: string[], out: Out): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) return out.stdout(listHelp), EXIT.ok;
  const rows = [];
  for (const { name, file } of libraryNetworks()) {
    const r = await compileFile(file, { network: name });
    const g = r.graph;
    rows.push({
      name,
      file: basename(file),
      input: g ? g.inputs.map((p) => formatShape(g.nodes[p.node].shape ?? [])).join(", ") : "error",
      output: g ? g.outputs.map((p) => formatShape(g.nodes[p.node].shape ?? [])).join(", ") : "error",
      params: r.counts?.params ?? null,
      macs: r.counts ? formatDim(r.counts.macs) : null,
    });
  }
  if (values.json) return out.stdout(JSON.stringify(rows, null, 1)), EXIT.ok;
  const table = [["network", "file", "input", "output", "params", "MACs"], ...rows.map((r) => [
    r.name, r.file, r.input, r.output, r.params?.toLocaleString("en-US") ?? "error",
    r.macs === null ? "error" : /^\d+$/.test(r.macs) ? Number(r.macs).toLocaleString("en-US") : "depends on the input size",
  ])];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  out.stdout(table.map((r) => r.map((c, i) => (i >= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n"));
  return EXIT.ok;
}
