// Semantic segmentation as FCN trains and scores it: per-pixel class scores cropped to
// the input (centred, as torchvision's CenterCrop), cross-entropy averaged over the
// pixels whose label is not the ignore label (255, VOC's object borders), and the mean
// IoU of the confusion matrix. Checked against PyTorch by test/tasks/segmentation.test.ts.
import * as tf from "@tensorflow/tfjs-core";

export const IGNORE = 255;

/** Python's round(): halves to the even neighbour, as center_crop's offsets are computed. */
const roundHalfEven = (v: number) => (v % 1 === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));

/** Scores [N, C, H', W'] cropped to H x W about the centre (torchvision's center_crop offsets). */
export function cropScores(scores: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [n, c, h, w] = scores.shape;
  if (h === height && w === width) return scores;
  if (h < height || w < width) throw new Error(`the segmentation output (${h}x${w}) is smaller than the input (${height}x${width})`);
  const top = roundHalfEven((h - height) / 2);
  const left = roundHalfEven((w - width) / 2);
  return tf.slice(scores, [0, 0, top, left], [n, c, height, width]);
}

/**
 * PyTorch's F.cross_entropy(scores, labels, ignore_index=255): the mean over the labelled
 * pixels of −log softmax(scores)[label]; 0 when no pixel is labelled.
 */
export function segmentationLoss(scores: tf.Tensor4D, labels: Uint8Array | Int32Array, classes: number): tf.Scalar {
  return tf.tidy(() => {
    const [n, c, h, w] = scores.shape;
    const flat = tf.reshape(tf.transpose(scores, [0, 2, 3, 1]), [n * h * w, c]);
    const lab = Int32Array.from(labels, (v) => (v === IGNORE ? -1 : v));
    const valid = Float32Array.from(lab, (v) => (v >= 0 && v < classes ? 1 : 0));
    const count = valid.reduce((a, b) => a + b, 0);
    const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(lab, (v) => Math.max(0, v)), "int32"), classes);
    const nll = tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(flat)), -1));
    return tf.div(tf.sum(tf.mul(nll, tf.tensor1d(valid))), Math.max(1, count)) as tf.Scalar;
  });
}

/** The class of each pixel: argmax over C of [N, C, H, W] scores, as [N, H, W]. */
export function predictMask(scores: Float32Array, n: number, classes: number, h: number, w: number): Uint8Array {
  const out = new Uint8Array(n * h * w);
  for (let s = 0; s < n; s++)
    for (let p = 0; p < h * w; p++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (scores[(s * classes + c) * h * w + p] > scores[(s * classes + best) * h * w + p]) best = c;
      out[s * h * w + p] = best;
    }
  return out;
}

/** A confusion matrix, classes x classes (rows: truth, columns: prediction), that counts. */
export class Confusion {
  readonly m: Float64Array;
  constructor(readonly classes: number) {
    this.m = new Float64Array(classes * classes);
  }
  add(truth: ArrayLike<number>, pred: ArrayLike<number>): this {
    for (let i = 0; i < truth.length; i++) if (truth[i] !== IGNORE && truth[i] < this.classes) this.m[truth[i] * this.classes + pred[i]]++;
    return this;
  }
  /** IoU per class, TP / (TP + FP + FN); null for a class neither labelled nor predicted. */
  iou(): (number | null)[] {
    const k = this.classes;
    return Array.from({ length: k }, (_, c) => {
      let row = 0;
      let col = 0;
      for (let j = 0; j < k; j++) (row += this.m[c * k + j]), (col += this.m[j * k + c]);
      const union = row + col - this.m[c * k + c];
      return union > 0 ? this.m[c * k + c] / union : null;
    });
  }
  /** The mean IoU over the classes present (labelled or predicted). */
  meanIou(): number {
    const v = this.iou().filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
  }
  pixelAccuracy(): number {
    let diag = 0;
    let all = 0;
    for (let i = 0; i < this.m.length; i++) (all += this.m[i]), (diag += i % (this.classes + 1) === 0 ? this.m[i] : 0);
    return all ? diag / all : 0;
  }
}
