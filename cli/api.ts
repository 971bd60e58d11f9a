// netc as a library: `import { compile, summarize, ... } from "netc"` (package.json's
// "exports"). The same steps as the commands, as typed functions that return values and
// throw errors with a readable message instead of printing; docs/api.md shows each.
import { compileFile, type CompileOptions } from "../compiler/compile.js";
import type { Counts } from "../compiler/count.js";
import type { Graph } from "../compiler/ir.js";
import { findLibraryNetwork, libraryNetworks } from "../compiler/modules.js";
import { summaryJson, summaryTable } from "../compiler/summary.js";
import { hasErrors, type Diagnostic } from "../syntax/diagnostics.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";
import { SourceFile } from "../syntax/source.js";
import type { BackendName } from "../runtime/backend.js";
import type { Model } from "../runtime/model.js";
import type { TrainResult } from "../runtime/train.js";
import type { StateTensor } from "../runtime/state.js";

export type { Graph, Counts, Diagnostic, Model, TrainResult, BackendName, StateTensor };

/** A compiled network: its graph (layers, shapes), its counts (parameters, MACs, memory). */
export interface Network {
  name: string;
  graph: Graph;
  counts: Counts;
  /** Warnings the compiler gave (errors throw a CompileError instead). */
  warnings: Diagnostic[];
}

/** A file that does not compile: `message` is the located diagnostics, as the CLI prints them. */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(message);
    this.name = "CompileError";
  }
}

export interface CompileInput {
  /** Which network of the file (default: its last). */
  network?: string;
  /** Network arguments as .net expressions: { classes: "10" }. */
  set?: Record<string, string>;
  /** The first input's shape without the batch: "3x224x224", or "3xHxW" for symbolic sizes. */
  input?: string;
  /** The file's text, instead of reading `file` from disk. */
  text?: string;
}

/**
 * Compiles a .net file, or a network of the bundled library by name ("resnet50").
 * Throws a CompileError whose message holds the located diagnostics.
 */
export async function compile(file: string, opts: CompileInput = {}): Promise<Network> {
  const library = opts.text === undefined && !/[/\\]|\.net$/.test(file) ? findLibraryNetwork(file) : undefined;
  const options: CompileOptions = { ...opts, network: opts.network ?? (library ? file : undefined) };
  const r = await compileFile(library ?? file, options);
  if (hasErrors(r.diagnostics) || !r.graph || !r.counts)
    throw new CompileError(renderDiagnostics(r.diagnostics, r.sources, { color: false }), r.diagnostics);
  return { name: r.graph.network, graph: r.graph, counts: r.counts, warnings: r.diagnostics };
}

/** The bundled networks' names (`netc list`). */
export const libraryNames = (): string[] => libraryNetworks().map((n) => n.name);

/** `netc summary`'s table (blocks folded below `depth`, default 3). */
export function summarize(net: Network, opts: { depth?: number } = {}): string {
  return summaryTable(net.graph, net.counts, opts);
}

/** `netc summary --json`'s object: inputs, outputs, params, buffers, macs, layers, tensors. */
export function summaryObject(net: Network): ReturnType<typeof summaryJson> {
  return summaryJson(net.graph, net.counts);
}

/** `netc fmt`: the canonical layout of a .net text. Throws a CompileError on a syntax error. */
export async function format(text: string, opts: { file?: string; width?: number } = {}): Promise<string> {
  const { formatText } = await import("../grammar/format.js");
  const file = opts.file ?? "<text>";
  const r = formatText(text, file, { printWidth: opts.width });
  if (r.formatted === undefined)
    throw new CompileError(renderDiagnostics(r.diagnostics, new Map([[file, new SourceFile(file, text)]]), { color: false }), r.diagnostics);
  return r.formatted;
}

