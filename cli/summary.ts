// netc summary NET: the layer table and totals of a network, or the same as JSON.
import { parseArgs } from "node:util";
import { summaryTable } from "../compiler/summary.js";
import { summaryJsonPieces } from "../compiler/summary-stream.js";
import { compileNet, EXIT, UsageError, type Out } from "./io.js";

export const summaryHelp = `usage: netc summary NET [--network NAME] [--input CxHxW] [--set key=value]... [--depth N] [--json]

NET is a .net file or the name of a bundled network (see \`netc list\`).
Prints each layer with its output shape, parameters and multiply-adds, blocks
folded below --depth, then the totals: trainable parameters, batch-norm buffers,
MACs (convolutions and linear layers, one image) and activation memory.

options:
  --network NAME   the network to summarize (default: the file's last one)
  --input SHAPE    replace the first input's shape: 3x512x512, or 3xHxW for symbolic sizes
  --set KEY=VALUE  set a network argument; VALUE is a .net expression (--set classes=10)
  --depth N        how many levels of blocks to show (default 3)
  --json           print one JSON object instead of the table
  -h, --help       show this help`;

export async function summary(argv: string[], out: Out): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      network: { type: "string" },
      input: { type: "string" },
      set: { type: "string", multiple: true },
      depth: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return out.stdout(summaryHelp), EXIT.ok;
  if (positionals.length !== 1) throw new UsageError("netc summary needs exactly one NET (a file or a library network name)");
  const depth = values.depth === undefined ? 3 : Number(values.depth);
  if (!Number.isInteger(depth) || depth < 0) throw new UsageError(`--depth must be a whole number, got ${values.depth}`);
  const set: Record<string, string> = {};
  for (const kv of values.set ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(kv);
    if (!m) throw new UsageError(`--set takes key=value, got ${kv}`);
    set[m[1]] = m[2];
  }
  const r = await compileNet(positionals[0], values.network, out, { set, input: values.input });
  if ("code" in r) return r.code;
  if (values.json) for (const piece of summaryJsonPieces(r.graph, r.counts)) out.stdout(piece); // a million layers: in pieces
  else out.stdout(summaryTable(r.graph, r.counts, { depth }));
  return EXIT.ok;
}
