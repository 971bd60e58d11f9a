// Weights generated from a formula, the same in TypeScript and in Python
// (scripts/gen-torch-network-values.py writes the Python twin): whole networks can be run
// by netc and by PyTorch on the same weights without committing the weights. Element j
// of the tensor named N is a 32-bit integer hash of j and of N's FNV-1a hash, mapped to
// [-1, 1) and scaled by the tensor's role (below); all arithmetic is on 32-bit integers
// and doubles, so both sides produce the same float32 values bit for bit.
import type { StateDict, StateTensor } from "../../runtime/state.js";

/** FNV-1a over the name's UTF-16 code units (ASCII names: its bytes). */
export function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Chris Wellons' lowbias32 integer hash. */
function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** n values in [-1, 1): hash32(j + seed * 0x9e3779b9 mod 2^32) / 2^31 - 1. */
export function seededUniform(name: string, n: number): Float64Array {
  const base = Math.imul(nameSeed(name), 0x9e3779b9) >>> 0;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = hash32((base + j) >>> 0) / 2 ** 31 - 1;
  return out;
}

/**
 * A tensor's values by its role: weights of rank 2 and more uniform with variance
 * 1 / fan_in (fan_in = numel / shape[0]); norm weights 1 ± 0.2, biases ± 0.1; running
 * means ± 0.1, running variances in [0.5, 1); a layer scale ± 0.5; counters 0.
 */
export function seededTensor(name: string, shape: number[]): StateTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (name.endsWith("num_batches_tracked")) return { shape, data: new BigInt64Array(n), dtype: "I64" };
  const u = seededUniform(name, n);
  let f: (x: number) => number;
  if (name.endsWith("running_var")) f = (x) => 0.75 + 0.25 * x;
  else if (name.endsWith("running_mean") || name.endsWith("bias")) f = (x) => 0.1 * x;
  else if (name.endsWith("layer_scale")) f = (x) => 0.5 * x;
  else if (shape.length >= 2) {
    const k = Math.sqrt(3 / (n / shape[0]));
    f = (x) => k * x;
  } else f = (x) => 1 + 0.2 * x;
  return { shape, data: Float32Array.from(u, f), dtype: "F32" };
}

/** A whole state dict from (name, shape) pairs. */
export function seededStateDict(tensors: Iterable<{ name: string; shape: number[] }>): StateDict {
  return new Map([...tensors].map((t) => [t.name, seededTensor(t.name, t.shape)]));
}
