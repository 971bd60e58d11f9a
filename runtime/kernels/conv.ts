// Convolutions and fully connected layers: conv (in four plans, by groups), its fused
// form for inference, convtranspose, linear.
import * as tf from "@tensorflow/tfjs-core";
import type { IRNode } from "../../compiler/ir.js";
import type { Pair } from "../../compiler/op-args.js";
import { pair, RuntimeError, type Kernel } from "./kernel.js";
import { inTorchLayout } from "./layout.js";

type ConvPlan = "dense" | "depthwise" | "split" | "lowered";

/** How a convolution with groups runs: tfjs has dense and depthwise convolutions only. */
export function convPlan(node: IRNode): { plan: ConvPlan; cin: number; g: number; k: number; m: number } {
  const out = node.attrs.out as number;
  const g = node.attrs.groups as number;
  const k = node.weights[0].shape[1]; // input channels per group
  const cin = k * g;
  const m = out / g; // output channels per group
  if (g === 1) return { plan: "dense", cin, g, k, m };
  if (k === 1) return { plan: "depthwise", cin, g, k, m };
  // Fewer input channels per group than groups (ResNeXt: 4 or 8 per group, 32 groups):
  // k depthwise convolutions over strided channel slices beat g small dense ones.
  return { plan: k < g ? "lowered" : "split", cin, g, k, m };
}

