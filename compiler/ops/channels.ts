// Taking part of a value and reducing over dimensions: Tensor slicing (`x[:, a:b]`),
// torch.chunk, and torch.mean / torch.sum / torch.amax over dimensions with keepdim
// (ShuffleNet's channel split, CSP and Ghost blocks, CBAM's channel statistics).
// Dimensions count without the batch: 0 is the channels (PyTorch's dim 1).
import { isSym, type Dim } from "../symbolic.js";
import { formatShape, type Shape } from "../values.js";
import { arg, kw, OpError, type OpSpec } from "./spec.js";

function axis(d: number, x: Shape, op: string, argName = "dim"): number {
  const k = d < 0 ? x.length + d : d;
  if (k < 0 || k >= x.length) throw new OpError(`${op}'s ${argName} ${d} is out of range for ${formatShape(x)} (dimensions count from 0, the channels, without the batch)`, argName, true);
  return k;
}

function concreteLength(n: Dim, op: string): number {
  if (isSym(n)) throw new OpError(`${op} needs a concrete size along its dimension, got ${n}`, undefined, true);
  return n;
}

/** Python's slice indices: negative from the end, clamped to [0, n]. */
const clamp = (i: number, n: number) => Math.min(n, Math.max(0, i < 0 ? n + i : i));

export const slice: OpSpec = {
  name: "slice",
  torch: "x[:, start:end] (Tensor slicing along a dimension)",
  doc: "keep indices start … end−1 along a dimension (by default the channels), as Python's slice",
  args: [arg("start", "int", "first index (negative: from the end)"), arg("end", "int", "one past the last index (negative: from the end; default: the end)", null), kw("dim", "int", "dimension, without the batch (0: channels)", 0)],
  infer(a, x) {
    const k = axis(a.dim, x, "slice");
    const n = concreteLength(x[k], "slice");
    const [s, e] = [clamp(a.start, n), a.end === null ? n : clamp(a.end, n)];
    if (e <= s) throw new OpError(`slice ${a.start}${a.end === null ? "" : `, ${a.end}`} of ${n} is empty`, "start", true);
    return { shape: x.map((d, i) => (i === k ? e - s : d)) };
  },
};

/** torch.chunk's pieces: each ceil(n / chunks) long, the last one shorter; there may be fewer than asked. */
export function chunkBounds(n: number, chunks: number, index: number): [number, number] | undefined {
  const size = Math.ceil(n / chunks);
  const [s, e] = [index * size, Math.min(n, (index + 1) * size)];
  return s < e ? [s, e] : undefined;
}

export const chunk: OpSpec = {
  name: "chunk",
  torch: "torch.chunk(x, chunks, dim)[index]",
  doc: "the index-th of `chunks` equal pieces along a dimension (ShuffleNet's split in two)",
  args: [arg("chunks", "count", "number of pieces"), arg("index", "int", "which piece, from 0"), kw("dim", "int", "dimension, without the batch (0: channels)", 0)],
  infer(a, x) {
    const k = axis(a.dim, x, "chunk");
    const n = concreteLength(x[k], "chunk");
    const b = chunkBounds(n, a.chunks, a.index);
    if (!b) throw new OpError(`torch.chunk of ${n} into ${a.chunks} has no piece ${a.index}`, "index", true);
    return { shape: x.map((d, i) => (i === k ? b[1] - b[0] : d)) };
  },
};

export function reduction(name: "mean" | "sum" | "amax", torch: string): OpSpec {
  return {
    name,
    torch,
    doc: `${name === "amax" ? "maximum" : name} over dimensions (without the batch: 0 is the channels)`,
    args: [arg("dims", "ints", "dimension or dimensions, e.g. 0 or [1, 2]"), kw("keepdim", "bool", "keep the reduced dimensions with size 1", false)],
    positionalHint: () => `give keepdim by name: \`${name} 0, keepdim = true\``,
    infer(a, x) {
      const ks = (a.dims as number[]).map((d) => axis(d, x, name, "dims"));
      if (new Set(ks).size !== ks.length) throw new OpError(`${name} names a dimension twice`, "dims");
      const shape = a.keepdim ? x.map((d, i) => (ks.includes(i) ? 1 : d)) : x.filter((_, i) => !ks.includes(i));
      return { shape };
    },
  };
}
