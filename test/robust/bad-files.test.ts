// The bad-file corpus: seeded corruptions of good weights, arrays and images (truncated,
// bytes flipped, header lengths and shapes changed), each a clean error from its reader
// (WeightsError, NpyError, ImageError: never a TypeError or RangeError) and, through
// `netc run`, exit 1 with no internal error.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, NpyError } from "../../runtime/npy.js";
import { readSafetensors, WeightsError } from "../../runtime/safetensors.js";
import { ImageError, preprocessImage } from "../../runtime/image.js";
import { rng } from "../../scripts/fuzz-lib.js";
import { clean, netc, scratch } from "./cli-support.js";

const root = new URL("../..", import.meta.url).pathname;
const good = {
  safetensors: new Uint8Array(readFileSync(join(root, "test/parity/lenet5.safetensors"))),
  npy: new Uint8Array(readFileSync(join(root, "test/parity/lenet5.input.npy"))),
  png: new Uint8Array(readFileSync(join(root, "test/runtime/fixtures/photo.png"))),
  jpg: new Uint8Array(readFileSync(join(root, "test/runtime/fixtures/photo420.jpg"))),
};
type Kind = keyof typeof good;

/** Corruption `i` of `bytes`: a truncation, flipped bytes, or a changed header. */
function corrupt(bytes: Uint8Array, kind: Kind, i: number): Uint8Array {
  const r = rng(7_000 + i);
  const b = new Uint8Array(bytes);
  switch (i % 6) {
    case 0:
      return b.slice(0, r.int(b.length));
    case 1: {
      const n = 1 + r.int(8);
      for (let k = 0; k < n; k++) b[r.int(Math.min(b.length, 400))] = r.int(256); // in the header
      return b;
    }
    case 2: {
      for (let k = 0; k < 4; k++) b[r.int(b.length)] ^= 1 << r.int(8);
      return b;
    }
    case 3: // a header length past the end, or zero
      if (kind === "safetensors") new DataView(b.buffer).setBigUint64(0, r.int(2) ? 0n : 2n ** 40n, true);
      else if (kind === "npy") new DataView(b.buffer).setUint16(8, r.int(2) ? 0 : 0xffff, true);
      else b.fill(0, 8, 40);
      return b;
    case 4: {
      // a different shape in the text of the header
      const text = Buffer.from(b).toString("latin1");
      const changed = text.replace(/\d+/, r.pick(["0", "99999999999", "-3", "1e3", ""]));
      return new Uint8Array(Buffer.from(changed, "latin1"));
    }
    default:
      return new Uint8Array([...b.slice(0, 16), ...b.slice(16 + r.int(64))]); // bytes cut out of the middle
  }
}

const read = (kind: Kind, bytes: Uint8Array) => {
  if (kind === "safetensors") return readSafetensors(bytes, "bad.safetensors");
  if (kind === "npy") return readNpy(bytes, "bad.npy");
  return preprocessImage(bytes, `bad.${kind}`, { resize: [28, 28], crop: null, grayscale: true });
};
const expected = { safetensors: WeightsError, npy: NpyError, png: ImageError, jpg: ImageError };

describe("the bad-file corpus", () => {
  for (const kind of Object.keys(good) as Kind[])
    it(`60 corrupted ${kind} files: a ${expected[kind].name} or a good read, nothing else`, () => {
      for (let i = 0; i < 60; i++) {
        const bytes = corrupt(good[kind], kind, i);
        try {
          read(kind, bytes);
        } catch (e) {
          expect(e, `corruption ${i}: ${(e as Error).stack}`).toBeInstanceOf(expected[kind]);
        }
      }
    });

  it("through netc run: exit 1 or 0, never an internal error", async () => {
    const dir = scratch("bad-files");
    const net = join(root, "test/parity/lenet5.net");
    for (let i = 0; i < 12; i++) {
      const w = join(dir, `w${i}.safetensors`);
      const x = join(dir, `x${i}.npy`);
      const img = join(dir, `x${i}.${i % 2 ? "png" : "jpg"}`);
      writeFileSync(w, corrupt(good.safetensors, "safetensors", i));
      writeFileSync(x, corrupt(good.npy, "npy", i));
      writeFileSync(img, corrupt(good[i % 2 ? "png" : "jpg"], i % 2 ? "png" : "jpg", i));
      for (const args of [["--weights", w, "--input", join(root, "test/parity/lenet5.input.npy")], ["--input", x], ["--input", img]]) {
        const r = await netc("run", net, ...args);
        expect(clean(r), r.stderr).toBe(true);
        expect([0, 1], r.stderr).toContain(r.code);
      }
    }
  }, 300_000);
});
