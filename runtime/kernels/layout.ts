// Layouts: values of rank 3 (C x H x W) are held as NHWC tensors, the layout tfjs's
// convolutions want; everything else keeps PyTorch's layout with the batch first. The
// one place that converts between them, for every kernel that needs the other one.
import * as tf from "@tensorflow/tfjs-core";

/** PyTorch layout (N, C, H, W) to the runtime's, and back, by rank without the batch. */
// Where the image is 1x1 or has one channel, both layouts hold the same numbers in the
// same order: a reshape (free) instead of a transpose (a pass over memory, a GPU dispatch).
export const fromTorch = (t: tf.Tensor, rank: number) =>
  rank !== 3 ? t : t.shape[1] === 1 || t.shape[2]! * t.shape[3]! === 1 ? tf.reshape(t, [t.shape[0], t.shape[2]!, t.shape[3]!, t.shape[1]!]) : tf.transpose(t, [0, 2, 3, 1]);
export const toTorch = (t: tf.Tensor, rank: number) =>
  rank !== 3 ? t : t.shape[3] === 1 || t.shape[1]! * t.shape[2]! === 1 ? tf.reshape(t, [t.shape[0], t.shape[3]!, t.shape[1]!, t.shape[2]!]) : tf.transpose(t, [0, 3, 1, 2]);

/**
 * Runs `f` with the channel axis last (NHWC images and [N, C] vectors as they are,
 * [N, C, L] transposed) and returns its result in the runtime's layout.
 */
export function channelsLast(x: tf.Tensor, rank: number, f: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (rank === 3 || x.rank <= 2) return f(x);
  const r = x.rank;
  const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  const back = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  return tf.transpose(f(tf.transpose(x, toLast)), back);
}

/** Runs `f` in PyTorch's layout (N, C, ...) and brings its result, of `outRank` without the batch, back. */
export function inTorchLayout(x: tf.Tensor, rank: number, f: (t: tf.Tensor) => tf.Tensor, outRank = rank): tf.Tensor {
  return fromTorch(f(toTorch(x, rank)), outRank);
}
