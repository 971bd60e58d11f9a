// Pooling as ONNX operators. PyTorch's ceil mode becomes explicit end padding (the
// runtime's own geometry), so ONNX's ceil_mode, whose last-window rule has differed
// between versions of onnxruntime, is never used; average pooling divides as PyTorch does.
import type { Pair } from "../../compiler/op-args.js";
import { int, ints } from "./builder.js";
import type { Converter, OpContext } from "./layers.js";

const pair = (v: unknown) => v as Pair;

/** Kernel, stride, dilation and [top, left, bottom, right] padding, with ceil mode's extra. */
function geometry(c: OpContext) {
  const a = c.node.attrs;
  const [k, s, p, d] = [pair(a.kernel), pair(a.stride), pair(a.pad), pair(a.dilation ?? [1, 1])];
  const [, h, w] = c.shapes[0];
  const [, oh, ow] = c.node.shape as number[];
  const extraH = Math.max(0, (oh - 1) * s[0] + d[0] * (k[0] - 1) + 1 - (h + 2 * p[0]));
  const extraW = Math.max(0, (ow - 1) * s[1] + d[1] * (k[1] - 1) + 1 - (w + 2 * p[1]));
  return { k, s, p, d, h, w, oh, ow, pads: [p[0], p[1], p[0] + extraH, p[1] + extraW] };
}

/** Pads explicitly when ONNX would refuse the padding (onnxruntime wants pads < kernel). */
function padFirst(c: OpContext, pads: number[], k: Pair, value: number): { x: string; pads: number[] } {
  if (pads.every((v, i) => v < k[i % 2])) return { x: c.x[0], pads };
  const [t, l, bo, r] = pads;
  const amounts = c.b.int64s([0, 0, t, l, 0, 0, bo, r], `${c.label}/pads`);
  const x = c.b.add("Pad", [c.x[0], amounts, c.b.floats([value], `${c.label}/pad_value`)], {}, undefined, `${c.label}/pad`);
  return { x, pads: [0, 0, 0, 0] };
}

export const maxpool: Converter = (c) => {
  const g = geometry(c);
  const { x, pads } = padFirst(c, g.pads, g.k, -Infinity);
  const attrs = { kernel_shape: ints(g.k), strides: ints(g.s), pads: ints(pads), dilations: ints(g.d) };
  return c.b.add("MaxPool", [x], attrs, c.out, c.label);
};

/** PyTorch's divisor of each output cell: the window clipped to the padded input, or to the input. */
function divisors(g: ReturnType<typeof geometry>, includePad: boolean): Float32Array {
  const axis = (out: number, k: number, s: number, p: number, n: number) =>
    Array.from({ length: out }, (_, i) => {
      const start = i * s - p;
      const end = Math.min(start + k, n + p);
      return (includePad ? end : Math.min(end, n)) - (includePad ? start : Math.max(start, 0));
    });
  const rows = axis(g.oh, g.k[0], g.s[0], g.p[0], g.h);
  const cols = axis(g.ow, g.k[1], g.s[1], g.p[1], g.w);
  const out = new Float32Array(g.oh * g.ow);
  for (let i = 0; i < g.oh; i++) for (let j = 0; j < g.ow; j++) out[i * g.ow + j] = rows[i] * cols[j];
  return out;
}

