// Max-pool's gradient in one pass over the windows, in the backend's own memory: each
// window's output gradient goes to the position of its maximum (the first one in scan
// order, as PyTorch). wasm's MaxPoolGrad visits, for every input position, every window
// that could hold it; this visits each window once and keeps the channels innermost
// (NHWC), so it reads memory in order.
import * as tf from "@tensorflow/tfjs-core";
import { typedData } from "./memory.js";

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };

export interface PoolGeometry {
  batch: number; height: number; width: number; channels: number;
  outHeight: number; outWidth: number; filterHeight: number; filterWidth: number;
  strideHeight: number; strideWidth: number; padTop: number; padLeft: number;
}

export function maxPoolGradValues(x: Float32Array, dy: Float32Array, dx: Float32Array, g: PoolGeometry) {
  const { batch, height: H, width: W, channels: C } = g;
  dx.fill(0);
  const row = W * C;
  for (let n = 0; n < batch; n++) {
    const base = n * H * W * C;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const h0 = oh * g.strideHeight - g.padTop;
      const [hLo, hHi] = [Math.max(0, h0), Math.min(H, h0 + g.filterHeight)];
      for (let ow = 0; ow < g.outWidth; ow++) {
        const w0 = ow * g.strideWidth - g.padLeft;
        const [wLo, wHi] = [Math.max(0, w0), Math.min(W, w0 + g.filterWidth)];
        if (hLo >= hHi || wLo >= wHi) continue; // a window wholly in the padding
        const first = base + (hLo * W + wLo) * C;
        const q = ((n * g.outHeight + oh) * g.outWidth + ow) * C;
        if (hHi - hLo === 2 && wHi - wLo === 2) { // 2x2 (LeNet's, VGG's): four reads, the first maximum kept
          for (let c = 0; c < C; c++) {
            const p0 = first + c;
            const p1 = p0 + C;
            const p2 = p0 + row;
            const p3 = p1 + row;
            let at = p0;
            if (x[p1] > x[at]) at = p1;
            if (x[p2] > x[at]) at = p2;
            if (x[p3] > x[at]) at = p3;
            dx[at] += dy[q + c];
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          // the window's first position, then any strictly greater one (the first maximum in scan order)
          let at = first + c;
          let best = x[at];
          for (let h = hLo; h < hHi; h++)
            for (let w = h === hLo ? wLo + 1 : wLo; w < wHi; w++) {
              const p = base + (h * W + w) * C + c;
              if (x[p] > best) { best = x[p]; at = p; }
            }
          dx[at] += dy[q + c];
        }
      }
    }
  }
}

function kernelFunc({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown }) {
  const x = inputs.input as unknown as Info;
  const dy = inputs.dy as unknown as Info;
  const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: never; dimRoundingMode?: never };
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const b = backend as { makeOutput(shape: number[], dtype: tf.DataType): Info };
  const dx = b.makeOutput(x.shape, "float32");
  maxPoolGradValues(typedData(b, x) as Float32Array, typedData(b, dy) as Float32Array, typedData(b, dx) as Float32Array, {
    batch: info.batchSize, height: info.inHeight, width: info.inWidth, channels: info.inChannels,
    outHeight: info.outHeight, outWidth: info.outWidth, filterHeight: info.filterHeight, filterWidth: info.filterWidth,
    strideHeight: info.strideHeight, strideWidth: info.strideWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
  });
  return dx as never;
}

/** Replaces wasm's MaxPoolGrad with this one. */
export function registerMaxPoolGrad() {
  if (tf.getKernel("MaxPoolGrad", "wasm")) tf.unregisterKernel("MaxPoolGrad", "wasm");
  tf.registerKernel({ kernelName: "MaxPoolGrad", backendName: "wasm", kernelFunc: kernelFunc as never });
}
