// compiler/ops/channels.ts as ONNX operators: Slice, and ReduceMean / ReduceSum /
// ReduceMax over the dimensions (counted with the batch in ONNX).
import { chunkBounds } from "../../compiler/ops/channels.js";
import type { Converter, OpContext } from "./layers.js";

function sliceAlong(c: OpContext, k: number, s: number, e: number): string {
  const b = c.b;
  return b.add("Slice", [c.x[0], b.int64s([s], `${c.label}/starts`), b.int64s([e], `${c.label}/ends`), b.int64s([k + 1], `${c.label}/axes`)], {}, c.out, c.label);
}

const dimOf = (d: number, rank: number) => (d < 0 ? rank + d : d);

function reduce(op: "ReduceMean" | "ReduceSum" | "ReduceMax"): Converter {
  return (c) => {
    const rank = c.shapes[0].length;
    const axes = (c.node.attrs.dims as number[]).map((d) => dimOf(d, rank) + 1);
    const kept = c.b.reduce(op, c.x[0], axes, `${c.label}/kept`);
    if (c.node.attrs.keepdim) return c.out ? c.b.add("Identity", [kept], {}, c.out, c.label) : kept;
    return c.b.reshape(kept, [-1, ...(c.node.shape as number[])], c.label, c.out);
  };
}

export const channels: Record<string, Converter> = {
  slice: (c) => {
    const rank = c.shapes[0].length;
    const k = dimOf(c.node.attrs.dim as number, rank);
    const full = c.shapes[0][k];
    const start = c.node.attrs.start as number;
    const s = Math.min(full, Math.max(0, start < 0 ? full + start : start));
    return sliceAlong(c, k, s, s + (c.node.shape as number[])[k]);
  },
  chunk: (c) => {
    const rank = c.shapes[0].length;
    const k = dimOf(c.node.attrs.dim as number, rank);
    const [s, e] = chunkBounds(c.shapes[0][k], c.node.attrs.chunks as number, c.node.attrs.index as number)!;
    return sliceAlong(c, k, s, e);
  },
  mean: reduce("ReduceMean"),
  sum: reduce("ReduceSum"),
  amax: reduce("ReduceMax"),
};