export const avgpool: Converter = (c) => {
  const g = geometry(c);
  const includePad = c.node.attrs.count_include_pad as boolean;
  const area = g.k[0] * g.k[1];
  const div = divisors(g, includePad);
  const base = { kernel_shape: ints(g.k), strides: ints(g.s) };
  const ceilExtra = g.pads[2] !== g.p[0] || g.pads[3] !== g.p[1];
  if (div.every((v) => v === area) && g.pads.every((v, i) => v < g.k[i % 2]))
    return c.b.add("AveragePool", [c.x[0]], { ...base, pads: ints(g.pads), count_include_pad: int(1) }, c.out, c.label);
  if (!includePad && !ceilExtra && g.pads.every((v, i) => v < g.k[i % 2]))
    return c.b.add("AveragePool", [c.x[0]], { ...base, pads: ints(g.pads), count_include_pad: int(0) }, c.out, c.label);
  // Windows that PyTorch divides by less than the kernel's area: sums over zero-padded
  // windows, then each cell scaled by area / divisor.
  const [t, l, bo, r] = g.pads;
  const padded = g.pads.some((v) => v > 0)
    ? c.b.add("Pad", [c.x[0], c.b.int64s([0, 0, t, l, 0, 0, bo, r], `${c.label}/pads`)], {}, undefined, `${c.label}/pad`)
    : c.x[0];
  const pooled = c.b.add("AveragePool", [padded], base, undefined, `${c.label}/pool`);
  const ratio = c.b.floats(div.map((v) => area / v), `${c.label}/divisor_ratio`, [1, 1, g.oh, g.ow]);
  return c.b.add("Mul", [pooled, ratio], {}, c.out, c.label);
};

/** PyTorch's adaptive windows along one axis: [floor(i*n/o), ceil((i+1)*n/o)). */
const windows = (n: number, o: number) => Array.from({ length: o }, (_, i) => [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)] as const);

export const adaptiveavgpool: Converter = (c) => {
  const [, h, w] = c.shapes[0];
  const [oh, ow] = pair(c.node.attrs.size);
  if (oh === 1 && ow === 1) return c.b.add("GlobalAveragePool", [c.x[0]], {}, c.out, c.label);
  if (h % oh === 0 && w % ow === 0) {
    const k = [h / oh, w / ow];
    return c.b.add("AveragePool", [c.x[0]], { kernel_shape: ints(k), strides: ints(k) }, c.out, c.label);
  }
  // Averaging matrices, as the runtime: out = Ph · X · Pwᵀ for each image and channel.
  const matrix = (o: number, n: number, transpose: boolean) => {
    const m = new Float32Array(o * n);
    windows(n, o).forEach(([a, b], i) => {
      for (let j = a; j < b; j++) m[transpose ? j * o + i : i * n + j] = 1 / (b - a);
    });
    return m;
  };
  const rows = c.b.floats(matrix(oh, h, false), `${c.label}/rows`, [oh, h]);
  const cols = c.b.floats(matrix(ow, w, true), `${c.label}/cols`, [w, ow]);
  const byRows = c.b.add("MatMul", [rows, c.x[0]], {}, undefined, `${c.label}/pool_rows`);
  return c.b.add("MatMul", [byRows, cols], {}, c.out, c.label);
};

export const adaptivemaxpool: Converter = (c) => {
  const [, h, w] = c.shapes[0];
  const [oh, ow] = pair(c.node.attrs.size);
  if (h % oh === 0 && w % ow === 0) {
    const k = [h / oh, w / ow];
    return c.b.add("MaxPool", [c.x[0]], { kernel_shape: ints(k), strides: ints(k) }, c.out, c.label);
  }
  // Overlapping windows: each one sliced and reduced, the cells concatenated.
  const b = c.b;
  const axes = b.int64s([2, 3], `${c.label}/axes`);
  const rowValues = windows(h, oh).map(([r0, r1], i) => {
    const cells = windows(w, ow).map(([c0, c1], j) => {
      const at = `${c.label}/cell_${i}_${j}`;
      const slice = b.add("Slice", [c.x[0], b.int64s([r0, c0], `${at}/starts`), b.int64s([r1, c1], `${at}/ends`), axes], {}, undefined, `${at}/slice`);
      return b.reduce("ReduceMax", slice, [2, 3], at);
    });
    return b.add("Concat", cells, { axis: int(3) }, undefined, `${c.label}/row_${i}`);
  });
  return b.add("Concat", rowValues, { axis: int(2) }, c.out, c.label);
};
