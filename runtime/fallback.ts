// Training on the wasm backend: it implements the forward kernels but few of the ones
// gradients need (Conv2DBackpropFilter, MaxPoolGrad…). Each kernel the cpu backend has
// and wasm lacks is registered for wasm as a call to the cpu backend's, with the data
// copied across: the bulk of the work stays in wasm, the rest runs in JavaScript.
import * as tf from "@tensorflow/tfjs-core";
import { registerMaxPoolGrad } from "./grad-kernels/max-pool-grad.js";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };

let done = false;

export function registerWasmFallbacks(): string[] {
  if (done) return [];
  done = true;
  const cpu = tf.findBackend("cpu") as tf.KernelBackend | null;
  if (!cpu) return [];
  registerConvGradient();
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

/**
 * Conv2D's gradient with the filter part as a convolution, so that it runs in wasm (the
 * cpu backend's loop takes seconds): with the input channels as the batch and the
 * batch as channels, the output gradient is a filter dilated by the stride,
 *   dW[a, b, ci, co] = sum over n, i, j of x[n, i*s + a, j*s + b, ci] * dy[n, i, j, co].
 * Dilated or "same"-padded convolutions keep tfjs's own gradient.
 */
function registerConvGradient() {
  const original = tf.getGradient("Conv2D");
  if (!original) return;
  tf.registerGradient({
    kernelName: "Conv2D",
    inputsToSave: ["x", "filter"],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as { strides: number | [number, number]; pad: unknown; dataFormat: string; dilations: number | [number, number] };
      const explicit = explicitPadding(a.pad);
      const dil = typeof a.dilations === "number" ? [a.dilations, a.dilations] : a.dilations ?? [1, 1];
      if (!explicit || a.dataFormat !== "NHWC" || dil[0] !== 1 || dil[1] !== 1) return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const [sh, sw] = typeof a.strides === "number" ? [a.strides, a.strides] : a.strides;
      const [kh, kw] = filter.shape;
      const g = dy as tf.Tensor4D;
      return {
        x: () => (sh === 1 && sw === 1 && explicit.every(([p, q], i) => i === 0 || i === 3 || (p < filter.shape[i - 1] && q < filter.shape[i - 1]))
          ? inputGradientAsConv(g, filter, explicit)
          : tf.conv2dTranspose(g, filter, x.shape, [sh, sw], a.pad as never)),
        filter: () => {
          const xt = tf.transpose(tf.pad(x, explicit), [3, 1, 2, 0]) as tf.Tensor4D; // [Ci, Hp, Wp, N]
          const f = tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Co]
          const full = tf.conv2d(xt, f, 1, "valid", "NHWC", [sh, sw]); // [Ci, >= kh, >= kw, Co]
          return tf.transpose(tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]), [1, 2, 0, 3]);
        },
      };
    },
  });
}

/**
 * The input gradient of a stride-1 convolution as a convolution (XNNPACK's, where wasm's
 * own Conv2DBackpropInput is a plain loop several times slower): the output gradient,
 * padded by the kernel size less one less the forward padding, convolved with the filter
 * turned by 180 degrees and its in and out channels swapped.
 */
function inputGradientAsConv(dy: tf.Tensor4D, filter: tf.Tensor4D, pad: [number, number][]): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  const turned = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const p: [number, number][] = [[0, 0], [kh - 1 - pad[1][0], kh - 1 - pad[1][1]], [kw - 1 - pad[2][0], kw - 1 - pad[2][1]], [0, 0]];
  return tf.conv2d(dy, turned, 1, p as never);
}

function explicitPadding(pad: unknown): [number, number][] | undefined {
  if (pad === "valid") return [[0, 0], [0, 0], [0, 0], [0, 0]];
  if (typeof pad === "number") return [[0, 0], [pad, pad], [pad, pad], [0, 0]];
  if (Array.isArray(pad)) return pad as [number, number][];
  return undefined; // "same": leave it to the cpu kernel
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
