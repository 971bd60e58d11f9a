// Value-by-value ops (activations, dropout), softmax along a dimension, and the merges
// (add, mul, concat).
import * as tf from "@tensorflow/tfjs-core";
import type { IRNode } from "../../compiler/ir.js";
import type { Kernel, Weights } from "./kernel.js";
import { fromTorch, toTorch } from "./layout.js";

export const softmax: Kernel = {
  run([x], node, _w, ctx) {
    const rank = ctx.inputRanks[0];
    const dim = ((node.attrs.dim as number) + rank) % rank; // batchless PyTorch dimension
    const axis = rank === 3 ? [3, 1, 2][dim] : dim + 1;
    if (axis === x.rank - 1) return tf.softmax(x);
    const perm = x.shape.map((_, i) => i);
    [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1], perm[axis]];
    return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
  },
};

export const pointwise = (f: (x: tf.Tensor, node: IRNode, w: Weights) => tf.Tensor): Kernel => ({ run: ([x], node, w) => f(x, node, w) });

export const relu6 = (x: tf.Tensor) => tf.clipByValue(x, 0, 6);

export const prelu: Kernel = {
  run([x], _node, w, ctx) {
    const rank = ctx.inputRanks[0];
    const slope = w.weight.size === 1 ? tf.reshape(w.weight, []) : rank === 2 ? tf.reshape(w.weight, [-1, 1]) : w.weight;
    return tf.prelu(x, slope); // tfjs's, with its gradient (a where on x > 0 has none through the comparison)
  },
};

/**
 * Merges: add and mul broadcast like PyTorch, one sample at a time (shapes exclude the
 * batch). Values of different ranks meet in PyTorch's layout, each lower-ranked one
 * given unit axes after its batch axis, so that the batch never broadcasts against a
 * data axis: [N, 6] meets [N, 4, 5, 6] as [N, 1, 1, 6].
 */
export function merge(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Kernel {
  return {
    run(xs, node, _w, ctx) {
      const ranks = ctx.inputRanks;
      const outRank = node.shape!.length;
      if (ranks.every((r) => r === ranks[0])) return xs.reduce((a, b) => f(a, b));
      const torch = xs.map((x, i) => {
        const t = toTorch(x, ranks[i]);
        const [n, ...rest] = t.shape;
        return ranks[i] < outRank ? tf.reshape(t, [n, ...new Array<number>(outRank - ranks[i]).fill(1), ...rest]) : t;
      });
      return fromTorch(torch.reduce((a, b) => f(a, b)), outRank);
    },
  };
}

export const concat: Kernel = {
  run(xs, _node, _w, ctx) {
    const rank = ctx.inputRanks[0];
    return tf.concat(xs, rank === 3 ? 3 : 1);
  },
};
