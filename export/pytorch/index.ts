// netc to PyTorch: readable source whose module tree gives exactly the state_dict
// names and shapes of `netc summary --json` (export/pytorch/plan.ts decides the
// modules and classes, emit.ts writes them), and a DistributedDataParallel training
// script beside it (train.ts).
import type { Graph } from "../../compiler/ir.js";
import { dimEquals } from "../../compiler/symbolic.js";
import { Emitter } from "./emit.js";
import { Plan } from "./plan.js";
import { trainScript } from "./train-script.js";
import { layerCtor } from "./layers.js";

/** A network the PyTorch export cannot write (yet): its message names the ops. */
export class PytorchExportError extends Error {}

/** Ops written inline in forward (emit.ts); every other op needs a module (layers.ts). */
const INLINE = new Set(["input", "add", "mul", "concat", "reshape", "permute", "crop"]);

/** The ops of the network that have no PyTorch form in the export yet, each once. */
export function unsupportedOps(graph: Graph): string[] {
  const out = new Set<string>();
  for (const n of graph.nodes) {
    const rank = n.inputs.length ? (graph.nodes[n.inputs[0]].shape?.length ?? 3) : 3;
    if (!INLINE.has(n.op) && !layerCtor(n, rank)) out.add(n.op);
  }
  return [...out].sort();
}

export interface PytorchOptions {
  /** Where the network came from, for the file's first line (a path or a library name). */
  source?: string;
}

/** PyTorch source for the network: one nn.Module class per block, the network's class last. */
export function exportPytorch(graph: Graph, opts: PytorchOptions = {}): string {
  const missing = unsupportedOps(graph);
  if (missing.length)
    throw new PytorchExportError(`the PyTorch export has no form yet for ${missing.join(", ")} (in ${graph.network}); ONNX export (--format onnx) covers every op`);
  const plan = new Plan(graph, cropReferences(graph));
  const from = !opts.source ? "" : opts.source === graph.network ? " (netc's library)" : ` from ${opts.source}`;
  const header = `"""${graph.network}${from}, exported by netc.\n\nParameter and buffer names are those of \`netc summary --json\`: netc checkpoints\n(safetensors) load with load_state_dict(strict=True).\n"""`;
  return new Emitter(plan).source(header);
}

/** The class name of the network's module in the exported source. */
export function networkClassName(graph: Graph): string {
  return new Plan(graph, cropReferences(graph)).root.cls!.name;
}

/**
 * A crop whose window has a symbolic size (FCN's `crop [upscore2.height, …]`) reads
 * that size off a value at run time: a network input, or the latest earlier value with
 * the same height and width, equal for every input size.
 */
function cropReferences(graph: Graph): Map<number, number[]> {
  const refs = new Map<number, number[]>();
  for (const n of graph.nodes) {
    if (n.op !== "crop" || !n.shape || n.shape.slice(1).every((d) => typeof d === "number")) continue;
    const fits = (id: number) => {
      const s = graph.nodes[id].shape;
      return !!s && s.length === 3 && dimEquals(s[1], n.shape![1]) && dimEquals(s[2], n.shape![2]);
    };
    const earlier = graph.nodes.slice(0, n.id).map((m) => m.id).reverse();
    const ref = [...graph.inputs.map((p) => p.node), ...earlier].find(fits);
    if (ref === undefined) throw new Error(`crop ${n.name} has a symbolic window that no earlier value's size gives`);
    refs.set(n.id, [ref]);
  }
  return refs;
}

/** The files of `--format pytorch-train`: model.py and train.py, by name. */
export function exportPytorchTraining(graph: Graph, opts: PytorchOptions = {}): Map<string, string> {
  const input = graph.nodes[graph.inputs[0].node].shape!;
  const output = graph.nodes[graph.outputs[0].node].shape!;
  if (input.some((d) => typeof d !== "number") || output.length !== 1 || typeof output[0] !== "number")
    throw new Error(`pytorch-train needs a classifier with a concrete input size (--input CxHxW) and one dimension of classes out; ${graph.network} gives ${output.length} dimensions`);
  const script = trainScript({
    network: graph.network,
    className: networkClassName(graph),
    input: input as number[],
    classes: output[0],
    outputs: graph.outputs.length,
  });
  return new Map([["model.py", exportPytorch(graph, opts)], ["train.py", script]]);
}
