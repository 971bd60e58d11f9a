// Batch norm in training mode as two kernels, forward and backward, in the backend's own
// memory (channels last: [M, C] with M = N·H·W). TensorFlow.js composes it from moments
// (mean, squared difference, mean) and batchNorm, and its gradient broadcasts with Tile
// and reduces with Sum for each of them; here one pass computes the statistics and the
// output, and the gradient is the closed form
//   dx = γ/σ · (dy - mean(dy) - x̂ · mean(dy · x̂)),  dγ = Σ dy · x̂,  dβ = Σ dy.
import * as tf from "@tensorflow/tfjs-core";
import { typedData } from "./memory.js";

const FORWARD = "NetcBatchNormTrain";
const BACKWARD = "NetcBatchNormTrainGrad";
type Info = { dataId: object; shape: number[]; dtype: tf.DataType };
type Backend = { makeOutput?(shape: number[], dtype: tf.DataType): Info; makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: Float32Array): Info };

const make = (b: Backend, shape: number[]) => ("wasm" in b ? b.makeOutput!(shape, "float32") : b.makeTensorInfo!(shape, "float32", new Float32Array(shape.reduce((x, y) => x * y, 1))));

/** y = γ (x - μ)/sqrt(σ² + eps) + β with the batch's μ and (biased) σ², per channel of x [M, C]. */
export function batchNormForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, C: number, eps: number, y: Float32Array, mean: Float32Array, variance: Float32Array) {
  const M = x.length / C;
  const sum = new Float64Array(C);
  const sq = new Float64Array(C);
  for (let i = 0; i < M; i++) for (let c = 0; c < C; c++) sum[c] += x[i * C + c];
  for (let c = 0; c < C; c++) mean[c] = sum[c] / M;
  for (let i = 0; i < M; i++) for (let c = 0; c < C; c++) { const d = x[i * C + c] - mean[c]; sq[c] += d * d; }
  const scale = new Float64Array(C);
  for (let c = 0; c < C; c++) { variance[c] = sq[c] / M; scale[c] = gamma[c] / Math.sqrt(variance[c] + eps); }
  for (let i = 0; i < M; i++) for (let c = 0; c < C; c++) y[i * C + c] = (x[i * C + c] - mean[c]) * scale[c] + beta[c];
}

export function batchNormBackward(dy: Float32Array, x: Float32Array, gamma: Float32Array, mean: Float32Array, variance: Float32Array, C: number, eps: number, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array) {
  const M = x.length / C;
  const inv = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + eps));
  const sdy = new Float64Array(C);
  const sdyx = new Float64Array(C);
  for (let i = 0; i < M; i++)
    for (let c = 0; c < C; c++) { const g = dy[i * C + c]; sdy[c] += g; sdyx[c] += g * (x[i * C + c] - mean[c]) * inv[c]; }
  for (let c = 0; c < C; c++) { dbeta[c] = sdy[c]; dgamma[c] = sdyx[c]; }
  for (let i = 0; i < M; i++)
    for (let c = 0; c < C; c++) {
      const xhat = (x[i * C + c] - mean[c]) * inv[c];
      dx[i * C + c] = gamma[c] * inv[c] * (dy[i * C + c] - sdy[c] / M - (xhat * sdyx[c]) / M);
    }
}

function forward({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown }) {
  const b = backend as Backend;
  const [x, scale, offset] = (["x", "scale", "offset"] as const).map((k) => inputs[k] as unknown as Info);
  const C = x.shape[x.shape.length - 1];
  const [y, mean, variance] = [make(b, x.shape), make(b, [C]), make(b, [C])];
  const v = (t: Info) => typedData(b, t) as Float32Array;
  batchNormForward(v(x), v(scale), v(offset), C, attrs.eps as number, v(y), v(mean), v(variance));
  return [y, mean, variance] as never;
}

function backward({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown }) {
  const b = backend as Backend;
  const [dy, x, scale, mean, variance] = (["dy", "x", "scale", "mean", "variance"] as const).map((k) => inputs[k] as unknown as Info);
  const C = x.shape[x.shape.length - 1];
  const [dx, dscale, doffset] = [make(b, x.shape), make(b, [C]), make(b, [C])];
  const v = (t: Info) => typedData(b, t) as Float32Array;
  batchNormBackward(v(dy), v(x), v(scale), v(mean), v(variance), C, attrs.eps as number, v(dx), v(dscale), v(doffset));
  return [dx, dscale, doffset] as never;
}

let registered = false;
function register() {
  if (registered) return;
  registered = true;
  for (const backendName of ["wasm", "cpu"]) {
    tf.registerKernel({ kernelName: FORWARD, backendName, kernelFunc: forward as never });
    tf.registerKernel({ kernelName: BACKWARD, backendName, kernelFunc: backward as never });
  }
  tf.registerGradient({
    kernelName: FORWARD,
    inputsToSave: ["x", "scale"],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy] = dys as tf.Tensor[];
      const [x, scale, mean, variance] = saved;
      // one kernel for the three gradients, run here: each closure below runs in a scope
      // of its own that would dispose the others' results
      const [dx, dscale, doffset] = tf.engine().runKernel(BACKWARD, { dy, x, scale, mean, variance } as never, attrs as never) as unknown as tf.Tensor[];
      return { x: () => dx, scale: () => dscale, offset: () => doffset };
    },
  });
}

/** Whether the fused kernels serve the active backend. */
export const fusedBatchNormHere = () => ["wasm", "cpu"].includes(tf.getBackend());

/** Training-mode batch norm over every axis but the last: the output and the batch's mean and biased variance. */
export function batchNormTrain(x: tf.Tensor, scale: tf.Tensor | undefined, offset: tf.Tensor | undefined, eps: number): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  register();
  const C = x.shape[x.rank - 1];
  const [y, mean, variance] = tf.engine().runKernel(FORWARD, { x, scale: scale ?? tf.ones([C]), offset: offset ?? tf.zeros([C]) } as never, { eps } as never) as unknown as tf.Tensor[];
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}