export interface LoadOptions {
  /** A safetensors file or a PyTorch state dict (.pth/.pt), names as in summaryObject(net).tensors (default: random initial weights). */
  weights?: string;
  /** Renames of the file's tensors, in order: "FROM=TO", FROM a regular expression. */
  rename?: string[];
  /** false: load the tensors that fit and keep initial weights for the rest. */
  strict?: boolean;
  /** Where it runs: auto (default), webgpu, wasm, cpu, tensorflow. */
  backend?: BackendName;
}

/** A runnable model of the network (free it with model.dispose()). */
export async function loadModel(net: Network, opts: LoadOptions = {}): Promise<Model> {
  const rt = await import("../runtime/index.js");
  await rt.useBackend(opts.backend ?? "auto");
  const model = new rt.Model(net.graph);
  if (opts.weights) model.loadStateDict(await rt.loadWeights(opts.weights, { rename: opts.rename }), { strict: opts.strict ?? true, source: opts.weights });
  return model;
}

/** A batch of inputs or outputs: N x C x H x W values, flattened. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Runs the model in inference mode on a batch: every output of the network, in order. */
export async function run(model: Model, input: Tensor): Promise<Tensor[]> {
  const { tf } = await import("../runtime/index.js");
  const x = tf.tensor(input.data, input.shape);
  try {
    const ys = model.forward([x]);
    const outs: Tensor[] = [];
    for (const y of ys) outs.push({ shape: y.shape, data: (await y.data()) as Float32Array });
    tf.dispose(ys);
    return outs;
  } finally {
    x.dispose();
  }
}

export interface TrainInput {
  /** "mnist", or a folder of class folders (torchvision's ImageFolder). */
  data: string;
  epochs?: number;
  batch?: number;
  optimizer?: "adam" | "sgd";
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  seed?: number;
  backend?: BackendName;
  onEpoch?: (e: TrainResult["epochs"][number]) => void;
}

/** `netc train`: trains the model in place; the per-epoch losses and accuracies. */
export async function train(model: Model, opts: TrainInput): Promise<TrainResult> {
  const rt = await import("../runtime/index.js");
  await rt.useBackend(opts.backend ?? "auto");
  const { Trainer } = await import("../runtime/train.js");
  const { datasetFor } = await import("../runtime/data.js");
  const optimizer = opts.optimizer ?? "adam";
  const trainer = new Trainer(model, datasetFor(model.graph, opts.data), {
    epochs: opts.epochs ?? 2,
    batch: opts.batch ?? 32,
    optimizer,
    lr: opts.lr ?? (optimizer === "adam" ? 0.002 : 0.01),
    momentum: opts.momentum ?? (optimizer === "sgd" ? 0.9 : 0),
    weightDecay: opts.weightDecay ?? 0,
    freeze: [],
    seed: opts.seed ?? 0,
    onEpoch: opts.onEpoch,
  });
  try {
    return await trainer.run();
  } finally {
    trainer.optimizer.dispose();
  }
}

/** The model's weights by their state-dict names (PyTorch's layout). */
export async function stateDict(model: Model): Promise<Map<string, StateTensor>> {
  return model.readStateDict();
}

/** `netc export --format onnx`: the ONNX model's bytes, with the given weights or random ones. */
export async function exportOnnx(net: Network, opts: { weights?: Map<string, StateTensor>; opset?: number; batch?: number | "dynamic" } = {}): Promise<Uint8Array> {
  const [onnx, session] = await Promise.all([import("../export/onnx/index.js"), import("../export/onnx/session.js")]);
  const state = opts.weights ? session.fitStateDict(net.graph, opts.weights).state : session.randomStateDict(net.graph);
  return onnx.exportOnnx(net.graph, state, { opset: opts.opset, batch: opts.batch ?? "dynamic" });
}

/** `netc export --format pytorch`: readable PyTorch source of the network. */
export async function exportPytorch(net: Network): Promise<string> {
  const { exportPytorch } = await import("../export/pytorch/index.js");
  return exportPytorch(net.graph, { source: net.name });
}
