// netc export NET --format pytorch|pytorch-train: PyTorch source for a network, or a
// DistributedDataParallel training script beside it (export/pytorch/).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { exportPytorch, exportPytorchTraining, PytorchExportError } from "../export/pytorch/index.js";
import { compileWithFlags, EXIT, UsageError, writeFileAtomically, type NetworkFlags, type Out } from "./io.js";

/** The export command's part for --format pytorch and pytorch-train (cli/export.ts has the options). */
export async function exportPytorchCommand(values: NetworkFlags & { format?: string; output?: string }, positionals: string[], out: Out): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("netc export needs exactly one NET (a file or a library network name)");
  const format = values.format ?? "pytorch";
  if (format !== "pytorch" && format !== "pytorch-train") throw new UsageError(`--format takes pytorch or pytorch-train here, got ${format}`);
  if (format === "pytorch-train" && !values.output) throw new UsageError("--format pytorch-train needs -o DIR");
  const r = await compileWithFlags(positionals[0], values, out);
  if ("code" in r) return r.code;
  const source = positionals[0];
  if (format === "pytorch") {
    let text: string;
    try {
      text = exportPytorch(r.graph, { source });
    } catch (e) {
      if (!(e instanceof PytorchExportError)) throw e;
      out.stderr(`netc export: ${e.message}`);
      return EXIT.errors;
    }
    if (values.output) writeFileAtomically(values.output, text);
    else out.stdout(text);
    return EXIT.ok;
  }
  let files: Map<string, string>;
  try {
    files = exportPytorchTraining(r.graph, { source });
  } catch (e) {
    out.stderr(`netc export: ${(e as Error).message}`);
    return EXIT.errors;
  }
  mkdirSync(values.output!, { recursive: true });
  for (const [name, text] of files) writeFileAtomically(join(values.output!, name), text);
  out.stderr(`netc export: wrote ${[...files.keys()].map((f) => join(values.output!, f)).join(", ")}`);
  return EXIT.ok;
}
