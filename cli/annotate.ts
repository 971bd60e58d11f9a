// netc annotate FILE: the source with each line's output shape (and parameters) beside it.
import { annotate } from "../tools/annotate.js";
import { compileOptionsOf, compileNet, EXIT, resolveNet, UsageError } from "./io.js";
import { defineCommand, networkOptions } from "./options.js";

export const annotateCommand = defineCommand({
  name: "annotate",
  args: "FILE [--network NAME] [--input SHAPE] [--set KEY=VALUE]... [--params]",
  summary: "the source with each line's output shape beside it (--params)",
  description: `Prints FILE (a .net file or the name of a bundled network) with each line's output
shape in a right-hand column, written as a comment: the shape the statement ending on
that line gives, symbolic where the input is (--input 3xHxW). A line inside a block
shows what it gives in each use the network makes of the block: one shape, \`×N\` when
it runs N times, or each distinct shape with its count. Lines the network does not
run are left bare. Exits 1 and prints the diagnostics if the network has errors.`,
  options: [...networkOptions, { name: "params", help: "add a column with the parameters of each line (of one use)" }],
  async run({ values, positionals }, out) {
    if (positionals.length !== 1) throw new UsageError("netc annotate needs exactly one FILE (a .net file or a library network name)");
    const { file, network } = resolveNet(positionals[0]);
    const { options } = compileOptionsOf(values);
    const r = await compileNet(file, options.network ?? network, out, options);
    if ("code" in r) return r.code;
    out.stdout(annotate(r.sources.get(file)!, r.graph, { params: !!values.params }));
    return EXIT.ok;
  },
});
