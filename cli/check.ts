// netc check FILE...: parse, resolve, elaborate and shape-check every network of each file.
import { checkFile } from "../compiler/check-file.js";
import { EXIT, report, UsageError } from "./io.js";
import { defineCommand } from "./options.js";

export const checkCommand = defineCommand({
  name: "check",
  args: "FILE...",
  summary: "check files: syntax, names, shapes (exit 1 on errors)",
  description: `Parses each file, resolves its names and imports, checks every block (used or not),
elaborates every network it declares with its default arguments, and checks every
shape. Prints the located diagnostics and exits 1 if any file has an error, 0
otherwise.`,
  options: [],
  async run({ positionals }, out) {
    if (positionals.length === 0) throw new UsageError("netc check needs at least one file");
    let code: number = EXIT.ok;
    for (const file of positionals) {
      const r = await checkFile(file);
      let fileCode: number = EXIT.ok;
      for (const { diagnostics } of r.reports) fileCode = Math.max(fileCode, report(diagnostics, r.sources, out));
      const { networks } = r;
      if (fileCode === EXIT.ok) out.stdout(`${file}: ok (${networks.length} network${networks.length === 1 ? "" : "s"}${networks.length ? `: ${networks.join(", ")}` : ""})`);
      code = Math.max(code, fileCode);
    }
    return code;
  },
});
