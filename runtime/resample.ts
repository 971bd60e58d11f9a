// Resampling as PIL's Image.resize(BILINEAR) does it (torchvision resizes with PIL):
// separable filters, fixed-point coefficients, 8-bit rounding and clipping after each
// pass, so that the pixels equal those torchvision gets.

/** An 8-bit image, interleaved channels (1 or 3). */
export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

const PRECISION_BITS = 32 - 8 - 2;

interface Coefficients {
  ksize: number;
  /** per output pixel: first input index and count */
  bounds: Int32Array;
  /** fixed-point weights, ksize per output pixel */
  kk: Int32Array;
}

/** Pillow's `precompute_coeffs` for the bilinear filter, then `normalize_coeffs_8bpc`. */
function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale; // bilinear support is 1
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const pre = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const w = t < 1 ? 1 - t : 0;
      pre[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      const v = x < xmax ? (ww !== 0 ? pre[x]! / ww : pre[x]!) : 0;
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(v: number): number {
  const s = Math.floor(v / (1 << PRECISION_BITS));
  return s < 0 ? 0 : s > 255 ? 255 : s;
}

/** PIL's `Image.resize((w, h), BILINEAR)` on an 8-bit image (what torchvision's Resize calls). */
export function resample(img: Pixels, outW: number, outH: number): Pixels {
  if (outW === img.width && outH === img.height) return img;
  const c = img.channels;
  const half = 1 << (PRECISION_BITS - 1);
  let src = img;
  const horiz = coefficients(img.width, outW);
  const vert = coefficients(img.height, outH);
  const vbounds = vert.bounds.slice();
  if (outW !== img.width) {
    // Only the rows the vertical pass will read.
    const first = vbounds[0]!;
    const last = vbounds[outH * 2 - 2]! + vbounds[outH * 2 - 1]!;
    for (let i = 0; i < outH; i++) vbounds[i * 2] -= first;
    const rows = last - first;
    const out = new Uint8Array(outW * rows * c);
    for (let y = 0; y < rows; y++) {
      const row = (y + first) * img.width * c;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = horiz.bounds[xx * 2]!;
        const xmax = horiz.bounds[xx * 2 + 1]!;
        const k = xx * horiz.ksize;
        for (let ch = 0; ch < c; ch++) {
          let ss = half;
          for (let x = 0; x < xmax; x++) ss += img.data[row + (x + xmin) * c + ch]! * horiz.kk[k + x]!;
          out[(y * outW + xx) * c + ch] = clip8(ss);
        }
      }
    }
    src = { width: outW, height: rows, channels: c, data: out };
  }
  if (outH === img.height) return src;
  const out = new Uint8Array(outW * outH * c);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = vbounds[yy * 2]!;
    const ymax = vbounds[yy * 2 + 1]!;
    const k = yy * vert.ksize;
    for (let xx = 0; xx < outW; xx++) {
      for (let ch = 0; ch < c; ch++) {
        let ss = half;
        for (let y = 0; y < ymax; y++) ss += src.data[((y + ymin) * outW + xx) * c + ch]! * vert.kk[k + y]!;
        out[(yy * outW + xx) * c + ch] = clip8(ss);
      }
    }
  }
  return { width: outW, height: outH, channels: c, data: out };
}

