// Convolutionization: the rewritten alexnet and vgg16 keep their parameters, give the
// reference table's output sizes, print canonically, and with converted weights compute
// the original's output at 224 and, at larger sizes, the original applied to each window.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { convertWeights, convolutionize } from "../compiler/convolutionize.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { formatText } from "../grammar/format.js";
import { useBackend, tf } from "../runtime/backend.js";
import { Model } from "../runtime/model.js";

/** REFERENCE.md's convolutionization table: network, input side, output. */
function table(): { network: string; side: number; output: number[] }[] {
  const text = readFileSync(new URL("./fixtures/REFERENCE.md", import.meta.url), "utf8");
  const section = text.slice(text.indexOf("## Convolutionization"), text.indexOf("## Speed"));
  return [...section.matchAll(/^\| (\w+) \| (\d+) \| ([\dx]+) \|$/gm)].map((m) => ({ network: m[1], side: Number(m[2]), output: m[3].split("x").map(Number) }));
}

async function fcn(network: string) {
  const original = await compileFile(findLibraryNetwork(network)!, { network });
  const r = convolutionize(original.graph!);
  expect(r.diagnostics).toEqual([]);
  const formatted = formatText(r.text!, `${network}_fcn.net`);
  expect(formatted.diagnostics).toEqual([]);
  return { original, result: r, text: formatted.formatted! };
}

describe("convolutionize", () => {
  const rows = table();
  it("has the reference table", () => expect(rows.length).toBe(7));

  for (const network of ["alexnet", "vgg16"]) {
    it(`${network}: same parameters, 1000x1x1 at 224, the table's sizes beyond, an adaptive pool removed and said so`, async () => {
      const { original, result, text } = await fcn(network);
      expect(result.notes.join("\n")).toMatch(/removed adaptiveavgpool/);
      for (const side of [224, ...rows.filter((r) => r.network === network).map((r) => r.side)]) {
        const c = await compileFile("fcn.net", { text, input: `3x${side}x${side}` });
        expect(c.diagnostics).toEqual([]);
        expect(c.counts!.params).toBe(original.counts!.params);
        const want = side === 224 ? [1000, 1, 1] : rows.find((r) => r.network === network && r.side === side)!.output;
        expect(c.graph!.nodes[c.graph!.outputs[0].node].shape).toEqual(want);
      }
      // canonical text, and its input is symbolic
      expect(formatText(text, "fcn.net").formatted).toBe(text);
      expect(text).toContain("input 3xHxW");
    });
  }

  it("refuses what cannot be made convolutional, saying why", async () => {
    const resnet = await compileFile(findLibraryNetwork("resnet50")!, { network: "resnet50" });
    expect(convolutionize(resnet.graph!).diagnostics[0].message).toMatch(/not a chain/);
    const pooled = await compileFile("p.net", { text: "network p { input 3x32x32; conv 8, 3x3; adaptiveavgpool 2x2; flatten; linear 10 }" });
    expect(convolutionize(pooled.graph!).diagnostics[0].message).toMatch(/fixes the output size to 2x2/);
    const reshaped = await compileFile("r.net", { text: "network r { input 3x8x8; flatten; linear 12; reshape [3, 2, 2] }" });
    expect(convolutionize(reshaped.graph!).diagnostics[0].message).toMatch(/cannot be carried over|reshape/);
  });
});

/** Largest difference relative to the largest magnitude of `want`. */
function relative(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let [d, m] = [0, 0];
  for (let k = 0; k < want.length; k++) [d, m] = [Math.max(d, Math.abs(got[k] - want[k])), Math.max(m, Math.abs(want[k]))];
  return d / m;
}

async function pair(network: string, size: number) {
  const { original, result, text } = await fcn(network);
  const a = new Model(original.graph!, { seed: 3 });
  const b = new Model((await compileFile("fcn.net", { text, input: `${original.graph!.nodes[0].shape![0]}x${size}x${size}` })).graph!, { seed: 4 });
  b.loadStateDict(convertWeights(a.stateDict(), result.conversion!));
  return { a, b };
}

