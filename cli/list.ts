// netc list: the bundled networks, with their inputs, outputs, parameters and MACs.
import { basename } from "node:path";
import { compileFile } from "../compiler/compile.js";
import { libraryNetworks } from "../compiler/modules.js";
import { formatShape } from "../compiler/values.js";
import { formatDim } from "../compiler/symbolic.js";
import { EXIT, UsageError } from "./io.js";
import { defineCommand } from "./options.js";

export const listCommand = defineCommand({
  name: "list",
  args: "[--json]",
  summary: "the bundled networks",
  description: `Lists the networks of the bundled library (networks/*.net) with their input and
output shapes, trainable parameters and MACs. Any of them can be given by name to
\`netc summary\`.`,
  options: [{ name: "json", help: "print the list as JSON" }],
  async run({ values, positionals }, out) {
  if (positionals.length) throw new UsageError("netc list takes no arguments");
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
  },
});
