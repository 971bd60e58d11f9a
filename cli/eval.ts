// netc eval NET --data DIR --weights W: the metric of NET's task on the held-out split.
import { parseArgs } from "node:util";
import { backendChoice, backendFlags, backendHelp } from "./backend-flags.js";
import type { BackendName } from "../runtime/backend.js";
import { compileNet, EXIT, UsageError, type Out } from "./io.js";

export const evalHelp = `usage: netc eval NET --data DIR [--weights W.safetensors] [--iou X] [--min-score X] [--json]

Scores NET with trained weights on the held-out images of DIR (val.txt of a VOC folder,
every fifth image otherwise), by the metric of its first output's task (docs/tasks.md):
accuracy for classification, mAP@0.5 with VOC's all-point interpolated AP for a \`yolo\`
output, mean IoU for a \`segmentation\` one.

options:
  --data DIR           as for netc train: mnist, class folders, a VOC folder, COCO boxes
  --weights FILE       safetensors weights (a netc train checkpoint); without it, the
                       random initial weights (a baseline)
  --iou X              detection: the per-class NMS IoU threshold (default 0.5)
  --min-score X        detection: keep boxes whose class-specific confidence is above X (default 0.01)
${backendHelp(23)}
  --json               print one JSON object
  -h, --help           show this help`;

export async function evalCommand(argv: string[], out: Out): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { network: { type: "string" }, data: { type: "string" }, weights: { type: "string" }, iou: { type: "string" }, "min-score": { type: "string" }, ...backendFlags, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return out.stdout(evalHelp), EXIT.ok;
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
  const compiled = await compileNet(positionals[0], values.network, out);
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
    if (values.weights) model.loadStateDict(await rt.loadSafetensors(values.weights), { source: values.weights });
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
