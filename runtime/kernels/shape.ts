// Ops that move values: flatten, reshape, pad, upsample, crop, channel shuffle.
import * as tf from "@tensorflow/tfjs-core";
import { pair, type Kernel } from "./kernel.js";
import { channelsLast, inTorchLayout, toTorch } from "./layout.js";

export const flatten: Kernel = {
  run([x], _node, _w, ctx) {
    return tf.reshape(toTorch(x, ctx.inputRanks[0]), [x.shape[0], -1]);
  },
};

export const reshape: Kernel = {
  run([x], node, _w, ctx) {
    const target = node.shape as number[];
    return inTorchLayout(x, ctx.inputRanks[0], (t) => tf.reshape(t, [x.shape[0], ...target]), target.length);
  },
};

export const pad: Kernel = {
  run([x], node) {
    const [l, r, t, b] = node.attrs.amount as number[];
    return tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]);
  },
};

export const upsample: Kernel = {
  run([x], node) {
    const size: [number, number] = [node.shape![1] as number, node.shape![2] as number];
    // PyTorch's bilinear: half-pixel centres, or corner pixels aligned (align_corners)
    if (node.attrs.mode === "bilinear") return tf.image.resizeBilinear(x as tf.Tensor4D, size, !!node.attrs.align_corners, !node.attrs.align_corners);
    return tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, false, false);
  },
};

export const crop: Kernel = {
  run([x], node) {
    const [t, l] = pair(node.attrs.offset);
    const [, h, w] = node.shape as number[];
    return tf.slice(x, [0, t, l, 0], [-1, h, w, -1]);
  },
};

export const channelshuffle: Kernel = {
  run([x], node, _w, ctx) {
    const g = node.attrs.groups as number;
    return channelsLast(x, ctx.inputRanks[0], (t) => {
      const shape = t.shape as number[];
      const c = shape[shape.length - 1];
      const lead = shape.slice(0, -1);
      const r = lead.length;
      const perm = [...lead.map((_, i) => i), r + 1, r];
      return tf.reshape(tf.transpose(tf.reshape(t, [...lead, g, c / g]), perm), shape);
    });
  },
};
