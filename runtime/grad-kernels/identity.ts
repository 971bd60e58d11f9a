// Identity on wasm without a copy. TensorFlow.js clones (runs Identity on) every tensor a
// gradient saves for the backward pass; wasm's Identity copies the data, the cpu
// backend's shares it. Kernels never write into their inputs (variables are reassigned,
// not overwritten), so the wasm one can share too, with a reference count, as wasm's own
// Reshape does: on cifar_resnet that is 86 copies of a 32x7x7x64 activation a step.
import * as tf from "@tensorflow/tfjs-core";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };

function identity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }) {
  const x = inputs.x as unknown as Info;
  (backend as { incRef(id: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as never;
}

/** Replaces wasm's Identity with the sharing one (for numeric tensors; strings keep tfjs's). */
export function registerSharedIdentity() {
  const own = tf.getKernel("Identity", "wasm");
  if (!own || (own.kernelFunc as { netc?: boolean }).netc) return;
  const kernelFunc = Object.assign((a: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) =>
    (a.inputs.x as unknown as Info).dtype === "string" ? own.kernelFunc(a as never) : identity(a), { netc: true });
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({ kernelName: "Identity", backendName: "wasm", kernelFunc: kernelFunc as never });
}
