// netc run NET --input X: executes a network on an image or a .npy array, with weights
// from a safetensors file, and prints the top classes or writes the output.
import { outputTask } from "../compiler/tasks.js";
import { formatShape } from "../compiler/values.js";
import { backendChoice, backendOptions, inferenceChoice } from "./backend-flags.js";
import { compileWithFlags, EXIT, UsageError, writeFileAtomically, type Out } from "./io.js";
import { defineCommand, type OptionSpec, type Values, intFlag, networkOptions } from "./options.js";
import { checkMemory, MemoryLimitError } from "../runtime/memory-estimate.js";
import { countNonFinite, nonFiniteTensors } from "../runtime/finite.js";
import { checkOutputPath } from "../runtime/io-safety.js";

const options = [
  networkOptions[0],
  networkOptions[2],
  { name: "weights", value: "FILE", help: "weights: safetensors, or a PyTorch state dict (.pth/.pt), names as in\n`netc summary NET --json`" },
  { name: "rename", value: "FROM=TO", multiple: true, help: "rename the checkpoint's tensors: FROM a regular expression (repeatable;\n--rename '^conv1=features.0')" },
  { name: "strict", value: "false", help: "load what fits and report the rest (default: every tensor must match)" },
  { name: "input", value: "FILE", help: "the image or .npy array (its shape sets a 3xHxW network's size)" },
  { name: "output", value: "FILE", help: `write the output as a float32 .npy array; a network of several
outputs writes its first to FILE and each other one beside it,
named after it (y.npy, y.aux1.npy, y.aux2.npy)` },
  { name: "top", value: "K", help: "print the K most probable classes (default 5 for a class vector)" },
  { name: "labels", value: "FILE|imagenet", help: "class names: a text file with one name per line, or imagenet" },
  ...backendOptions,
  { name: "resize", value: "N", help: `image: shorter side resized to N first (default 256 for 224x224
networks, else resized to the network's input size; 0 skips)` },
  { name: "crop", value: "N", help: "image: center crop to N x N (default 224 for 224x224 networks; 0 skips)" },
  { name: "tta", value: "five-crop|ten-crop", help: `classification: average the softmax probabilities of torchvision's
FiveCrop (4 corners, centre) or TenCrop (and their mirror images)
of the image resized to --resize (default: the input's side x 256/224)` },
  { name: "vertical-flip", help: "--tta ten-crop: flip vertically instead (TenCrop's vertical_flip)" },
  { name: "mean", value: "a,b,c", help: "image: normalisation mean (default ImageNet's)" },
  { name: "std", value: "a,b,c", help: "image: normalisation standard deviation (default ImageNet's)" },
  { name: "allow-nonfinite", help: "NaN or infinite outputs are reported but not an error (exit 0)" },
  { name: "json", help: "detection: the detections as JSON (class, score, box in the image's pixels)" },
  { name: "draw", value: "FILE", help: "detection, segmentation: the image with the boxes or the mask drawn\nover it (PNG; docs/tasks.md)" },
  { name: "mask", value: "FILE", help: "segmentation: the class of each pixel as a palette PNG (VOC's colours)" },
  { name: "iou", value: "X", help: "detection: per-class NMS IoU threshold (default 0.5)" },
  { name: "min-score", value: "X", help: "detection: keep class-specific confidences above X (default 0.2)" },
] as const satisfies readonly OptionSpec[];
type RunValues = Values<typeof options>;

export const runCommand = defineCommand({
  name: "run",
  args: `NET --input X [--weights W.safetensors] [--output Y.npy] [--top K]
[--labels FILE|imagenet] [--backend B] [--adapter A] [options]`,
  summary: "run a network on an image or .npy array, with safetensors weights",
  description: `Runs NET (a .net file or a bundled network) in inference mode on X: a JPEG or PNG
image, preprocessed like torchvision's ImageNet transform (resize the shorter side
to 256, center-crop 224, scale to [0, 1], normalise), or a float32 .npy array in NCHW
layout. Weights are loaded by name from a safetensors file in PyTorch's layout; without
--weights the network runs on PyTorch-style random initial weights.`,
  options,
  run: ({ values, positionals }, out) => run(values, positionals, out),
});


