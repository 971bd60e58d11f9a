// Three of tfjs-backend-wasm's kernels replaced for training, where the profile of a lenet5
// epoch found them slow for what they do (Identity, which shares memory, is ./identity.ts):
// - BatchMatMul with a transposed operand: wasm's loop reads the transposed matrix across
//   its rows and is 4 to 10 times slower than the product without (a linear layer's
//   forward multiplies by the weight transposed, its gradients by the input and the output
//   gradient transposed). The operand is transposed first (wasm's Transpose, a copy) and
//   the product taken plain, which is XNNPACK's.
// - Add and Sum for a bias over channels and its gradient (./bias.ts).
import * as tf from "@tensorflow/tfjs-core";
import { biasAdd, channelSum } from "./bias.js";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };
interface WasmBackend { disposeData(dataId: object): boolean }
type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/** Registers the three kernels for wasm (once; returns their names, or none when wasm is not loaded). */
export function registerWasmStepKernels(): string[] {
  const matMul = tf.getKernel("BatchMatMul", "wasm");
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!matMul || !transpose || (matMul.kernelFunc as { netc?: boolean }).netc) return [];
  const plain = matMul.kernelFunc as unknown as (a: KernelArgs) => Info;
  const turn = transpose.kernelFunc as unknown as (a: KernelArgs) => Info;

  const batchMatMul = ({ inputs, attrs, backend }: KernelArgs) => {
    const a = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!a.transposeA && !a.transposeB) return plain({ inputs, attrs, backend });
    const made: Info[] = [];
    const upright = (t: Info, turned: boolean) => {
      if (!turned) return t;
      const r = t.shape.length;
      const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
      const out = turn({ inputs: { x: t } as never, attrs: { perm } as never, backend });
      made.push(out);
      return out;
    };
    try {
      const x = upright(inputs.a as unknown as Info, a.transposeA);
      const y = upright(inputs.b as unknown as Info, a.transposeB);
      return plain({ inputs: { a: x, b: y } as never, attrs: { ...attrs, transposeA: false, transposeB: false }, backend });
    } finally {
      for (const t of made) (backend as WasmBackend).disposeData(t.dataId);
    }
  };
  (batchMatMul as { netc?: boolean }).netc = true;

  const add = tf.getKernel("Add", "wasm")?.kernelFunc as unknown as ((a: KernelArgs) => Info) | undefined;
  const sum = tf.getKernel("Sum", "wasm")?.kernelFunc as unknown as ((a: KernelArgs) => Info) | undefined;
  const replaced: [string, unknown][] = [["BatchMatMul", batchMatMul], ["Add", add && biasAdd(add)], ["Sum", sum && channelSum(sum, plain)]];
  const names: string[] = [];
  for (const [kernelName, kernelFunc] of replaced) {
    if (!kernelFunc) continue;
    const old = tf.getKernel(kernelName, "wasm")!;
    tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({ ...old, kernelName, backendName: "wasm", kernelFunc: kernelFunc as never });
    names.push(kernelName);
  }
  return names;
}
