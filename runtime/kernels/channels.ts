// Kernels of compiler/ops/channels.ts: slice, chunk, and reductions over dimensions,
// computed in PyTorch's layout (the runtime's NHWC for rank 3 converted at the edges).
import * as tf from "@tensorflow/tfjs-core";
import { chunkBounds } from "../../compiler/ops/channels.js";
import type { Kernel } from "./kernel.js";
import { inTorchLayout } from "./layout.js";

/** x[:, …, s:e, …] along dimension k (without the batch). */
function along(t: tf.Tensor, k: number, s: number, e: number): tf.Tensor {
  const begin = t.shape.map(() => 0);
  const size = t.shape.map(() => -1);
  begin[k + 1] = s;
  size[k + 1] = e - s;
  return tf.slice(t, begin, size);
}

const dimOf = (d: number, rank: number) => (d < 0 ? rank + d : d);

export const slice: Kernel = {
  run([x], node, _w, ctx) {
    const rank = ctx.inputRanks[0];
    const k = dimOf(node.attrs.dim as number, rank);
    const n = node.shape![k] as number;
    return inTorchLayout(x, rank, (t) => {
      const full = t.shape[k + 1]!;
      const start = node.attrs.start as number;
      const s = Math.min(full, Math.max(0, start < 0 ? full + start : start));
      return along(t, k, s, s + n);
    });
  },
};

export const chunk: Kernel = {
  run([x], node, _w, ctx) {
    const rank = ctx.inputRanks[0];
    const k = dimOf(node.attrs.dim as number, rank);
    return inTorchLayout(x, rank, (t) => {
      const [s, e] = chunkBounds(t.shape[k + 1]!, node.attrs.chunks as number, node.attrs.index as number)!;
      return along(t, k, s, e);
    });
  },
};

export function reduction(op: "mean" | "sum" | "max"): Kernel {
  return {
    run([x], node, _w, ctx) {
      const rank = ctx.inputRanks[0];
      const axes = (node.attrs.dims as number[]).map((d) => dimOf(d, rank) + 1);
      const keep = node.attrs.keepdim as boolean;
      return inTorchLayout(x, rank, (t) => tf[op](t, axes, keep), node.shape!.length);
    },
  };
}
