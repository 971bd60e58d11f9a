// The checkpoint protocol (runtime/checkpoint.ts): weights and optimizer state after an
// epoch, loaded back exactly into a fresh model, with the epoch count.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { useBackend } from "../../runtime/backend.js";
import { loadCheckpoint, optimizerFile, saveCheckpoint } from "../../runtime/checkpoint.js";
import { DataError } from "../../runtime/data.js";
import { Model } from "../../runtime/model.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import type { StateTensor } from "../../runtime/state.js";

const text = "network tiny {\n  input 1x4x4\n  conv 2, 3x3\n  batchnorm\n  flatten\n  linear 2\n}\n";
let dir: string;

async function model(seed: number) {
  const r = await compileFile("tiny.net", { text });
  return new Model(r.graph!, { seed });
}
const values = (m: Map<string, StateTensor>) => new Map([...m].map(([k, t]) => [k, Array.from(t.data as ArrayLike<number>, Number)]));

beforeAll(async () => {
  await useBackend("cpu");
  dir = mkdtempSync(join(tmpdir(), "netc-checkpoint-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("checkpoints", () => {
  it("name the optimizer's file beside the weights", () => {
    expect(optimizerFile("out/run.safetensors")).toBe("out/run.optimizer.safetensors");
    expect(optimizerFile("out/run")).toBe("out/run.optimizer.safetensors");
  });

  it("round-trip weights, optimizer state and the epoch count", async () => {
    const saved = await model(1);
    const adam: Map<string, StateTensor> = new Map([["0.weight/m", { shape: [2], dtype: "F32", data: Float32Array.of(0.25, -1.5) }]]);
    const file = join(dir, "sub", "run.safetensors");
    await saveCheckpoint(file, saved, adam, 3);
    expect(existsSync(optimizerFile(file))).toBe(true);
    expect(adam.has("netc.epoch")).toBe(false); // the caller's map is left as it was

    const fresh = await model(2);
    expect(values(fresh.stateDict())).not.toEqual(values(saved.stateDict()));
    const { epoch, optimizerState } = await loadCheckpoint(file, fresh);
    expect(epoch).toBe(3);
    expect(values(fresh.stateDict())).toEqual(values(saved.stateDict()));
    expect(values(optimizerState)).toEqual(values(adam));
    expect((await loadSafetensors(file)).size).toBe(saved.stateDict().size);
  });

  it("resuming from a checkpoint that does not exist is a DataError naming it", async () => {
    const m = await model(1);
    await expect(loadCheckpoint(join(dir, "absent.safetensors"), m)).rejects.toThrow(DataError);
    await expect(loadCheckpoint(join(dir, "absent.safetensors"), m)).rejects.toThrow(/no checkpoint .*absent\.safetensors/);
  });
});
