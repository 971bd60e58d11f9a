// Conv2D's gradient on the wasm and cpu backends, as convolutions that XNNPACK runs:
// - the filter gradient is a convolution with the batch as channels (XNNPACK's; wasm has
//   no Conv2DBackpropFilter, the cpu backend's is a loop). Measured against the one
//   matrix product it also is, dW = colᵀ · dy (an im2col pass in JavaScript, then
//   XNNPACK's fully connected operator), on cifar_resnet's 3x3 64-channel 7x7 layers:
//   the product alone costs what the convolution does, and the im2col pass adds 40%;
// - at stride 1, the input gradient is a convolution of the output gradient with the
//   filter turned 180 degrees, channels swapped (one pass, where Reverse and Transpose
//   took 5% of a cifar_resnet epoch), padded by the kernel size less one less the forward
//   padding; at other strides tfjs's conv2dTranspose (wasm's Conv2DBackpropInput).
// Dilated convolutions, and backends other than wasm and cpu, keep tfjs's gradient.
import * as tf from "@tensorflow/tfjs-core";
import { typedData } from "./memory.js";

const TURN_FILTER = "NetcTurnFilter";
type Info = { dataId: object; shape: number[]; dtype: tf.DataType };
type Backend = { makeOutput?(shape: number[], dtype: tf.DataType): Info; makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: Float32Array): Info };

type ConvAttrs = { strides: number | [number, number]; pad: "valid" | "same" | number | [number, number][]; dataFormat: string; dilations: number | [number, number]; dimRoundingMode?: "floor" | "round" | "ceil" };

let registered = false;

/** Registers netc's Conv2D gradient (once; the gradient registry is global). */
export function registerConvGradient() {
  if (registered) return;
  const original = tf.getGradient("Conv2D");
  if (!original) return;
  registered = true;
  for (const backendName of ["wasm", "cpu"])
    if (!tf.getKernel(TURN_FILTER, backendName)) tf.registerKernel({ kernelName: TURN_FILTER, backendName, kernelFunc: turnKernel as never });
  tf.registerGradient({
    kernelName: "Conv2D",
    inputsToSave: ["x", "filter"],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as ConvAttrs;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const w = windows(x.shape, filter.shape, a);
      if (!w || !["wasm", "cpu"].includes(tf.getBackend())) return original.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor4D;
      return { x: () => inputGradient(g, filter, x.shape, w, a), filter: () => filterGradient(x, g, filter.shape, w) };
    },
  });
}

/** The windows of a convolution without dilation, on an NHWC input. */
export interface Windows {
  batch: number; height: number; width: number; channels: number;
  filterHeight: number; filterWidth: number; strideHeight: number; strideWidth: number;
  padTop: number; padLeft: number; outHeight: number; outWidth: number;
}

/** The geometry of an NHWC convolution without dilation, or undefined for one that has it. */
export function windows(xShape: number[], filterShape: number[], a: ConvAttrs): Windows | undefined {
  const dil = typeof a.dilations === "number" ? [a.dilations, a.dilations] : a.dilations ?? [1, 1];
  if (a.dataFormat !== "NHWC" || dil[0] !== 1 || dil[1] !== 1) return undefined;
  const info = tf.backend_util.computeConv2DInfo(xShape as never, filterShape as never, a.strides, 1, a.pad as never, a.dimRoundingMode, false, "channelsLast");
  return {
    batch: info.batchSize, height: info.inHeight, width: info.inWidth, channels: info.inChannels,
    filterHeight: info.filterHeight, filterWidth: info.filterWidth, strideHeight: info.strideHeight, strideWidth: info.strideWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left, outHeight: info.outHeight, outWidth: info.outWidth,
  };
}

/**
 * dW[a, b, ci, co] = Σ over n, i, j of x[n, i·sh - top + a, j·sw - left + b, ci] · dy[n, i, j, co]:
 * a convolution of x (padded, its channels as the batch and its batch as channels) with
 * dy (as a filter of N input and Co output channels, dilated by the stride).
 */
export function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], w: Windows): tf.Tensor4D {
  const [kh, kw] = filterShape;
  const bottom = Math.max(0, (w.outHeight - 1) * w.strideHeight + kh - w.height - w.padTop);
  const right = Math.max(0, (w.outWidth - 1) * w.strideWidth + kw - w.width - w.padLeft);
  return tf.tidy(() => {
    const padded = w.padTop || w.padLeft || bottom || right ? tf.pad(x, [[0, 0], [w.padTop, bottom], [w.padLeft, right], [0, 0]]) : x;
    const xt = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D; // [Ci, Hp, Wp, N]
    const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Co]
    const full = tf.conv2d(xt, f, 1, "valid", "NHWC", [w.strideHeight, w.strideWidth]); // [Ci, >= kh, >= kw, Co]
    const cut = full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cut, [1, 2, 0, 3]);
  });
}

/** dx: at stride 1 a convolution with the turned filter; else the transposed convolution. */
export function inputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: number[], w: Windows, a: ConvAttrs): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw } = w;
  // the forward padding on each side; the bottom and right ones are what the output size implies
  const [top, left] = [w.padTop, w.padLeft];
  const bottom = (w.outHeight - 1) * w.strideHeight + kh - w.height - top;
  const right = (w.outWidth - 1) * w.strideWidth + kw - w.width - left;
  const inside = [top, bottom].every((p) => p >= 0 && p < kh) && [left, right].every((p) => p >= 0 && p < kw);
  if (w.strideHeight !== 1 || w.strideWidth !== 1 || !inside) return tf.conv2dTranspose(dy, filter, xShape as [number, number, number, number], [w.strideHeight, w.strideWidth], a.pad as never, a.dimRoundingMode);
  const pad: [number, number][] = [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]];
  return tf.tidy(() => tf.conv2d(dy, turned(filter), 1, pad as never));
}

/**
 * The filter [kh, kw, Ci, Co] turned by 180 degrees with its channels swapped,
 * [kh, kw, Co, Ci]: the filter of the convolution that is the input gradient.
 */
export function turnFilter(f: Float32Array, shape: number[], out: Float32Array) {
  const [kh, kw, ci, co] = shape;
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++) {
      const s = (a * kw + b) * ci * co;
      const d = ((kh - 1 - a) * kw + (kw - 1 - b)) * ci * co;
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[d + o * ci + i] = f[s + i * co + o];
    }
}

function turnKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
  const b = backend as Backend;
  const f = inputs.filter as unknown as Info;
  const [kh, kw, ci, co] = f.shape;
  const out = "wasm" in b ? b.makeOutput!([kh, kw, co, ci], "float32") : b.makeTensorInfo!([kh, kw, co, ci], "float32", new Float32Array(f.shape.reduce((p, q) => p * q, 1)));
  turnFilter(typedData(b, f) as Float32Array, f.shape, typedData(b, out) as Float32Array);
  return out as never;
}

const turned = (filter: tf.Tensor4D): tf.Tensor4D => tf.engine().runKernel(TURN_FILTER, { filter } as never, {}) as tf.Tensor4D;
