// netc eval NET --data DIR --weights W: the metric of NET's task on the held-out split.
import { backendChoice, backendOptions } from "./backend-flags.js";
import type { BackendName } from "../runtime/backend.js";
import { compileWithFlags, EXIT, UsageError, type Out } from "./io.js";
import { outputTask } from "../compiler/tasks.js";
import { defineCommand, intFlag, jsonOption, networkOptions, type OptionSpec, type Values } from "./options.js";

const options = [
  ...networkOptions,
  { name: "data", value: "DIR", help: "as for netc train: mnist, class folders, a VOC folder, COCO boxes" },
  { name: "weights", value: "FILE", help: "weights (safetensors or a PyTorch .pth; a netc train checkpoint);\nwithout it, the random initial weights (a baseline)" },
  { name: "rename", value: "FROM=TO", multiple: true, help: "rename the checkpoint's tensors: FROM a regular expression (repeatable)" },
  { name: "iou", value: "X", help: "detection: the per-class NMS IoU threshold (default 0.5)" },
  { name: "min-score", value: "X", help: "detection: keep boxes whose class-specific confidence is above X\n(default 0.01)" },
  { name: "tta", value: "five-crop|ten-crop", help: "classification on a folder of class folders: each held-out image's\nclass from the averaged probabilities of its five or ten crops\n(as netc run --tta; docs/tasks.md)" },
  { name: "resize", value: "N", help: "--tta: the shorter side before cropping (default: the input's side\nx 256/224)" },
  { name: "vertical-flip", help: "--tta ten-crop: flip vertically instead" },
  ...backendOptions,
  jsonOption,
] as const satisfies readonly OptionSpec[];

export const evalCommand = defineCommand({
  name: "eval",
  args: "NET --data DIR [--weights W.safetensors] [--iou X] [--min-score X]\n[--tta five-crop|ten-crop] [--json]",
  summary: "score trained weights on a data set: accuracy, mAP@0.5 or mean IoU",
  description: `Scores NET with trained weights on the held-out images of DIR (val.txt of a VOC folder,
every fifth image otherwise), by the metric of its first output's task (docs/tasks.md):
accuracy for classification, mAP@0.5 with VOC's all-point interpolated AP for a \`yolo\`
or \`ssd\` output, mean IoU for a \`segmentation\` one.`,
  options,
  run: ({ values, positionals }, out) => evaluate(values, positionals, out),
});

async function evaluate(values: Values<typeof options>, positionals: string[], out: Out): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("netc eval needs exactly one NET");
  if (!values.data) throw new UsageError("netc eval needs --data DIR");
  const unit = (name: string, v: string | undefined, def: number) => {
    const n = v === undefined ? def : Number(v);
    if (!(n >= 0 && n <= 1)) throw new UsageError(`--${name} takes a number from 0 to 1, got ${v}`);
    return n;
  };
  const opts = { iou: unit("iou", values.iou, 0.5), minScore: unit("min-score", values["min-score"], 0.01) };
  if (values.tta && values.tta !== "five-crop" && values.tta !== "ten-crop") throw new UsageError(`--tta takes five-crop or ten-crop, got ${values.tta}`);
  if (!values.tta && (values.resize !== undefined || values["vertical-flip"])) throw new UsageError("--resize and --vertical-flip go with --tta");
  if (values["vertical-flip"] && values.tta !== "ten-crop") throw new UsageError("--vertical-flip goes with --tta ten-crop (five-crop flips nothing)");
  if (values.tta && values.data === "mnist") throw new UsageError("--tta crops image files: mnist's digits are arrays (use a folder of class folders)");
  const tta = values.tta ? { mode: values.tta as "five-crop" | "ten-crop", resize: intFlag("resize", values.resize, 1), vertical: !!values["vertical-flip"] } : undefined;
  const [backend, backendOptions] = backendChoice(values);
  if (backend.startsWith("onnxruntime")) throw new UsageError("netc eval runs on auto, webgpu, wasm or cpu");
  const compiled = await compileWithFlags(positionals[0], values, out);
  if ("code" in compiled) return compiled.code;
  const kind = outputTask(compiled.graph).kind;
  if (tta && kind !== "classification")
    throw new UsageError(`--tta averages class probabilities; it is not defined for ${kind} outputs (boxes or masks of crops would need mapping back to the image and merging), so netc refuses it`);
  const rt = await import("../runtime/index.js");
  const { DataError } = await import("../runtime/data.js");
  const { trainingSetup } = await import("../runtime/tasks/setup.js");
  const { TaskDataError } = await import("../runtime/tasks/voc.js");
  const { evaluateTask, formatEval } = await import("../runtime/tasks/evaluate.js");
  const { ttaAccuracy } = await import("../runtime/tta.js");
  let model: InstanceType<typeof rt.Model> | undefined;
  try {
    await rt.useBackend(backend as BackendName, backendOptions);
    const { task, data } = trainingSetup(compiled.graph, values.data);
    model = new rt.Model(compiled.graph);
    if (values.weights) model.loadStateDict(await rt.loadWeights(values.weights, { rename: values.rename }), { source: values.weights });
    else out.stderr("netc eval: no --weights: scoring the random initial weights");
    const input = compiled.graph.nodes[compiled.graph.inputs[0].node].shape as number[];
    const r = tta ? { task: "classification" as const, tta: tta.mode, ...(await ttaAccuracy(model, values.data, input, tta)) } : await evaluateTask(model, task, data, opts);
    if (values.json) out.stdout(JSON.stringify({ network: compiled.graph.network, data: values.data, ...r }));
    else for (const line of formatEval(r)) out.stdout(line);
    return EXIT.ok;
  } catch (e) {
    if ([DataError, TaskDataError, rt.WeightsError, rt.WeightsMismatchError, rt.ImageError, rt.RuntimeError, rt.BackendError].some((k) => e instanceof k)) {
      out.stderr(`netc eval: ${(e as Error).message}`);
      return EXIT.errors;
    }
    throw e;
  } finally {
    model?.dispose();
  }
}