async function run(values: RunValues, positionals: string[], out: Out): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("netc run needs exactly one NET");
  if (!values.input) throw new UsageError("netc run needs --input (an image or a .npy array)");
  if (values.strict !== undefined && !["true", "false"].includes(values.strict)) throw new UsageError("--strict takes true or false");
  const top = intFlag("top", values.top, 1);
  const tta = ttaFlags(values);

  if (values.output) checkOutputPath(values.output, "the output");
  const flags = { network: values.network, set: values.set };
  let compiled = await compileWithFlags(positionals[0], flags, out);
  if ("code" in compiled) return compiled.code;

  const rt = await import("../runtime/index.js");
  const known: (abstract new (...args: never[]) => Error)[] = [rt.WeightsError, rt.WeightsMismatchError, rt.NpyError, rt.ImageError, rt.RuntimeError, rt.BackendError, MemoryLimitError];
  const made: { dispose(): void }[] = []; // freed at the end: main may run again in this process
  try {
    const [backend, backendOptions] = await inferenceChoice(backendChoice(values));
    // --backend onnxruntime[-cpu|-webgpu|-cuda]: the network exported to ONNX and run by onnxruntime-node
    const ox = backend.startsWith("onnxruntime") ? await import("../export/onnx/session.js") : undefined;
    known.push(...(ox ? [ox.OnnxRuntimeError, ox.ExportError] : []));
    const tf = ox ? undefined : await rt.useBackend(backend as never, backendOptions);
    const declared = compiled.graph.nodes[compiled.graph.inputs[0].node].shape!;
    const symbolic = declared.some((d) => typeof d !== "number");
    if (tta) checkTta(outputTask(compiled.graph).kind, declared, values.input);
    const x = tta ? await rt.loadTtaInput(values.input, declared as number[], { ...tta, mean: inputOptions(values).mean, std: inputOptions(values).std }) : await rt.loadInput(values.input, declared, inputOptions(values));
    if (x.shape.includes(0)) throw new rt.RuntimeError(`${values.input} holds no values (shape ${x.shape.join("x")}): nothing to run`);
    if (symbolic) {
      // A network of any size (3xHxW, a convolutionized classifier) is compiled for this input.
      compiled = await compileWithFlags(positionals[0], flags, out, { input: x.shape.slice(1).join("x") });
      if ("code" in compiled) return compiled.code;
    }
    const graph = compiled.graph;
    const want = graph.nodes[graph.inputs[0].node].shape as number[];
    const got = x.shape.slice(1);
    if (got.join("x") !== want.join("x"))
      throw new rt.RuntimeError(`the input is ${got.join("x")} but ${graph.network} takes ${formatShape(want)} (as N x C x H x W)`);
    checkMemory(graph, compiled.counts, { batch: x.shape[0], backend: tf?.getBackend() ?? backend }); // before allocating
    // Every output, in the graph's order.
    let outs: { shape: number[]; data: Float32Array }[];
    let weights = new Map() as Awaited<ReturnType<Runtime["loadSafetensors"]>>;
    if (ox) {
      const os = await ox.runOnce(graph, { shape: x.shape, data: Float32Array.from(x.data) }, { ...values, backend, warn: (s) => out.stderr(`netc run: ${s}`) });
      outs = os.map((o) => ({ shape: o.shape, data: o.data }));
    } else {
      const model = new rt.Model(graph);
      made.push(model);
      if (values.weights) {
        weights = await rt.loadWeights(values.weights, { rename: values.rename });
        const r = model.loadStateDict(weights, { strict: values.strict !== "false", source: values.weights });
        const skipped = r.missing.length + r.unexpected.length + r.mismatched.length;
        if (skipped) out.stderr(`netc run: loaded ${r.loaded.length} tensors; ${r.missing.length} missing, ${r.unexpected.length} unexpected, ${r.mismatched.length} of another shape (--strict false)`);
      } else out.stderr("netc run: no --weights: running on random initial weights");
      const input = tf!.tensor(x.data, x.shape);
      made.push(input);
      const ys = model.forward([input]);
      made.push(...ys);
      outs = [];
      for (const t of ys) outs.push({ shape: t.shape, data: (await t.data()) as Float32Array });
    }
    const y = { shape: outs[0].shape, rank: outs[0].shape.length };
    let data = outs[0].data;
    const nonFinite = outs.reduce((n, o) => n + countNonFinite(o.data), 0);
    if (nonFinite) {
      if (values.weights && !weights.size) weights = await rt.loadWeights(values.weights, { rename: values.rename }); // onnxruntime read them itself
      const why = values.weights && nonFiniteTensors(weights).length ? `; NaN or Inf in ${values.weights}: ${nonFiniteTensors(weights).slice(0, 3).join(", ")}` : "";
      out.stderr(`netc run: ${nonFinite} of the ${outs.reduce((n, o) => n + o.data.length, 0)} output values are NaN or infinite${why}`);
      if (!values["allow-nonfinite"]) return EXIT.errors;
    }
    if (values.output)
      for (const [i, o] of outs.entries()) {
        const name = graph.outputs[i].name;
        const path = i === 0 ? values.output : outputPath(values.output, name);
        writeFileAtomically(path, rt.writeNpy(o.shape, o.data));
        out.stderr(`wrote ${path} (${graph.outputs.length > 1 ? `${name}, ` : ""}${o.shape.join("x")})`);
      }
    const labels = labelsOf(rt, values.labels);
    const task = outputTask(graph);
    if (task.kind !== "classification") {
      const { presentTask } = await import("../runtime/tasks/present.js");
      const unit = (v: string | undefined, def: number) => (v === undefined ? def : Number(v) >= 0 && Number(v) <= 1 ? Number(v) : NaN);
      const o = { json: values.json, draw: values.draw, mask: values.mask, minScore: unit(values["min-score"], 0.2), iou: unit(values.iou, 0.5), classes: labels };
      if (Number.isNaN(o.minScore) || Number.isNaN(o.iou)) throw new UsageError("--iou and --min-score take a number from 0 to 1");
      const r = presentTask(task, { shape: y.shape, data }, values.input, [want[2], want[1]], o);
      for (const [path, bytes] of r.files) (checkOutputPath(path, "the output"), writeFileAtomically(path, bytes), out.stderr(`wrote ${path}`));
      for (const line of r.lines) out.stdout(line);
      return EXIT.ok;
    }
    if (tta) {
      if (y.rank !== 2) throw new rt.RuntimeError(`--tta averages class vectors; ${graph.network}'s output is ${y.shape.slice(1).join("x")} per image`);
      out.stderr(`netc run: probabilities averaged over the ${y.shape[0]} crops of ${tta.mode}${tta.vertical ? " (vertical flips)" : ""}; score is their log`);
      data = rt.averagedProbabilities(data, y.shape[0], y.shape[1]).map(Math.log); // softmax(log p) = p
      y.shape = [1, y.shape[1]];
    }
    if (y.rank === 4 && (top !== undefined || !values.output)) printClassMap(rt, out, data, y.shape, top ?? 5, labels);
    else if (top !== undefined || (!values.output && y.rank === 2)) printTop(rt, out, data, y.shape, top ?? 5, labels);
    else if (!values.output) out.stdout(`output ${y.shape.join("x")}`);
    return EXIT.ok;
  } catch (e) {
    if (known.some((k) => e instanceof k)) {
      out.stderr(`netc run: ${(e as Error).message}`);
      return EXIT.errors;
    }
    throw e;
  } finally {
    for (const t of made) t.dispose();
  }
}

