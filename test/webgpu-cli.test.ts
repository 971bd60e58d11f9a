// The webgpu backend as a user runs it: the built binary on Mesa's software adapter
// (where there is no GPU), `netc backends`, and the message when no adapter exists.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readNpy } from "../runtime/npy.js";
import { findAdapter } from "../runtime/webgpu.js";
import { softwareAdapterOrSkip } from "./support/webgpu.js";

const root = new URL("..", import.meta.url).pathname;
const parity = join(root, "test/parity");
const tmp = mkdtempSync(join(tmpdir(), "netc-webgpu-"));
const available = await softwareAdapterOrSkip();
const software = ["--backend", "webgpu", "--adapter", "software"];

function netc(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin/netc.js"), ...args], { encoding: "utf8", timeout: 240_000, env: { ...process.env, NETC_CACHE_DIR: tmp } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, "dist/bundle/netc.js"))) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
}, 120_000);

describe("netc and the webgpu backend", { timeout: 300_000 }, () => {
  it("without a hardware adapter, says what was tried and what to install, and exits 1", async () => {
    const hardware = await findAdapter("hardware");
    const r = netc("run", join(parity, "lenet5.net"), "--input", join(parity, "lenet5.input.npy"), "--backend", "webgpu");
    if (!("why" in hardware)) return expect(r.code, r.err).toBe(0); // a machine with a GPU
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^netc run: no hardware adapter: .*(GPU|Vulkan).*--adapter software\n$/);
    expect(r.err).not.toMatch(/\n\s+at |internal error/);
  });

  it("refuses --adapter without --backend webgpu, and an unknown backend", () => {
    const a = netc("run", "lenet5", "--input", join(parity, "lenet5.input.npy"), "--adapter", "software");
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--adapter chooses a WebGPU adapter/);
    const b = netc("bench", "lenet5", "--backend", "cuda");
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--backend takes auto, wasm, cpu, webgpu, tensorflow, onnxruntime.*; got cuda/);
  });

  it.runIf(available)("lists the backends and the software adapter", () => {
    const r = netc("backends", "--json");
    expect(r.code, r.err).toBe(0);
    const list = JSON.parse(r.out) as { name: string; ok: boolean; detail: string; adapter?: { limits: Record<string, number> } }[];
    expect(list.map((b) => b.name)).toEqual(["auto", "wasm", "cpu", "onnxruntime", "webgpu", "webgpu --adapter software", "tensorflow"]);
    const sw = list.find((b) => b.name === "webgpu --adapter software")!;
    expect(sw.ok).toBe(true);
    expect(sw.detail).toMatch(/llvmpipe/);
    expect(sw.adapter!.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
  });

  it.runIf(available)("runs LeNet-5 and writes PyTorch's output", () => {
    const y = join(tmp, "y.npy");
    const r = netc("run", join(parity, "lenet5.net"), "--weights", join(parity, "lenet5.safetensors"), "--input", join(parity, "lenet5.input.npy"), "--output", y, ...software);
    expect(r.code, r.err).toBe(0);
    const got = readNpy(readFileSync(y), "y");
    const want = readNpy(readFileSync(join(parity, "lenet5.output.npy")), "want");
    const scale = Math.max(...want.data.map(Math.abs));
    want.data.forEach((v, i) => expect(Math.abs(got.data[i] - v) / scale).toBeLessThan(1e-4));
  });

  it.runIf(available)("benchmarks on the adapter it names, and profiles one forward pass", () => {
    const r = netc("bench", "lenet5", "--iterations", "2", "--profile", "--json", ...software);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.backend).toBe("webgpu");
    expect(j.device).toMatch(/llvmpipe/);
    expect(j.profile.reads).toBe(1);
    expect(j.profile.bytesRead).toBe(10 * 4); // ten logits
    expect(j.profile.pipelinesCompiled).toBe(0);
  });

  it.runIf(available)("trains as on wasm: the same losses for the same seed", async () => {
    const { PNG } = await import("pngjs");
    const dir = join(tmp, "images");
    for (const [cls, bright] of [["dark", 30], ["light", 220]] as const) {
      mkdirSync(join(dir, cls), { recursive: true });
      for (let k = 0; k < 8; k++) {
        const png = new PNG({ width: 12, height: 10 });
        for (let p = 0; p < 120; p++) png.data.set([bright + ((p * 7 + k) % 20), bright, bright - ((p + k) % 15), 255], p * 4);
        writeFileSync(join(dir, cls, `${k}.png`), PNG.sync.write(png));
      }
    }
    const net = join(tmp, "small.net");
    writeFileSync(net, "network small(classes = 2) {\n  input 3x8x8\n  conv 4, 3x3\n  batchnorm\n  relu\n  globalavgpool\n  flatten\n  fc: linear classes\n}\n");
    const args = ["train", net, "--data", dir, "--epochs", "3", "--batch", "4", "--lr", "0.05", "--json"];
    const gpu = netc(...args, ...software);
    expect(gpu.code, gpu.err).toBe(0);
    const wasm = netc(...args, "--backend", "wasm");
    expect(wasm.code, wasm.err).toBe(0);
    const [g, w] = [gpu, wasm].map((r) => JSON.parse(r.out.trim().split("\n").pop()!));
    expect(g.device).toMatch(/webgpu on llvmpipe/);
    for (let e = 0; e < 3; e++) {
      expect(Math.abs(g.history[e].trainLoss - w.history[e].trainLoss)).toBeLessThan(1e-3 * w.history[e].trainLoss);
      expect(g.history[e].testAccuracy).toBeCloseTo(w.history[e].testAccuracy, 6);
    }
  });
});
