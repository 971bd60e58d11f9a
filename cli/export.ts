// netc export NET --format onnx -o model.onnx: the compiled network and its weights as
// an ONNX model (export/onnx), written atomically.
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { compileWithFlags, EXIT, UsageError, writeFileAtomically } from "./io.js";
import { exportPytorchCommand } from "./export-pytorch.js";
import { defineCommand, intFlag, networkOptions } from "./options.js";

export const exportCommand = defineCommand({
  name: "export",
  args: `NET --format onnx -o FILE [--weights W.safetensors] [--input CxHxW]
[--batch N|dynamic] [--opset N] [--fold-batchnorm] [--external-data] [options]
netc export NET --format pytorch [-o model.py]
netc export NET --format pytorch-train -o DIR`,
  summary: "write the network as ONNX (with its weights) or PyTorch source (--format)",
  description: `onnx: NET (a .net file or a bundled network) as an ONNX model: the graph the runtime
runs, its weights as initializers named by their state-dict names, the inputs and
outputs named as in the network, and a dynamic batch dimension unless --batch fixes it.
Without --weights the model carries PyTorch-style random initial weights.

pytorch: readable PyTorch source, one nn.Module class per block, the network's class
last; its state_dict has the names and shapes of \`netc summary --json\`, so netc's
safetensors checkpoints load with load_state_dict(strict=True). Printed without -o.

pytorch-train: DIR/model.py and DIR/train.py, a DistributedDataParallel script with
netc train's optimizer, data, augmentation, freezing and checkpoints, started with
torchrun on one machine or several (docs/export.md).`,
  options: [
    { name: "format", value: "F", help: "onnx (default), pytorch or pytorch-train" },
    { name: "output", short: "o", value: "FILE", help: "the file to write (written whole or not at all); pytorch-train: a directory" },
    ...networkOptions,
    { name: "weights", value: "FILE", help: "onnx: weights (safetensors or a PyTorch .pth), names as in `netc summary NET --json`" },
    { name: "rename", value: "FROM=TO", multiple: true, help: "rename the checkpoint's tensors: FROM a regular expression (repeatable;\n--rename '^conv1=features.0')" },
    { name: "strict", value: "false", help: "onnx: export what fits and keep initial weights for the rest" },
    { name: "batch", value: "N|dynamic", help: "onnx: a fixed batch size, or dynamic (default)" },
    { name: "opset", value: "N", help: "onnx: the ONNX opset, 13 to 21 (default 17)" },
    { name: "fold-batchnorm", help: "onnx: fold each batch norm into the convolution before it" },
    { name: "external-data", help: `onnx: store the weights in FILE.data beside the model (ONNX external
data: for models over protobuf's 2 GB limit)` },
  ],
  async run({ values, positionals }, out) {
  if (values.format === "pytorch" || values.format === "pytorch-train") return exportPytorchCommand(values, positionals, out);
  if (positionals.length !== 1) throw new UsageError("netc export needs exactly one NET");
  if ((values.format ?? "onnx") !== "onnx") throw new UsageError(`--format takes onnx, pytorch or pytorch-train; got ${values.format}`);
  if (!values.output) throw new UsageError("netc export needs -o FILE, the file to write");
  if (values.strict !== undefined && !["true", "false"].includes(values.strict)) throw new UsageError("--strict takes true or false");
  const batch = values.batch === undefined || values.batch === "dynamic" ? "dynamic" : Number(values.batch);
  if (batch !== "dynamic" && !(Number.isInteger(batch) && batch > 0)) throw new UsageError(`--batch takes a positive whole number or dynamic, got ${values.batch}`);
  const opset = intFlag("opset", values.opset);

  const compiled = await compileWithFlags(positionals[0], values, out);
  if ("code" in compiled) return compiled.code;
  const graph = compiled.graph;
  const [onnx, session, weights, model] = await Promise.all([
    import("../export/onnx/index.js"),
    import("../export/onnx/session.js"),
    import("../runtime/pth.js"),
    import("../runtime/model.js"),
  ]);
  try {
    let state;
    if (values.weights) {
      const fitted = session.fitStateDict(graph, await weights.loadWeights(values.weights, { rename: values.rename }), { strict: values.strict !== "false", source: values.weights });
      const r = fitted.report;
      if (r.missing.length + r.unexpected.length + r.mismatched.length)
        out.stderr(`netc export: loaded ${r.loaded.length} tensors; ${r.missing.length} missing, ${r.unexpected.length} unexpected, ${r.mismatched.length} of another shape (--strict false)`);
      state = fitted.state;
    } else {
      out.stderr("netc export: no --weights: exporting random initial weights");
      state = session.randomStateDict(graph);
    }
    const options = { opset, batch: batch as number | "dynamic", foldBatchNorm: values["fold-batchnorm"] };
    let size: number;
    if (values["external-data"]) {
      const location = `${basename(values.output)}.data`;
      const { model, external } = onnx.exportOnnxExternal(graph, state, location, options);
      writeChunksAtomically(join(dirname(values.output), location), external.chunks); // the weights first, then the model that names them
      writeFileAtomically(values.output, model);
      size = model.length + external.length;
    } else {
      const bytes = onnx.exportOnnx(graph, state, options);
      writeFileAtomically(values.output, bytes);
      size = bytes.length;
    }
    out.stderr(`wrote ${values.output}: ${graph.network}, ONNX opset ${opset ?? onnx.DEFAULT_OPSET}, batch ${batch}, ${(size / 2 ** 20).toFixed(1)} MiB`);
    return EXIT.ok;
  } catch (e) {
    const known = [onnx.ExportError, weights.WeightsError, model.WeightsMismatchError];
    const fsError = typeof (e as { code?: unknown }).code === "string" && /^E[A-Z]+$/.test((e as { code: string }).code);
    if (known.some((k) => e instanceof k) || fsError) {
      out.stderr(`netc export: ${fsError ? `cannot write ${values.output}: ` : ""}${(e as Error).message}`);
      return EXIT.errors;
    }
    throw e;
  }
  },
});

/** Pieces of a file at their offsets, through a temporary file and a rename. */
function writeChunksAtomically(file: string, chunks: { offset: number; bytes: Uint8Array }[]) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, "w");
    try {
      for (const c of chunks) writeSync(fd, c.bytes, 0, c.bytes.length, c.offset);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
