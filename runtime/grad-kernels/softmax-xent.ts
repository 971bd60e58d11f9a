// Softmax cross-entropy as one kernel: the mean loss over the batch and, in the same
// pass, its gradient with respect to the logits ((softmax - one-hot) / N), which the
// backward pass only scales by the incoming gradient. TensorFlow.js composes the loss
// from about a dozen kernels forward and as many backward (one-hot, log-softmax,
// multiply, sums, means…); on the wasm backend each is a call with its own overhead, for
// a few hundred numbers. The kernel reads and writes the backend's own memory (the
// WebAssembly heap on wasm, the typed arrays on cpu): nothing is copied across.
import * as tf from "@tensorflow/tfjs-core";
import { typedData } from "./memory.js";

export const SOFTMAX_XENT = "NetcSoftmaxCrossEntropy";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };

/** loss = mean over rows of logsumexp(z) - z[label]; grad = (softmax(z) - onehot(label)) / N. */
export function softmaxXentValues(z: Float32Array, labels: Int32Array, n: number, k: number, loss: Float32Array, grad: Float32Array) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (z[row + j] > max) max = z[row + j];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(z[row + j] - max);
      grad[row + j] = e;
      sum += e;
    }
    const label = labels[i];
    total += Math.log(sum) + max - z[row + label];
    for (let j = 0; j < k; j++) grad[row + j] = (grad[row + j] / sum - (j === label ? 1 : 0)) / n;
  }
  loss[0] = total / n;
}

function kernelFunc({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
  const logits = inputs.logits as unknown as Info;
  const labels = inputs.labels as unknown as Info;
  const [n, k] = logits.shape;
  const b = backend as tf.KernelBackend & { makeOutput?: (s: number[], d: tf.DataType) => Info; makeTensorInfo?: (s: number[], d: tf.DataType, v?: Float32Array) => Info };
  const make = (shape: number[]) => ("wasm" in b ? b.makeOutput!(shape, "float32") : b.makeTensorInfo!(shape, "float32", new Float32Array(shape.reduce((a, c) => a * c, 1))));
  const loss = make([]);
  const grad = make([n, k]);
  // views taken after both outputs exist: growing the wasm heap would detach older ones
  softmaxXentValues(typedData(b, logits) as Float32Array, typedData(b, labels) as Int32Array, n, k, typedData(b, loss) as Float32Array, typedData(b, grad) as Float32Array);
  return [loss, grad] as never;
}

let registered = false;

/** Registers the kernel (wasm and cpu) and its gradient; idempotent. */
export function registerSoftmaxXent() {
  if (registered) return;
  registered = true;
  for (const backendName of ["wasm", "cpu"]) tf.registerKernel({ kernelName: SOFTMAX_XENT, backendName, kernelFunc: kernelFunc as never });
  tf.registerGradient({
    kernelName: SOFTMAX_XENT,
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [dLoss] = dy as tf.Tensor[];
      const [grad] = saved;
      return { logits: () => tf.mul(grad, dLoss), labels: () => tf.zeros(grad.shape.slice(0, 1), "int32") };
    },
  });
}

/** The mean softmax cross-entropy of `logits` [N, K] against integer `labels` [N]: PyTorch's cross_entropy. */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  registerSoftmaxXent();
  const [loss] = tf.engine().runKernel(SOFTMAX_XENT, { logits: tf.cast(logits, "float32"), labels: tf.cast(labels, "int32") } as never) as unknown as tf.Tensor[];
  return loss as tf.Scalar;
}

/** The training loss: the fused kernel on wasm and cpu, TensorFlow.js's composite elsewhere (GPU backends). */
export function trainingLoss(logits: tf.Tensor, labels: Int32Array, classes: number): tf.Scalar {
  const y = tf.tensor1d(labels, "int32");
  if (["wasm", "cpu"].includes(tf.getBackend())) return softmaxCrossEntropy(logits, y);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits) as tf.Scalar;
}