function convPadding(node: IRNode): tf.backend_util.ExplicitPadding {
  const k = pair(node.attrs.kernel);
  const d = pair(node.attrs.dilation);
  let p: [number, number, number, number]; // top, bottom, left, right
  if (node.attrs.pad === "same") {
    const th = d[0] * (k[0] - 1);
    const tw = d[1] * (k[1] - 1);
    p = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else {
    const q = node.attrs.pad === "valid" ? [0, 0] : pair(node.attrs.pad);
    p = [q[0], q[0], q[1], q[1]];
  }
  return [[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]];
}

export const conv: Kernel = {
  layout(node, name) {
    if (name !== "weight") return undefined;
    const { plan, g, k, m } = convPlan(node);
    const [kh, kw] = pair(node.attrs.kernel);
    switch (plan) {
      case "dense":
      case "split": // [out, k, kh, kw] <-> [kh, kw, k, out]
        return { fromTorch: (t) => tf.transpose(t, [2, 3, 1, 0]), toTorch: (t) => tf.transpose(t, [3, 2, 0, 1]) };
      case "depthwise": // [g*m, 1, kh, kw] <-> [kh, kw, g, m]
        return {
          fromTorch: (t) => tf.transpose(tf.reshape(t, [g, m, kh, kw]), [2, 3, 0, 1]),
          toTorch: (t) => tf.reshape(tf.transpose(t, [2, 3, 0, 1]), [g * m, 1, kh, kw]),
        };
      case "lowered": // [g*m, k, kh, kw] <-> [k, kh, kw, g, m]
        return {
          fromTorch: (t) => tf.transpose(tf.reshape(t, [g, m, k, kh, kw]), [2, 3, 4, 0, 1]),
          toTorch: (t) => tf.reshape(tf.transpose(t, [3, 4, 0, 1, 2]), [g * m, k, kh, kw]),
        };
    }
  },
  run([x], node, w, ctx) {
    return convolve(x, node, w.weight, w.bias, "linear", ctx.training);
  },
};

/**
 * A convolution with an optional bias and fused activation, in whichever of the four
 * plans its groups call for; the inference fusion pass calls it with folded weights.
 */
export function convolve(
  x: tf.Tensor,
  node: IRNode,
  filter: tf.Tensor,
  bias?: tf.Tensor,
  activation: "linear" | "relu" | "relu6" = "linear",
  training = false, // plain ops, whose gradients are registered (fused ops carry their own)
  residual?: tf.Tensor, // added before the activation (a fused shortcut)
): tf.Tensor {
  const { plan, g, k } = convPlan(node);
  if (residual) {
    // On the GPU a dense convolution adds it in its epilogue, read as a bias of the
    // output's shape (tfjs broadcasts a bias by output coordinates); a 1x1 output is
    // excluded, where tfjs's matrix-product path lays the batch out differently.
    const [, h, wd] = residual.shape;
    if (plan === "dense" && tf.getBackend() === "webgpu" && h! * wd! > 1) {
      const b = bias ? tf.add(residual, bias) : residual;
      return convolve(x, node, filter, b, activation);
    }
    const y = tf.add(convolve(x, node, filter, bias, "linear"), residual);
    return activation === "relu" ? tf.relu(y) : activation === "relu6" ? tf.clipByValue(y, 0, 6) : y;
  }
  const strides = pair(node.attrs.stride);
  const dilations = pair(node.attrs.dilation);
  const pad = convPadding(node);
  const x4 = x as tf.Tensor4D;
  if (plan === "dense") {
    const p = pad.every(([a, b]) => a === 0 && b === 0) ? "valid" : pad;
    if (training) return bias ? tf.add(tf.conv2d(x4, filter as tf.Tensor4D, strides, p, "NHWC", dilations), bias) : tf.conv2d(x4, filter as tf.Tensor4D, strides, p, "NHWC", dilations);
    return tf.fused.conv2d({ x: x4, filter: filter as tf.Tensor4D, strides, pad: p, dataFormat: "NHWC", dilations, bias, activation });
  }
  if (plan === "depthwise") {
    const padded = pad.some(([a, b]) => a || b) ? (tf.pad(x4, pad as [number, number][]) as tf.Tensor4D) : x4;
    return tf.fused.depthwiseConv2d({ x: padded, filter: filter as tf.Tensor4D, strides, pad: "valid", dilations, bias, activation });
  }
  let y: tf.Tensor;
  if (plan === "split") {
    const xs = tf.split(x4, g, 3) as tf.Tensor4D[];
    const ws = tf.split(filter as tf.Tensor4D, g, 3) as tf.Tensor4D[];
    y = tf.concat(xs.map((xi, i) => tf.conv2d(xi, ws[i], strides, pad, "NHWC", dilations) as tf.Tensor4D), 3);
  } else {
    // channel c = i*k + j of group i: slice j of every group, a depthwise conv with
    // multiplier m gives channel i*m + t of group i; summed over j.
    const [n, h, wd] = x4.shape as [number, number, number, number];
    const parts = tf.split(tf.reshape(x4, [n, h, wd, g, k]), k, 4);
    const filters = tf.split(filter, k, 0);
    y = tf.addN(parts.map((p, j) => depthwise(tf.reshape(p, [n, h, wd, g]), tf.squeeze(filters[j], [0]), strides, pad, dilations)));
  }
  if (bias) y = tf.add(y, bias);
  return activation === "relu" ? tf.relu(y) : activation === "relu6" ? tf.clipByValue(y, 0, 6) : y;
}

/** tfjs's depthwise convolution takes explicit padding only through a separate pad. */
function depthwise(x: tf.Tensor, f: tf.Tensor, strides: Pair, pad: tf.backend_util.ExplicitPadding, dilations: Pair): tf.Tensor4D {
  const padded = pad.some(([a, b]) => a || b) ? tf.pad(x, pad as [number, number][]) : x;
  return tf.depthwiseConv2d(padded as tf.Tensor4D, f as tf.Tensor4D, strides, "valid", "NHWC", dilations);
}

export const convtranspose: Kernel = {
  layout(node, name) {
    if (name !== "weight") return undefined;
    // PyTorch [in, out/g, kh, kw] <-> tfjs [kh, kw, out/g, in]
    return { fromTorch: (t) => tf.transpose(t, [2, 3, 1, 0]), toTorch: (t) => tf.transpose(t, [3, 2, 0, 1]) };
  },
  run([x], node, w) {
    const [sh, sw] = pair(node.attrs.stride);
    const [kh, kw] = pair(node.attrs.kernel);
    const [ph, pw] = pair(node.attrs.pad);
    const [oph, opw] = pair(node.attrs.output_pad);
    if (pair(node.attrs.dilation).some((d) => d !== 1)) throw new RuntimeError("convtranspose with dilation is not supported by the runtime");
    const g = node.attrs.groups as number;
    const x4 = x as tf.Tensor4D;
    const [n, h, wd] = x4.shape as [number, number, number, number];
    // The full transposed convolution, then PyTorch's padding cropped off and its output
    // padding added (as zeros beyond the full output, or as more of it).
    const fullH = (h - 1) * sh + kh;
    const fullW = (wd - 1) * sw + kw;
    const xs = g === 1 ? [x4] : tf.split(x4, g, 3);
    const ws = g === 1 ? [w.weight as tf.Tensor4D] : (tf.split(w.weight as tf.Tensor4D, g, 3) as tf.Tensor4D[]);
    const parts = (xs as tf.Tensor4D[]).map((xi, i) => {
      const outC = ws[i].shape[2];
      return tf.conv2dTranspose(xi, ws[i], [n, fullH + oph, fullW + opw, outC], [sh, sw], "valid");
    });
    let y = g === 1 ? parts[0] : tf.concat(parts, 3);
    const outH = fullH - 2 * ph + oph;
    const outW = fullW - 2 * pw + opw;
    y = tf.slice(y, [0, ph, pw, 0], [n, outH, outW, y.shape[3] as number]);
    return w.bias ? tf.add(y, w.bias) : y;
  },
};

export const linear: Kernel = {
  run([x], node, w, ctx) {
    return inTorchLayout(x, ctx.inputRanks[0], (t) => {
      const rows = tf.reshape(t, [-1, t.shape[t.shape.length - 1]]);
      // inference on the GPU: the bias added by the matrix product's own kernel (one
      // dispatch, not two); tfjs-wasm's fused product gives wrong numbers with transposeB
      const plain = () => tf.matMul(rows as tf.Tensor2D, w.weight as tf.Tensor2D, false, true);
      const y =
        ctx.training || tf.getBackend() !== "webgpu"
          ? w.bias ? tf.add(plain(), w.bias) : plain()
          : tf.fused.matMul({ a: rows as tf.Tensor2D, b: w.weight as tf.Tensor2D, transposeB: true, bias: w.bias });
      return tf.reshape(y, [...t.shape.slice(0, -1), node.attrs.out as number]);
    });
  },
};
