// netc summary NET: the layer table and totals of a network, or the same as JSON.
import { summaryTable } from "../compiler/summary.js";
import { summaryJsonPieces } from "../compiler/summary-stream.js";
import { compileWithFlags, EXIT, UsageError } from "./io.js";
import { defineCommand, intFlag, jsonOption, networkOptions } from "./options.js";

export const summaryCommand = defineCommand({
  name: "summary",
  args: "NET [--network NAME] [--input SHAPE] [--set KEY=VALUE]... [--depth N] [--json]",
  summary: "layer table with shapes, parameters and MACs (--json for JSON)",
  description: `NET is a .net file or the name of a bundled network (see \`netc list\`).
Prints each layer with its output shape, parameters and multiply-adds, blocks
folded below --depth, then the totals: trainable parameters, batch-norm buffers,
MACs (convolutions and linear layers, one image) and activation memory.`,
  options: [
    ...networkOptions,
    { name: "depth", value: "N", help: "how many levels of blocks to show (default 3)" },
    jsonOption,
  ],
  async run({ values, positionals }, out) {
    if (positionals.length !== 1) throw new UsageError("netc summary needs exactly one NET (a file or a library network name)");
    const depth = intFlag("depth", values.depth) ?? 3;
    const r = await compileWithFlags(positionals[0], values, out);
    if ("code" in r) return r.code;
    if (values.json) for (const piece of summaryJsonPieces(r.graph, r.counts)) out.stdout(piece); // a million layers: in pieces
    else out.stdout(summaryTable(r.graph, r.counts, { depth }));
    return EXIT.ok;
  },
});
