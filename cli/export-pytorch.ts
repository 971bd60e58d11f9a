// netc export NET --format pytorch|pytorch-train: PyTorch source for a network, or a
// DistributedDataParallel training script beside it (export/pytorch/).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { exportPytorch, exportPytorchTraining, PytorchExportError } from "../export/pytorch/index.js";
import { compileNet, EXIT, UsageError, writeFileAtomically, type Out } from "./io.js";

export const exportPytorchHelp = `usage: netc export NET --format pytorch [-o model.py]
       netc export NET --format pytorch-train -o DIR
                  [--network NAME] [--input CxHxW] [--set key=value]...

pytorch: readable PyTorch source, one nn.Module class per block, the network's class
last; its state_dict has the names and shapes of \`netc summary --json\`, so netc's
safetensors checkpoints load with load_state_dict(strict=True). Printed without -o.

pytorch-train: DIR/model.py and DIR/train.py, a DistributedDataParallel script with
netc train's optimizer, data, augmentation, freezing and checkpoints, started with
torchrun on one machine or several (docs/export.md).

options:
  --format F       pytorch or pytorch-train
  -o, --output P   the file (pytorch) or the directory (pytorch-train) to write
  --network NAME   the network of the file (default: its last one)
  --input SHAPE    replace the first input's shape, e.g. 3x512x512
  --set KEY=VALUE  set a network argument (--set classes=10)
  -h, --help       show this help`;

export async function exportPytorchCommand(argv: string[], out: Out): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: "string" },
      output: { type: "string", short: "o" },
      network: { type: "string" },
      input: { type: "string" },
      set: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return out.stdout(exportPytorchHelp), EXIT.ok;
  if (positionals.length !== 1) throw new UsageError("netc export needs exactly one NET (a file or a library network name)");
  const format = values.format ?? "pytorch";
  if (format !== "pytorch" && format !== "pytorch-train") throw new UsageError(`--format takes pytorch or pytorch-train here, got ${format}`);
  if (format === "pytorch-train" && !values.output) throw new UsageError("--format pytorch-train needs -o DIR");
  const set: Record<string, string> = {};
  for (const kv of values.set ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(kv);
    if (!m) throw new UsageError(`--set takes key=value, got ${kv}`);
    set[m[1]] = m[2];
  }
  const r = await compileNet(positionals[0], values.network, out, { set, input: values.input });
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
