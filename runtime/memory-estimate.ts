// The memory a run needs, estimated from what the compiler already knows (weights, the
// peak of live activations, the largest tensor), so that a run that cannot fit is
// refused at once with the figure instead of dying in an allocation a minute later
// (`input 3x20000x20000` was "Invalid typed array length: 4800000000"). Imports no
// TensorFlow.js: the commands check before loading it.
import { totalmem } from "node:os";
import type { Counts } from "../compiler/count.js";
import type { Graph } from "../compiler/ir.js";

/** Float32 elements a JavaScript typed array (one tensor) may hold, conservatively. */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;
/** The wasm backend's memory is a 32-bit WebAssembly memory. */
export const WASM_BYTES = 4 * 2 ** 30;

export interface MemoryEstimate {
  bytes: number;
  weightsBytes: number;
  activationBytes: number;
  largestTensor: number; // elements, batch included
}

export class MemoryLimitError extends Error {}

const elements = (shape: readonly unknown[] | null) =>
  (shape ?? []).reduce<number>((p, d) => p * (typeof d === "number" ? d : Number.NaN), 1);

/**
 * Bytes for inference (`training` false: weights and the peak of live activations) or
 * training (weights, their gradients and two optimizer moments; every activation kept
 * for the backward pass and its gradient), for a batch of `batch`.
 */
export function estimateMemory(g: Graph, counts: Counts, batch: number, training = false): MemoryEstimate {
  const weights = counts.params + counts.buffers;
  let largest = 0;
  for (const n of g.nodes) largest = Math.max(largest, elements(n.shape) * batch);
  const all = typeof counts.activations === "number" ? counts.activations : Number.NaN;
  const live = training ? 2 * all : (counts.peakActivations ?? all);
  const weightsBytes = 4 * (training ? 4 * weights : weights);
  const activationBytes = 4 * batch * live;
  return { bytes: weightsBytes + activationBytes, weightsBytes, activationBytes, largestTensor: largest };
}

export const formatBytes = (b: number) => {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) [b, i] = [b / 1024, i + 1];
  return `${i ? b.toFixed(1) : b} ${units[i]}`;
};

/**
 * Throws a MemoryLimitError naming the figures when the run cannot fit: a tensor larger
 * than a typed array holds, more than the wasm backend's memory, or more than most of
 * this machine's memory. `what` is "inference" or "training".
 */
export function checkMemory(g: Graph, counts: Counts, opts: { batch: number; backend?: string; training?: boolean; total?: number }) {
  const e = estimateMemory(g, counts, opts.batch, !!opts.training);
  if (!Number.isFinite(e.bytes) || !Number.isFinite(e.largestTensor)) return e; // symbolic sizes: known at run time only
  const what = `${opts.training ? "training" : "inference"} at batch ${opts.batch}`;
  const figure = `needs about ${formatBytes(e.bytes)} (weights ${formatBytes(e.weightsBytes)}, activations ${formatBytes(e.activationBytes)})`;
  if (e.largestTensor > MAX_TENSOR_ELEMENTS)
    throw new MemoryLimitError(`${g.network}: ${what} has a tensor of ${e.largestTensor.toLocaleString("en-US")} values, more than the ${MAX_TENSOR_ELEMENTS.toLocaleString("en-US")} one tensor can hold; the run ${figure}`);
  const total = opts.total ?? totalmem();
  const wasm = (opts.backend ?? "wasm") === "wasm" && WASM_BYTES < 0.8 * total;
  const limit = wasm ? WASM_BYTES : 0.8 * total;
  const where = wasm ? "the wasm backend's 4 GiB of memory" : `80% of this machine's ${formatBytes(total)} of memory`;
  if (e.bytes > limit) throw new MemoryLimitError(`${g.network}: ${what} ${figure}, more than ${where}`);
  return e;
}
