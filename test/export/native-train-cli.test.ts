// netc train with onnxruntime, as a user runs it: auto trains a classifier of known
// layers natively and says so; --backend onnxruntime on a network it cannot train is a
// usage error naming the layer; auto on such a network trains on wasm and says why; a
// checkpoint written by native training resumes, and netc run loads it.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clean, imageFolder, netc, scratch, TINY_NET } from "../robust/cli-support.js";

describe("netc train with onnxruntime", () => {
  it("auto trains natively, checkpoints, resumes, and the checkpoint runs", async () => {
    const dir = scratch("native-cli");
    const net = join(dir, "tiny.net");
    writeFileSync(net, TINY_NET);
    const data = imageFolder(dir, "data");
    const ck = join(dir, "ck.safetensors");
    const first = await netc("train", net, "--data", data, "--batch", "4", "--epochs", "1", "--checkpoint", ck, "--json");
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.backend).toBe("onnxruntime");
    expect(summary.device).toMatch(/^onnxruntime-node \(CPU/);
    const resumed = await netc("train", net, "--data", data, "--batch", "4", "--epochs", "2", "--checkpoint", ck, "--resume", "--json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).history.map((e: { epoch: number }) => e.epoch)).toEqual([2]);
    const run = await netc("run", net, "--weights", ck, "--input", join(data, "a", "0.png"), "--resize", "0", "--crop", "0");
    expect(run.code, run.stderr).toBe(0);
  });

  it("refuses --backend onnxruntime for a network it cannot train, naming the layer; auto falls back to wasm and says why", async () => {
    const dir = scratch("native-cli-no");
    const net = join(dir, "p.net");
    writeFileSync(net, TINY_NET.replace("globalavgpool", "act: lrn 3\n  globalavgpool"));
    const data = imageFolder(dir, "data");
    const asked = await netc("train", net, "--data", data, "--batch", "4", "--epochs", "1", "--backend", "onnxruntime");
    expect(asked.code).toBe(2);
    expect(clean(asked)).toBe(true);
    expect(asked.stderr).toMatch(/onnxruntime cannot train \w+: lrn \(.*act\); train with --backend wasm/);
    const auto = await netc("train", net, "--data", data, "--batch", "4", "--epochs", "1");
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/netc train: on wasm \(onnxruntime cannot train this network: lrn/);
  });
});
