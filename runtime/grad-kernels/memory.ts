// A tensor's data as a typed array over the backend's own memory, for kernels written in
// JavaScript: on wasm, a view of the WebAssembly heap (no copy: take it after allocating
// every output, since growing the heap detaches older views); on cpu, the backend's array.
import type * as tf from "@tensorflow/tfjs-core";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };
interface WasmLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
}
interface CpuLike {
  data: { get(id: object): { values: Float32Array | Int32Array | Uint8Array } | undefined };
}

export function typedData(backend: unknown, t: Info): Float32Array | Int32Array | Uint8Array {
  const size = t.shape.reduce((a, b) => a * b, 1);
  const w = backend as Partial<WasmLike>;
  if (w.wasm && w.dataIdMap) {
    const offset = w.dataIdMap.get(t.dataId)!.memoryOffset;
    const buffer = w.wasm.HEAPU8.buffer;
    if (t.dtype === "float32") return new Float32Array(buffer, offset, size);
    if (t.dtype === "int32") return new Int32Array(buffer, offset, size);
    return new Uint8Array(buffer, offset, size);
  }
  const c = backend as CpuLike;
  return c.data.get(t.dataId)!.values;
}
