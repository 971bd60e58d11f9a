// Training on the wasm backend: it implements the forward kernels but few of the ones
// gradients need (Conv2DBackpropFilter, MaxPoolGrad…). Each kernel the cpu backend has
// and wasm lacks is registered for wasm as a call to the cpu backend's, with the data
// copied across: the bulk of the work stays in wasm, the rest runs in JavaScript.
import * as tf from "@tensorflow/tfjs-core";
import { registerMaxPoolGrad } from "./grad-kernels/max-pool-grad.js";
import { registerConvGradient } from "./grad-kernels/conv-grad.js";
import { registerSharedIdentity } from "./grad-kernels/identity.js";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };

let done = false;

export function registerWasmFallbacks(): string[] {
  if (done) return [];
  done = true;
  const cpu = tf.findBackend("cpu") as tf.KernelBackend | null;
  if (!cpu) return [];
  registerConvGradient(); // netc's own: matrix products and convolutions in wasm (grad-kernels/conv-grad.ts)
  registerSharedIdentity(); // the tape's saved tensors share memory instead of copying it
  registerMaxPoolGrad(); // netc's own, in wasm's memory (tested against PyTorch and tfjs's cpu)
  const have = new Set(tf.getKernelsForBackend("wasm").map((k) => k.kernelName));
  const added: string[] = [];
  for (const k of tf.getKernelsForBackend("cpu")) {
    if (have.has(k.kernelName)) continue;
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs, backend }) => viaCpu(k, inputs, attrs ?? {}, backend as tf.KernelBackend, cpu),
    });
    added.push(k.kernelName);
  }
  return added;
}

function viaCpu(k: tf.KernelConfig, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, wasm: tf.KernelBackend, cpu: tf.KernelBackend) {
  const moved: Record<string, Info> = {};
  for (const [name, t] of Object.entries(inputs)) {
    const info = t as unknown as Info;
    moved[name] = { dataId: cpu.write(wasm.readSync(info.dataId) as tf.backend_util.BackendValues, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
  }
  const out = k.kernelFunc({ inputs: moved as never, attrs, backend: cpu }) as unknown as Info;
  const values = cpu.readSync(out.dataId) as tf.backend_util.BackendValues;
  cpu.disposeData(out.dataId);
  for (const m of Object.values(moved)) cpu.disposeData(m.dataId);
  return { dataId: wasm.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype } as never;
}