/** Where an output other than the first goes: y.npy -> y.aux1.npy. */
export function outputPath(first: string, name: string): string {
  const dot = first.toLowerCase().endsWith(".npy") ? first.length - 4 : first.length;
  return `${first.slice(0, dot)}.${name}.npy`;
}

type Runtime = typeof import("../runtime/index.js");

/** --tta's mode and resize, checked before anything loads; undefined without --tta. */
function ttaFlags(v: RunValues) {
  if (!v.tta) {
    if (v["vertical-flip"]) throw new UsageError("--vertical-flip goes with --tta ten-crop");
    return undefined;
  }
  if (v.tta !== "five-crop" && v.tta !== "ten-crop") throw new UsageError(`--tta takes five-crop or ten-crop, got ${v.tta}`);
  if (v["vertical-flip"] && v.tta !== "ten-crop") throw new UsageError("--vertical-flip goes with --tta ten-crop (five-crop flips nothing)");
  if (v.crop !== undefined) throw new UsageError("--tta crops the network's input size itself: leave out --crop");
  return { mode: v.tta as "five-crop" | "ten-crop", resize: intFlag("resize", v.resize, 1), vertical: !!v["vertical-flip"] };
}

/** What --tta is defined for: a classifier of a fixed input size, on an image. */
function checkTta(kind: string, declared: unknown[], input: string) {
  if (kind !== "classification")
    throw new UsageError(`--tta averages class probabilities; it is not defined for ${kind} outputs (boxes or masks of crops would need mapping back to the image and merging), so netc refuses it`);
  if (declared.some((d) => typeof d !== "number")) throw new UsageError("--tta crops the network's input size: this network's input has symbolic sizes");
  if (input.endsWith(".npy")) throw new UsageError("--tta crops an image file, not a .npy array");
}

