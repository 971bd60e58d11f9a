// Adam's update as one kernel per parameter, in the backend's own memory: the new moments
// and the new value in a single pass, where TensorFlow.js's AdamOptimizer calls about
// fourteen element-wise kernels per parameter and step (each a call into wasm with its
// own overhead, for tensors of a few hundred to a few thousand numbers). The state stays
// TensorFlow.js's (the same moment variables, names and step count), so checkpoints
// and --resume read and write it as before.
import * as tf from "@tensorflow/tfjs-core";
import { typedData } from "./memory.js";

export const ADAM = "NetcAdamUpdate";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };
interface AdamAttrs { lr: number; beta1: number; beta2: number; epsilon: number; c1: number; c2: number }

/** m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g²; w' = w - lr (m'/c1) / (sqrt(v'/c2) + eps), with c = 1 - b^t. */
export function adamValues(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, a: AdamAttrs, w2: Float32Array, m2: Float32Array, v2: Float32Array) {
  const [b1, b2, k1, k2] = [Math.fround(a.beta1), Math.fround(a.beta2), Math.fround(1 - a.beta1), Math.fround(1 - a.beta2)];
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = (m2[i] = b1 * m[i] + k1 * gi);
    const vi = (v2[i] = b2 * v[i] + k2 * gi * gi);
    w2[i] = w[i] - (a.lr * (mi / a.c1)) / (Math.sqrt(vi / a.c2) + a.epsilon);
  }
}

function kernelFunc({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown }) {
  const [w, m, v, g] = (["value", "m", "v", "g"] as const).map((k) => inputs[k] as unknown as Info);
  const b = backend as { makeOutput?(shape: number[], dtype: tf.DataType): Info; makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: Float32Array): Info };
  const size = w.shape.reduce((x, y) => x * y, 1);
  const make = () => ("wasm" in b ? b.makeOutput!(w.shape, "float32") : b.makeTensorInfo!(w.shape, "float32", new Float32Array(size)));
  const [w2, m2, v2] = [make(), make(), make()];
  const view = (t: Info) => typedData(b, t) as Float32Array; // after the outputs: a growing wasm heap detaches older views
  adamValues(view(w), view(m), view(v), view(g), attrs as unknown as AdamAttrs, view(w2), view(m2), view(v2));
  return [w2, m2, v2] as never;
}

let registered = false;
function register() {
  if (registered) return;
  registered = true;
  for (const backendName of ["wasm", "cpu"]) tf.registerKernel({ kernelName: ADAM, backendName, kernelFunc: kernelFunc as never });
}

type Slot = { originalName: string; variable: tf.Variable };
interface AdamInternals { accBeta1: tf.Variable; accBeta2: tf.Variable; accumulatedFirstMoment: Slot[]; accumulatedSecondMoment: Slot[]; beta1: number; beta2: number; epsilon: number; learningRate: number; incrementIterations(): void }

/** TensorFlow.js's Adam with the fused update on wasm and cpu (its own everywhere else). */
export class FusedAdam extends tf.AdamOptimizer {
  applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]) {
    if (!["wasm", "cpu"].includes(tf.getBackend())) return super.applyGradients(variableGradients);
    register();
    const self = this as unknown as AdamInternals;
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const [acc1, acc2] = [self.accBeta1.dataSync()[0], self.accBeta2.dataSync()[0]];
    const attrs = { lr: self.learningRate, beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon, c1: Math.fround(1 - acc1), c2: Math.fround(1 - acc2) };
    tf.tidy(() => {
      list.forEach(({ name, tensor: g }, i) => {
        const value = tf.engine().registeredVariables[name];
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (g == null) return;
        const [m, v] = [self.accumulatedFirstMoment[i].variable, self.accumulatedSecondMoment[i].variable];
        const [w2, m2, v2] = tf.engine().runKernel(ADAM, { value, m, v, g } as never, attrs as never) as unknown as tf.Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(w2);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}
