// netc summary NET: the layer table and totals of a network, or the same as JSON.
import { summaryTablePieces } from "../compiler/summary.js";
import { summaryJsonPieces } from "../compiler/summary-stream.js";
import { DTYPES, memoryFigures, memoryLines, type Dtype } from "../compiler/memory.js";
import { compileOptionsOf, compileWithFlags, EXIT, UsageError, type Out } from "./io.js";
import { defineCommand, intFlag, jsonOption, networkOptions } from "./options.js";

export const summaryCommand = defineCommand({
  name: "summary",
  args: "NET [--network NAME] [--input SHAPE] [--set KEY=VALUE]... [--depth N] [--json]",
  summary: "layer table with shapes, parameters and MACs (--json for JSON)",
  description: `NET is a .net file or the name of a bundled network (see \`netc list\`).
Prints each layer with its output shape, parameters and multiply-adds, blocks
folded below --depth, then the totals: trainable parameters, batch-norm buffers,
MACs (convolutions and linear layers, one image) and activation memory; then the
memory for a batch as torchinfo gives it (input, forward/backward pass: every layer's
output and its gradient, parameters) and for training (+ gradients + optimizer state).`,
  options: [
    ...networkOptions,
    { name: "depth", value: "N", help: "how many levels of blocks to show (default 3)" },
    { name: "batch", value: "N", help: "the batch the memory figures are for (default 1, or --input's first of four sizes)" },
    { name: "dtype", value: "TYPE", help: "float32 (default), float16 or bfloat16: the bytes a value takes in the memory figures" },
    { name: "optimizer", value: "NAME", help: "adam (default: two moments a parameter) or sgd (momentum: one), for the training figure" },
    jsonOption,
  ],
  async run({ values, positionals }, out) {
    if (positionals.length !== 1) throw new UsageError("netc summary needs exactly one NET (a file or a library network name)");
    const depth = intFlag("depth", values.depth) ?? 3;
    const batch = intFlag("batch", values.batch, 1) ?? compileOptionsOf(values).batch ?? 1;
    const dtype = (values.dtype ?? "float32") as Dtype;
    if (!(dtype in DTYPES)) throw new UsageError(`--dtype takes ${Object.keys(DTYPES).join(", ")}; got ${values.dtype}`);
    const optimizer = values.optimizer ?? "adam";
    if (optimizer !== "adam" && optimizer !== "sgd") throw new UsageError(`--optimizer takes adam or sgd; got ${optimizer}`);
    const r = await compileWithFlags(positionals[0], values, out);
    if ("code" in r) return r.code;
    const memory = memoryFigures(r.graph, r.counts, { batch, dtype, optimizer });
    if (values.json) {
      const last = await writeAllButLast(summaryJsonPieces(r.graph, r.counts), out); // it ends the object: the memory figures go before its brace
      out.stdout(memory ? last.replace(/\n}$/, `,\n "memory": ${JSON.stringify(memory)}\n}`) : last);
    } else {
      const footer = (await writeAllButLast(summaryTablePieces(r.graph, r.counts, { depth }), out)).slice(0, -1); // the memory figures go before its closing rule
      const rule = footer.slice(footer.lastIndexOf("\n") + 1);
      out.stdout(memory ? `${footer}\n${memoryLines(memory).join("\n")}\n${rule}` : footer);
    }
    return EXIT.ok;
  },
});

/** Writes every piece but the last, which it returns (a generator yields at least one), each once stdout has taken the one before. */
async function writeAllButLast(pieces: Iterable<string>, out: Out): Promise<string> {
  let previous: string | undefined;
  for (const piece of pieces) {
    if (previous !== undefined) {
      out.stdout(previous);
      await out.drained?.();
    }
    previous = piece;
  }
  return previous!;
}
