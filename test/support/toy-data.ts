// Seeded toy image sets for training tests: image i has class i % classes and the
// band of pixels numbered like its class made brighter by 1 (band = pixels / classes),
// over uniform noise scaled by `noise`. Learnable in a few steps, identical on every run.
import type { Dataset } from "../../runtime/data.js";

export function toyImages(n: number, seed: number, o: { pixels: number; classes: number; noise: number }): Dataset["train"] {
  const x = new Float32Array(n * o.pixels);
  const y = new Int32Array(n);
  const band = Math.ceil(o.pixels / o.classes);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    y[i] = i % o.classes;
    for (let p = 0; p < o.pixels; p++) x[i * o.pixels + p] = rnd() * o.noise + (Math.floor(p / band) === y[i] ? 1 : 0);
  }
  return { x, y, n };
}
