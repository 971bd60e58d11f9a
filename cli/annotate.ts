// netc annotate FILE: the source with each line's output shape (and parameters) beside it.
import { parseArgs } from "node:util";
import { annotate } from "../tools/annotate.js";
import { compileNet, EXIT, resolveNet, UsageError, type Out } from "./io.js";

export const annotateHelp = `usage: netc annotate FILE [--network NAME] [--input CxHxW] [--set key=value]... [--params]

Prints FILE (a .net file or the name of a bundled network) with each line's output
shape in a right-hand column, written as a comment: the shape the statement ending on
that line gives, symbolic where the input is (--input 3xHxW). A line inside a block
shows what it gives in each use the network makes of the block: one shape, \`×N\` when
it runs N times, or each distinct shape with its count. Lines the network does not
run are left bare. Exits 1 and prints the diagnostics if the network has errors.

options:
  --network NAME   the network to annotate (default: the file's last one)
  --input SHAPE    replace the first input's shape: 3x512x512, or 3xHxW for symbolic sizes
  --set KEY=VALUE  set a network argument; VALUE is a .net expression (--set classes=10)
  --params         add a column with the parameters of each line (of one use)
  -h, --help       show this help`;

/** The flags, in one place (parsed as the other commands parse theirs). */
function flags(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      network: { type: "string" },
      input: { type: "string" },
      set: { type: "string", multiple: true },
      params: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const set: Record<string, string> = {};
  for (const kv of values.set ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(kv);
    if (!m) throw new UsageError(`--set takes key=value, got ${kv}`);
    set[m[1]] = m[2];
  }
  return { positionals, help: !!values.help, network: values.network, input: values.input, set, params: !!values.params };
}

export async function annotateCommand(argv: string[], out: Out): Promise<number> {
  const f = flags(argv);
  if (f.help) return out.stdout(annotateHelp), EXIT.ok;
  if (f.positionals.length !== 1) throw new UsageError("netc annotate needs exactly one FILE (a .net file or a library network name)");
  const { file, network } = resolveNet(f.positionals[0]);
  const r = await compileNet(file, f.network ?? network, out, { set: f.set, input: f.input });
  if ("code" in r) return r.code;
  out.stdout(annotate(r.sources.get(file)!, r.graph, { params: f.params }));
  return EXIT.ok;
}
