// The CLI's main, reused in one process (an editor server, the playground, tests),
// frees every tensor it makes: `run` leaked 16 tensors per call.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { writeFileSync } from "node:fs";
import { imageFolder, netc, scratch, TINY_NET } from "./cli-support.js";

const root = new URL("../..", import.meta.url).pathname;
const parity = join(root, "test/parity");

describe("main, 50 times in one process", () => {
  it("run and bench leave no tensor behind", async () => {
    const args = ["run", join(parity, "lenet5.net"), "--weights", join(parity, "lenet5.safetensors"), "--input", join(parity, "lenet5.input.npy"), "--top", "3"];
    expect((await netc(...args)).code).toBe(0); // warm-up: the backend's own tensors
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const r = await netc(...args);
      expect(r.code, r.stderr).toBe(0);
    }
    const bench = await netc("bench", join(parity, "lenet5.net"), "--threads", "1", "--iterations", "1");
    expect(bench.code, bench.stderr).toBe(0);
    const failed = await netc("run", join(parity, "lenet5.net"), "--input", join(root, "test/runtime/fixtures/photo.png"), "--resize", "0", "--crop", "0");
    expect(failed.code).toBe(1); // the wrong input size, after the model is made
    expect(tf.memory().numTensors - before).toBe(0);
  }, 300_000);

  it("train leaves no tensor behind", async () => {
    const dir = scratch("leak-train");
    const net = join(dir, "tiny.net");
    writeFileSync(net, TINY_NET);
    const data = imageFolder(dir, "data");
    const args = ["train", net, "--data", data, "--batch", "4", "--epochs", "1", "--checkpoint", join(dir, "ck.safetensors")];
    expect((await netc(...args)).code).toBe(0);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) expect((await netc(...args)).code).toBe(0);
    expect((await netc(...args, "--epochs", "2", "--resume")).code).toBe(0);
    expect(tf.memory().numTensors - before).toBe(0);
  }, 300_000);
});
