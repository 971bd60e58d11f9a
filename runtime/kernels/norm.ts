// Normalisations: batchnorm (training-mode statistics included), groupnorm, lrn.
import * as tf from "@tensorflow/tfjs-core";
import type { Kernel } from "./kernel.js";
import { channelsLast, inTorchLayout } from "./layout.js";
import { batchNormTrain, fusedBatchNormHere } from "../grad-kernels/batch-norm.js";

export const batchnorm: Kernel = {
  run([x], node, w, ctx) {
    const eps = node.attrs.eps as number;
    return channelsLast(x, ctx.inputRanks[0], (t) => {
      const axes = t.shape.slice(0, -1).map((_, i) => i);
      const useBatch = ctx.training || !node.attrs.stats;
      let mean = w.running_mean;
      let variance = w.running_var;
      if (ctx.training && fusedBatchNormHere()) {
        const r = batchNormTrain(t, w.weight, w.bias, eps); // one kernel forward, one backward
        if (node.attrs.stats) ctx.statUpdates?.push({ node, mean: tf.keep(tf.clone(r.mean)), variance: tf.keep(tf.clone(r.variance)), count: t.size / t.shape[t.shape.length - 1]! });
        return r.y;
      }
      if (useBatch) {
        const moments = tf.moments(t, axes);
        mean = moments.mean;
        variance = moments.variance;
        if (ctx.training && node.attrs.stats)
          ctx.statUpdates?.push({ node, mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)), count: t.size / t.shape[t.shape.length - 1]! });
      }
      return tf.batchNorm(t, mean, variance, w.bias, w.weight, eps);
    });
  },
};

export const groupnorm: Kernel = {
  run([x], node, w, ctx) {
    return inTorchLayout(x, ctx.inputRanks[0], (t) => {
      const [n, c] = t.shape as number[];
      const g = node.attrs.groups as number;
      const grouped = tf.reshape(t, [n, g, -1]);
      const { mean, variance } = tf.moments(grouped, [2], true);
      let y = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, node.attrs.eps as number))), t.shape);
      if (w.weight) {
        const bshape = [1, c, ...t.shape.slice(2).map(() => 1)];
        y = tf.add(tf.mul(y, tf.reshape(w.weight, bshape)), tf.reshape(w.bias, bshape));
      }
      return y;
    });
  },
};

export const lrn: Kernel = {
  run([x], node, _w, ctx) {
    // PyTorch: b = a / (k + alpha/n * sum of a^2 over n neighbouring channels)^beta, the
    // window from c - n/2 to c + (n-1)/2, zero-padded.
    return channelsLast(x, ctx.inputRanks[0], (t) => {
      const size = node.attrs.size as number;
      const c = t.shape[t.shape.length - 1]!;
      const sq = tf.square(t);
      const padding = t.shape.map((_, i) => (i === t.shape.length - 1 ? [Math.floor(size / 2), Math.floor((size - 1) / 2)] : [0, 0])) as [number, number][];
      const padded = tf.pad(sq, padding);
      const begin = t.shape.map(() => 0);
      let sum: tf.Tensor = tf.zerosLike(t);
      for (let i = 0; i < size; i++) sum = tf.add(sum, tf.slice(padded, [...begin.slice(0, -1), i], [...t.shape.slice(0, -1), c]));
      const div = tf.pow(tf.add(tf.mul(sum, (node.attrs.alpha as number) / size), node.attrs.k as number), node.attrs.beta as number);
      return tf.div(t, div);
    });
  },
};
