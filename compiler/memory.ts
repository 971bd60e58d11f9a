// Memory for a batch at a precision, as torchinfo reports it (input size, forward/backward
// pass size, params size, estimated total), and for training: the parameters' gradients
// and the optimizer's state on top (SGD with momentum: one buffer per parameter; Adam:
// two). Figures in bytes; the summary prints them in MB (10^6 bytes), as torchinfo does.
import type { Counts } from "./count.js";
import type { Graph } from "./ir.js";

export const DTYPES = { float32: 4, float16: 2, bfloat16: 2 } as const;
export type Dtype = keyof typeof DTYPES;
export type OptimizerKind = "adam" | "sgd";

export interface MemoryFigures {
  batch: number;
  dtype: Dtype;
  optimizer: OptimizerKind;
  /** The network's inputs for the batch. */
  inputBytes: number;
  /** Every layer's output kept for the backward pass, and its gradient: torchinfo's "Forward/backward pass size". */
  forwardBackwardBytes: number;
  /** Parameters and batch-norm running statistics: torchinfo's "Params size" (which counts buffers too). */
  paramsBytes: number;
  /** input + forward/backward + params: torchinfo's "Estimated Total Size". */
  torchinfoTotal: number;
  /** One gradient per trainable parameter. */
  gradientBytes: number;
  /** Adam's two moments, or SGD's momentum buffer, per trainable parameter. */
  optimizerBytes: number;
  /** What training needs: torchinfo's total, the gradients and the optimizer's state. */
  trainingTotal: number;
}

const product = (shape: readonly unknown[] | null) => (shape ?? []).reduce<number>((p, d) => p * (typeof d === "number" ? d : Number.NaN), 1);

/** The figures, or undefined for a network whose sizes are symbolic (3xHxW). */
export function memoryFigures(g: Graph, counts: Counts, opts: { batch?: number; dtype?: Dtype; optimizer?: OptimizerKind } = {}): MemoryFigures | undefined {
  const batch = opts.batch ?? 1;
  const dtype = opts.dtype ?? "float32";
  const optimizer = opts.optimizer ?? "adam";
  const b = DTYPES[dtype];
  if (typeof counts.activations !== "number") return undefined;
  const inputBytes = g.inputs.reduce((s, p) => s + product(g.nodes[p.node].shape), 0) * batch * b;
  if (!Number.isFinite(inputBytes)) return undefined;
  const forwardBackwardBytes = 2 * counts.activations * batch * b;
  const paramsBytes = (counts.params + counts.buffers) * b;
  const gradientBytes = counts.params * b;
  const optimizerBytes = (optimizer === "adam" ? 2 : 1) * counts.params * b;
  const torchinfoTotal = inputBytes + forwardBackwardBytes + paramsBytes;
  return {
    batch, dtype, optimizer, inputBytes, forwardBackwardBytes, paramsBytes, torchinfoTotal, gradientBytes, optimizerBytes,
    trainingTotal: torchinfoTotal + gradientBytes + optimizerBytes,
  };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

/** The lines the summary table ends with, torchinfo's names first. */
export function memoryLines(m: MemoryFigures): string[] {
  return [
    `Batch ${m.batch}, ${m.dtype} (${DTYPES[m.dtype]} bytes a value):`,
    `Input size (MB): ${mb(m.inputBytes)}`,
    `Forward/backward pass size (MB): ${mb(m.forwardBackwardBytes)}`,
    `Params size (MB): ${mb(m.paramsBytes)}`,
    `Estimated Total Size (MB): ${mb(m.torchinfoTotal)}`,
    `Training with ${m.optimizer} (MB): ${mb(m.trainingTotal)} (+ gradients ${mb(m.gradientBytes)}, ${m.optimizer === "adam" ? "Adam's two moments" : "SGD's momentum"} ${mb(m.optimizerBytes)})`,
  ];
}
