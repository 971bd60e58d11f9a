// Batch-norm folding for export (`--fold-batchnorm`): a convolution whose only consumer
// is a batch norm on running statistics gets the runtime's folded filter and bias
// (runtime/fuse.ts plans the same pairs),
//   w' = w · g / sqrt(v + eps),   b' = (b - m) · g / sqrt(v + eps) + beta,
// and the batch norm disappears; the convolution keeps its state-dict names.
import type { Graph } from "../../compiler/ir.js";
import { planFusions } from "../../runtime/fuse.js";

export interface Folded {
  /** Whether the node was folded away. */
  has(id: number): boolean;
  /** The node whose value a convolution now produces (its batch norm's, if folded). */
  lastOf(id: number): number;
}

type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

export function foldBatchNorms(graph: Graph, tensors: Tensors): Folded {
  const folded = new Map<number, number>(); // conv -> bn
  for (const f of planFusions(graph).values()) {
    if (!f.bn) continue;
    const [conv, bn] = [f.conv, f.bn];
    const get = (rel: string) => tensors.get(`${bn.id}/${rel}`)!.data;
    const [gamma, beta, mean, variance] = ["weight", "bias", "running_mean", "running_var"].map(get);
    const eps = bn.attrs.eps as number;
    const w = tensors.get(`${conv.id}/weight`)!;
    const out = w.shape[0];
    const perOut = w.data.length / out;
    const filter = new Float32Array(w.data.length);
    const bias = new Float32Array(out);
    const oldBias = tensors.get(`${conv.id}/bias`)?.data;
    for (let o = 0; o < out; o++) {
      const scale = Math.fround(gamma[o] / Math.fround(Math.sqrt(variance[o] + eps)));
      for (let i = 0; i < perOut; i++) filter[o * perOut + i] = w.data[o * perOut + i] * scale;
      bias[o] = ((oldBias?.[o] ?? 0) - mean[o]) * scale + beta[o];
    }
    tensors.set(`${conv.id}/weight`, { shape: w.shape, data: filter });
    tensors.set(`${conv.id}/bias`, { shape: [out], data: bias });
    for (const rel of ["weight", "bias", "running_mean", "running_var"]) tensors.delete(`${bn.id}/${rel}`);
    folded.set(conv.id, bn.id);
  }
  const gone = new Set(folded.values());
  return { has: (id) => gone.has(id), lastOf: (id) => folded.get(id) ?? id };
}
