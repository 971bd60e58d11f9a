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
