// The webgpu backend on Mesa's software adapter (the real WebGPU code path, run on the
// CPU): every parity fixture equals PyTorch, ops that bind more buffers than the device
// allows are split, and one forward pass of a ResNet costs what it should on the GPU.
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { useBackend, tf, backendDescription } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";
import { readNpy } from "../../runtime/npy.js";
import { readSafetensors } from "../../runtime/safetensors.js";
import { findLibraryNetwork } from "../../compiler/modules.js";
import { profileForward } from "../../runtime/webgpu-profile.js";
import { softwareAdapterOrSkip } from "../support/webgpu.js";

const dir = new URL("../parity/", import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith(".net")).map((f) => f.replace(/\.net$/, ""));
const read = (f: string) => new Uint8Array(readFileSync(new URL(f, dir)));
const available = await softwareAdapterOrSkip();

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let [diff, scale] = [0, 0];
  for (let i = 0; i < want.length; i++) [diff, scale] = [Math.max(diff, Math.abs(got[i] - want[i])), Math.max(scale, Math.abs(want[i]))];
  return diff / Math.max(scale, 1e-12);
}

/** Runs `net` on `x` on the cpu backend and on webgpu with the same weights. */
async function bothBackends(net: string, x: Float32Array, shape: number[]) {
  const r = await compileFile("t.net", { text: net });
  expect(r.diagnostics).toEqual([]);
  await useBackend("cpu");
  const ref = new Model(r.graph!, { seed: 3 });
  const state = ref.stateDict();
  const [yc] = ref.forward([tf.tensor(x, shape)]);
  const want = await yc.data();
  await useBackend("webgpu", { adapter: "software" });
  const m = new Model(r.graph!);
  m.loadStateDict(state);
  const [yg] = m.forward([tf.tensor(x, shape)]);
  return { got: await yg.data(), want };
}

// Generous: the software adapter is slow, and compiles every shader on first use.
describe.runIf(available)("the webgpu backend on the software adapter", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await useBackend("webgpu", { adapter: "software" });
  });

  it("says what it runs on", () => {
    expect(tf.getBackend()).toBe("webgpu");
    expect(backendDescription()).toMatch(/llvmpipe.*Dawn OpenGL ES, software/);
  });

  for (const name of names)
    for (const fuse of [false, true])
      it(`equals PyTorch on ${name}${fuse ? " (batch norm folded, activations fused)" : ""}`, async () => {
        await useBackend("webgpu", { adapter: "software" });
        const r = await compileFile(new URL(`${name}.net`, dir).pathname);
        const model = new Model(r.graph!);
        model.loadStateDict(readSafetensors(read(`${name}.safetensors`), `${name}.safetensors`));
        const input = readNpy(read(`${name}.input.npy`), "input");
        const want = readNpy(read(`${name}.output.npy`), "output");
        const [y] = model.forward([tf.tensor(input.data, input.shape)], { fuse });
        expect(y.shape).toEqual(want.shape);
        expect(relativeError(await y.data(), want.data)).toBeLessThan(1e-4);
        model.dispose();
      });

  it("adds 20 tensors at once though the device binds 16 buffers per shader", async () => {
    await useBackend("webgpu", { adapter: "software" });
    const parts = Array.from({ length: 20 }, (_, i) => tf.fill([3, 5], i + 1));
    expect(Array.from(await tf.addN(parts).data())).toEqual(new Array(15).fill(210)); // 1 + … + 20
  });

  it("runs a 20-branch sum and a 40-branch concatenation as the cpu backend does", async () => {
    const branches = (n: number) => Array.from({ length: n }, (_, i) => `conv 2, 1x1, bias = ${i % 2 ? "true" : "false"}`).join("; ");
    const net = `network wide { input 3x5x5; add { ${branches(20)} }; concat { ${branches(40)} }; flatten; linear 4 }`;
    const x = Float32Array.from({ length: 2 * 75 }, (_, i) => Math.sin(i));
    const { got, want } = await bothBackends(net, x, [2, 3, 5, 5]);
    expect(relativeError(got, want)).toBeLessThan(1e-5);
  });

  it("runs a grouped (ResNeXt) convolution, whose lowering sums 16 depthwise ones", async () => {
    // 16 input channels per group, 32 groups: one depthwise convolution per input channel
    // of a group, summed: an AddN of 16 tensors, more than the device binds at once.
    const net = `network g { input 512x4x4; conv 64, 3x3, pad = 1, groups = 32; batchnorm; relu }`;
    const x = Float32Array.from({ length: 512 * 16 }, (_, i) => Math.cos(i * 0.37));
    const { got, want } = await bothBackends(net, x, [1, 512, 4, 4]);
    expect(relativeError(got, want)).toBeLessThan(1e-5);
  });

  // tfjs picks its convolution programs by shape (at 224x224: one implicit-GEMM dispatch
  // each), so the counts are taken at ImageNet's size. What a forward pass should cost:
  // one dispatch per convolution with its batch norm, ReLU and residual addition folded
  // in (the shortcut plus the folded bias is one more where a block joins), and a head of
  // the layout change in, the stem's max pool, global average pooling (a transpose and a
  // reduction in tfjs) and the linear layer with its bias. Nothing read back but the
  // output, nothing uploaded (the weights live on the device), no shader compiled after
  // the first run.
  for (const [name, convs, blocks] of [["resnet50", 53, 16]] /* convolutions (downsampling ones included), residual blocks */ as const)
    it(`runs ${name}'s forward pass in ${convs + blocks + 5} GPU dispatches or fewer, reading back only the output`, async () => {
      await useBackend("webgpu", { adapter: "software" });
      const r = await compileFile(findLibraryNetwork(name)!, { network: name });
      const model = new Model(r.graph!);
      const x = [tf.randomNormal([1, 3, 224, 224])];
      for (let i = 0; i < 2; i++) await model.forward(x)[0].data(); // warm-up: shaders compiled
      const c = await profileForward(model, x);
      const convolutions = (c.programs.Conv2DMM ?? 0) + (c.programs.MatMulPacked ?? 0);
      expect(convolutions).toBe(convs + 1); // and the linear layer
      expect(c.programs.BinaryOp).toBe(blocks);
      expect(c.programs.UnaryOp ?? 0).toBe(0); // every ReLU fused
      expect(c.dispatches).toBeLessThanOrEqual(convs + blocks + 5);
      if (name === "resnet50") expect(c.dispatches).toBeLessThan(80); // the goal
      expect(c.reads).toBe(1);
      expect(c.bytesRead).toBe(1000 * 4);
      expect(c.uploads).toBe(0);
      expect(c.pipelinesCompiled).toBe(0);
      model.dispose();
    });
});