function inputOptions(v: RunValues) {
  const list = (s: unknown) => (s === undefined ? undefined : String(s).split(",").map(Number));
  const num = (s: unknown) => (s === undefined ? undefined : Number(s));
  return { resize: num(v.resize), crop: num(v.crop), mean: list(v.mean), std: list(v.std) };
}

function labelsOf(rt: Runtime, spec: string | undefined): string[] | undefined {
  if (!spec) return undefined;
  try {
    return rt.readLabels(spec);
  } catch (e) {
    if (e instanceof rt.LabelsError) throw new UsageError(e.message);
    throw e;
  }
}

/** Softmax probabilities of each sample's class scores, best first, under a header row. */
function printTop(rt: Runtime, out: Out, scores: Float32Array, shape: number[], k: number, labels?: string[]) {
  const n = shape[shape.length - 1];
  const samples = shape.length > 1 ? shape[0] : 1;
  if (labels && labels.length !== n) out.stderr(`netc run: ${labels.length} labels for ${n} classes`);
  for (let s = 0; s < samples; s++) {
    if (samples > 1) out.stdout(`${s ? "\n" : ""}sample ${s}:`);
    out.stdout(`${"class".padStart(5)}  ${"prob".padStart(7)}  ${"score".padStart(9)}${labels ? "  label" : ""}`);
    for (const r of rt.topClasses(scores.subarray(s * n, (s + 1) * n), [1, n], k))
      out.stdout(`${String(r.index).padStart(5)}  ${(100 * r.probability).toFixed(2).padStart(6)}%  ${r.score.toFixed(4).padStart(9)}  ${labels?.[r.index] ?? ""}`.trimEnd());
  }
}

/** Dense prediction: the grid of each cell's top class, then the averaged scores ranked. */
function printClassMap(rt: Runtime, out: Out, scores: Float32Array, shape: number[], k: number, labels?: string[]) {
  const [, c, h, w] = shape;
  const { grid, mean } = rt.classMap(scores, shape);
  out.stdout(`class map ${h}x${w} (top class of each cell):`);
  const width = String(c - 1).length;
  for (const row of grid) out.stdout(row.map((b) => String(b).padStart(width)).join(" "));
  out.stdout(`averaged over the ${h * w} cells:`);
  printTop(rt, out, mean, [1, c], k, labels);
}
