// Parity with PyTorch: the same weights (batch-norm statistics not trivial) and the same
// input give the same output, within 1e-4 of the output's scale. Fixtures in test/parity/
// come from scripts/gen-parity-fixtures.py (torch 1.13), which mirrors each NAME.net.
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { useBackend, tf } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { readNpy } from "../../runtime/npy.js";
import { readSafetensors } from "../../runtime/safetensors.js";

const dir = new URL("../parity/", import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith(".net")).map((f) => f.replace(/\.net$/, ""));
const read = (f: string) => new Uint8Array(readFileSync(new URL(f, dir)));

/** The largest difference, relative to the largest magnitude of the expected output. */
function relativeError(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

describe.each(["cpu", "wasm"] as const)("parity with PyTorch on the %s backend", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("has fixtures", () => expect(names.length).toBeGreaterThanOrEqual(6));

  for (const name of names) {
    for (const fuse of [false, true]) {
      it(`${name}${fuse ? " (batch norm folded, activations fused)" : ""}`, async () => {
        const r = await compileFile(new URL(`${name}.net`, dir).pathname);
        expect(r.diagnostics).toEqual([]);
        const model = new Model(r.graph!);
        model.loadStateDict(readSafetensors(read(`${name}.safetensors`), `${name}.safetensors`));
        const input = readNpy(read(`${name}.input.npy`), "input");
        const want = readNpy(read(`${name}.output.npy`), "output");
        const x = tf.tensor(input.data, input.shape);
        const [y] = model.forward([x], { fuse });
        expect(y.shape).toEqual(want.shape);
        const err = relativeError((await y.data()) as Float32Array, want.data);
        expect(err).toBeLessThan(1e-4);
        tf.dispose([x, y]);
        model.dispose();
      });
    }
  }
});