describe("convolutionized networks with converted weights", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("alexnet: equals the original at 224", async () => {
    const { a, b } = await pair("alexnet", 224);
    const x = tf.randomNormal([2, 3, 224, 224], 0, 1, "float32", 11);
    const [y] = a.forward([x]);
    const [z] = b.forward([x]);
    expect(z.shape).toEqual([2, 1000, 1, 1]);
    expect(relative(z.dataSync(), y.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, y, z]);
    [a, b].forEach((m) => m.dispose());
  }, 120_000);

  it("lenet5 (no padding): each cell of the map on a larger image is the original on its window", async () => {
    // stride 4, window 28: on 40x40 the map is 4x4, and cell (i, j) sees the window at (4i, 4j).
    const { a, b } = await pair("lenet5", 40);
    const big = tf.randomNormal([1, 1, 40, 40], 0, 1, "float32", 12);
    const [dense] = b.forward([big]);
    expect(dense.shape).toEqual([1, 10, 4, 4]);
    for (const [i, j] of [[1, 2], [2, 1], [3, 3]]) {
      const window = tf.slice(big, [0, 0, 4 * i, 4 * j], [1, 1, 28, 28]);
      const [y] = a.forward([window]);
      const cell = tf.slice(dense, [0, 0, i, j], [1, 10, 1, 1]);
      expect(relative(cell.dataSync(), y.dataSync())).toBeLessThan(1e-5);
      tf.dispose([window, y, cell]);
    }
    tf.dispose([big, dense]);
  });

});

describe("fully convolutional segmentation networks (FCN-32s, FCN-8s)", () => {
  for (const [network, extra] of [
    ["fcn32s", 21 * 21 * 64 * 64], // upscore, no bias
    ["fcn8s", 2 * 21 * 21 * 4 * 4 + 21 * 21 * 16 * 16 + (512 * 21 + 21) + (256 * 21 + 21)], // upscore2, upscore_pool4, upscore8, score_pool4, score_pool3
  ] as const) {
    it(`${network}: an output map of the input's size for any size, and the parameters of VGG16's layers plus its own`, async () => {
      const vggConvs = 14_714_688; // VGG16's convolutions (REFERENCE.md's 138,357,544 less its three linear layers)
      const fc = 512 * 49 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 21 + 21; // fc6, fc7 as convolutions, score_fr
      const sym = await compileFile(findLibraryNetwork(network)!, { network });
      expect(sym.diagnostics).toEqual([]);
      expect(sym.counts!.params).toBe(vggConvs + fc + extra);
      expect(sym.graph!.nodes[sym.graph!.outputs[0].node].shape!.map(String)).toEqual(["21", "H", "W"]);
      for (const [h, w] of [[500, 500], [224, 300], [357, 361], [37, 40]]) {
        const r = await compileFile(findLibraryNetwork(network)!, { network, input: `3x${h}x${w}` });
        expect(r.diagnostics).toEqual([]);
        expect(r.graph!.nodes[r.graph!.outputs[0].node].shape).toEqual([21, h, w]);
      }
    });
  }

  it("crop keeps the window PyTorch's slicing keeps (runtime)", async () => {
    await useBackend("wasm");
    const r = await compileFile("c.net", { text: "network c { input 2x7x9 as data; crop [3, 4], offset = [2, 1] }" });
    const m = new Model(r.graph!);
    const x = tf.tensor(Float32Array.from({ length: 2 * 63 }, (_, i) => i), [1, 2, 7, 9]);
    const [y] = m.forward([x]);
    const want: number[] = [];
    for (let c = 0; c < 2; c++) for (let i = 2; i < 5; i++) for (let j = 1; j < 5; j++) want.push(c * 63 + i * 9 + j);
    expect(Array.from(y.dataSync())).toEqual(want);
    tf.dispose([x, y]);
  });
});

describe("--fine (OverFeat's stride-1 final max pooling)", () => {
  it("keeps the sizes at the original input, doubles the map's density, and its even cells are the coarse map's", async () => {
    await useBackend("wasm");
    const original = await compileFile(findLibraryNetwork("lenet5")!, { network: "lenet5" });
    const coarse = convolutionize(original.graph!);
    const fine = convolutionize(original.graph!, { fine: true });
    expect(fine.notes.join(" ")).toMatch(/stride 1 instead of 2/);
    const build = async (text: string, size: number) => (await compileFile("l.net", { text: formatText(text, "l.net").formatted!, input: `1x${size}x${size}` })).graph!;
    expect((await build(fine.text!, 28)).nodes.at(-1)!.shape).toEqual([10, 1, 1]);
    const a = new Model(original.graph!, { seed: 1 });
    const weights = convertWeights(a.stateDict(), coarse.conversion!);
    const c = new Model(await build(coarse.text!, 40));
    const f = new Model(await build(fine.text!, 40));
    c.loadStateDict(weights);
    f.loadStateDict(weights);
    const x = tf.randomNormal([1, 1, 40, 40], 0, 1, "float32", 5);
    const [yc] = c.forward([x]);
    const [yf] = f.forward([x]);
    expect(yc.shape).toEqual([1, 10, 4, 4]);
    expect(yf.shape).toEqual([1, 10, 7, 7]);
    const even = tf.stridedSlice(yf, [0, 0, 0, 0], [1, 10, 7, 7], [1, 1, 2, 2]);
    expect(relative(even.dataSync(), yc.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, yc, yf, even]);
  });
});
