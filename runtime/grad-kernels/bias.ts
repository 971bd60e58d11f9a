// A bias over channels, forward and backward, on tfjs-backend-wasm: Add of a tensor and a
// vector along its last axis (a convolution's or a linear layer's bias, channels last),
// and Sum over every axis but the last (the bias's gradient). wasm broadcasts Add by
// computing every element's index, 6 to 7 times the cost of an Add of equal shapes, and
// sums over leading axes by transposing first. Here the bias is laid out to the tensor's
// shape first (copies doubling in length, at memory speed) for wasm's Add of equal
// shapes, and the sum is a product with a row of ones (XNNPACK's, which accumulates each
// channel in order as wasm's Sum does, and multiplies by one exactly). Other shapes go
// to wasm's own kernels.
import * as tf from "@tensorflow/tfjs-core";
import { typedData } from "./memory.js";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };
type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };
type Kernel = (a: KernelArgs) => Info;
interface Backend { makeOutput(shape: number[], dtype: tf.DataType): Info; disposeData(dataId: object): boolean }

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Whether `v` is a vector along the last axis of `x` (shape [C] or [1, ..., 1, C], rank at most x's). */
function isChannelVector(v: Info, x: Info): boolean {
  const c = x.shape[x.shape.length - 1];
  return v.shape.length >= 1 && v.shape.length <= x.shape.length && v.shape[v.shape.length - 1] === c && size(v.shape) === c && size(x.shape) > c;
}

/** `out` filled with copies of `pattern`, end to end (its length a multiple of the pattern's). */
export function repeatInto(pattern: Float32Array, out: Float32Array) {
  out.set(pattern);
  for (let n = pattern.length; n < out.length; n *= 2) out.copyWithin(n, 0, Math.min(n, out.length - n));
}

/** wasm's Add, with a channel bias laid out to the tensor's shape first. */
export function biasAdd(original: Kernel): Kernel {
  return (args) => {
    const [a, b] = [args.inputs.a as unknown as Info, args.inputs.b as unknown as Info];
    if (a.dtype !== "float32" || b.dtype !== "float32") return original(args);
    const [x, v] = isChannelVector(b, a) ? [a, b] : isChannelVector(a, b) ? [b, a] : [];
    if (!x || !v) return original(args);
    const backend = args.backend as Backend;
    const full = backend.makeOutput(x.shape, "float32");
    try {
      repeatInto(typedData(backend, v) as Float32Array, typedData(backend, full) as Float32Array);
      return original({ ...args, inputs: (x === a ? { a: x, b: full } : { a: full, b: x }) as never });
    } finally {
      backend.disposeData(full.dataId);
    }
  };
}

/** wasm's Sum, over every axis but the last as a product with ones ([1, R] x [R, C]). */
export function channelSum(original: Kernel, matMul: Kernel): Kernel {
  return (args) => {
    const x = args.inputs.x as unknown as Info;
    const a = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const r = x.shape.length;
    const axes = tf.util.parseAxisParam(a.axis, x.shape).sort((p, q) => p - q);
    const leading = r >= 2 && axes.length === r - 1 && axes.every((ax, i) => ax === i);
    if (x.dtype !== "float32" || !leading || size(x.shape) === 0) return original(args);
    const c = x.shape[r - 1];
    const backend = args.backend as Backend;
    const rows = size(x.shape) / c;
    const ones = backend.makeOutput([1, 1, rows], "float32");
    (typedData(backend, ones) as Float32Array).fill(1);
    const matrix = { ...x, shape: [1, rows, c] };
    try {
      const out = matMul({ inputs: { a: ones, b: matrix } as never, attrs: { transposeA: false, transposeB: false }, backend });
      return { ...out, shape: a.keepDims ? [...Array<number>(r - 1).fill(1), c] : [c] };
    } finally {
      backend.disposeData(ones.dataId);
    }
  };
}
