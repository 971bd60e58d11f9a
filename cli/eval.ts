// netc eval NET --data DIR --weights W: the metric of NET's task on the held-out split.
import { backendChoice, backendOptions } from "./backend-flags.js";
import type { BackendName } from "../runtime/backend.js";
import { compileWithFlags, EXIT, UsageError, type Out } from "./io.js";
import { defineCommand, jsonOption, networkOptions, type OptionSpec, type Values } from "./options.js";

const options = [
  ...networkOptions,
  { name: "data", value: "DIR", help: "as for netc train: mnist, class folders, a VOC folder, COCO boxes" },
  { name: "weights", value: "FILE", help: "weights (safetensors or a PyTorch .pth; a netc train checkpoint);\nwithout it, the random initial weights (a baseline)" },
  { name: "rename", value: "FROM=TO", multiple: true, help: "rename the checkpoint's tensors: FROM a regular expression (repeatable)" },
  { name: "iou", value: "X", help: "detection: the per-class NMS IoU threshold (default 0.5)" },
  { name: "min-score", value: "X", help: "detection: keep boxes whose class-specific confidence is above X\n(default 0.01)" },
  ...backendOptions,
  jsonOption,
] as const satisfies readonly OptionSpec[];

export const evalCommand = defineCommand({
  name: "eval",
  args: "NET --data DIR [--weights W.safetensors] [--iou X] [--min-score X] [--json]",
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
  const [backend, backendOptions] = backendChoice(values);
  if (backend.startsWith("onnxruntime")) throw new UsageError("netc eval runs on auto, webgpu, wasm or cpu");
  const compiled = await compileWithFlags(positionals[0], values, out);
  if ("code" in compiled) return compiled.code;
  const rt = await import("../runtime/index.js");
  const { DataError } = await import("../runtime/data.js");
  const { trainingSetup } = await import("../runtime/tasks/setup.js");
  const { TaskDataError } = await import("../runtime/tasks/voc.js");
  const { evaluateTask, formatEval } = await import("../runtime/tasks/evaluate.js");
  let model: InstanceType<typeof rt.Model> | undefined;
  try {
    await rt.useBackend(backend as BackendName, backendOptions);
    const { task, data } = trainingSetup(compiled.graph, values.data);
    model = new rt.Model(compiled.graph);
    if (values.weights) model.loadStateDict(await rt.loadWeights(values.weights, { rename: values.rename }), { source: values.weights });
    else out.stderr("netc eval: no --weights: scoring the random initial weights");
    const r = await evaluateTask(model, task, data, opts);
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
