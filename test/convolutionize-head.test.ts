// convolutionize on global-average-pool heads (issue 15, point 10): resnet18 and
// densenet121 rewritten on their source (the body kept, fc a 1x1 convolution, the pool
// left out), run by netc's runtime on seeded weights converted by convertWeights, against
// PyTorch (scripts/gen-convhead-fixtures.py -> test/fixtures/convhead.json): the dense
// map equals conv1x1(fc) on torchvision's features at a larger input (resnet18: 3x320x320,
// 1000x10x10), and the map's average equals torchvision's logits at 224 (and at 320).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { convertWeights, convolutionizeChecked } from "../compiler/convolutionize.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { summaryJson } from "../compiler/summary.js";
import { formatText } from "../grammar/format.js";
import { tf, useBackend } from "../runtime/backend.js";
import { Model } from "../runtime/model.js";
import { seededStateDict, seededUniform } from "./support/seeded-weights.js";

interface Kept { shape: number[]; stride: number; scale: number; y: number[] }
interface Size { input: number[]; map: Kept; logits: Kept }
interface Case { network: string; classifier: string; small: Size; large: Size }
const { cases } = JSON.parse(readFileSync(new URL("./fixtures/convhead.json", import.meta.url), "utf8")) as { cases: Case[] };

/** The largest difference over the kept values, relative to the largest magnitude of the reference. */
function relativeError(got: ArrayLike<number>, want: Kept): number {
  let diff = 0;
  want.y.forEach((v, i) => (diff = Math.max(diff, Math.abs(got[i * want.stride] - v))));
  return diff / want.scale;
}

async function convert(network: string, opts: { fine?: boolean } = {}) {
  const file = findLibraryNetwork(network)!;
  const original = await compileFile(file, { network });
  expect(original.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const r = await convolutionizeChecked(original.graph!, original.counts!.params, { ...opts, file: `${network}_fcn.net`, source: { file, network } });
  return { original, r };
}

describe("convolutionize: global-average-pool heads, on the source", () => {
  it("resnet18: the body kept as written, fc a 1x1 convolution, the pool and flatten left out; canonical text", async () => {
    const { original, r } = await convert("resnet18");
    expect(r.diagnostics).toEqual([]);
    const text = r.text!;
    expect(text).toMatch(/^# resnet18, convolutionized by netc/);
    expect(text).toContain('import "resnet"');
    expect(text).toContain("network resnet18_fcn(\n  unit = basic,\n  layers = [2, 2, 2, 2],");
    expect(text).toContain("  layer4: stage(unit, layers[3], 512, 2, groups, base_width)\n  fc: conv classes, 1x1\n}");
    expect(text).toContain("input 3xHxW");
    expect(text.slice(text.indexOf("network "))).not.toMatch(/globalavgpool|flatten|linear/);
    expect(formatText(text, "resnet18_fcn.net").formatted).toBe(text);
    expect(r.conversion!.reshape).toEqual(new Map([["fc.weight", [1000, 512, 1, 1]]]));
    expect(r.notes.join("\n")).toContain("the output is 1000x(H + 31)//32x(W + 31)//32");
    for (const side of [224, 320, 448]) {
      const c = await compileFile("resnet18_fcn.net", { text, input: `3x${side}x${side}` });
      expect(c.counts!.params).toBe(original.counts!.params); // 11,689,512, torchvision's
      expect(c.graph!.nodes[c.graph!.outputs[0].node].shape).toEqual([1000, Math.ceil(side / 32), Math.ceil(side / 32)]);
    }
    expect(original.counts!.params).toBe(11_689_512);
    // docs/convolutionize.md shows this very output (the file, then the notes on stderr)
    const doc = readFileSync(new URL("../docs/convolutionize.md", import.meta.url), "utf8");
    const shown = [...doc.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith("# resnet18, convolutionized"));
    expect(shown).toBe(text + r.notes.map((n) => `note: ${n}\n`).join(""));
  });

  it("densenet121: the classifier inside the network's groups, a comment on a removed line dropped", async () => {
    const { original, r } = await convert("densenet121");
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toContain("classifier: conv classes, 1x1");
    expect(r.text).toContain("denseblock{i + 1}");
    const c = await compileFile("densenet121_fcn.net", { text: r.text!, input: "3x224x224" });
    expect(c.counts!.params).toBe(original.counts!.params);
    const mnas = await convert("mnasnet1_0"); // `globalavgpool # torchvision's x.mean([2, 3])...`
    expect(mnas.r.diagnostics).toEqual([]);
    expect(mnas.r.text).not.toContain("x.mean");
    expect(mnas.r.text).toContain("classifier: {\n    dropout dropout\n    conv classes, 1x1\n  }");
  });

  it("refuses heads that are not affine after the pool, auxiliary heads, and networks already convolutional, saying why (E0501)", async () => {
    const why = async (n: string, opts = {}) => {
      const { r } = await convert(n, opts);
      expect(r.text).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toEqual(["E0501"]);
      return r.diagnostics[0].message;
    };
    expect(await why("mobilenet_v3_small")).toMatch(/^hardswish \(classifier\.1\) follows the global average pool \(avgpool\) and is not affine/);
    expect(await why("convnext_tiny")).toMatch(/^layernorm2d \(classifier\.0\) follows the global average pool/);
    expect(await why("googlenet_aux")).toMatch(/auxiliary heads \(aux1, aux2\)/);
    expect(await why("fcn8s")).toMatch(/no linear layer: it is fully convolutional already/);
    expect(await why("resnet18", { fine: true })).toMatch(/--fine applies to a flatten-and-linear classifier/);
  });

  it("refuses a head written inside a block (it rewrites the network's own statements)", async () => {
    const text = "block classify(n) {\n  globalavgpool\n  flatten\n  linear n\n}\nnetwork n {\n  input 3x16x16\n  conv 8, 3x3\n  classify(10)\n}\n";
    const original = await compileFile("n.net", { text });
    const r = await convolutionizeChecked(original.graph!, original.counts!.params, { source: { file: "n.net", text, network: "n" } });
    expect(r.diagnostics.map((d) => d.message)).toEqual(["globalavgpool (1.0) is written inside a block, not among n's own statements: convolutionize rewrites the network's statements"]);
    const flat = text.replace("  classify(10)\n", "  globalavgpool\n  flatten\n  linear 10\n");
    const dir = mkdtempSync(join(tmpdir(), "convhead-"));
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "n.net"), flat);
    const plain = await compileFile(join(dir, "n.net"));
    const ok = await convolutionizeChecked(plain.graph!, plain.counts!.params, { file: join(dir, "out", "n_fcn.net"), source: { file: join(dir, "n.net") } });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.text).toContain('import "../n.net"\n\nnetwork n_fcn {\n  input 3xHxW\n  conv 8, 3x3\n  3: conv 10, 1x1\n}'); // its name, 3, kept
    expect(ok.conversion!.reshape).toEqual(new Map([["3.weight", [10, 8, 1, 1]]]));
    const again = await compileFile(join(dir, "out", "n_fcn.net"), { text: ok.text! });
    expect(again.graph!.nodes.flatMap((n) => n.weights.map((w) => `${n.name}.${w.name}`))).toEqual(["0.weight", "0.bias", "3.weight", "3.bias"]);
    rmSync(dir, { recursive: true });
  });
});

describe("convolutionized heads against PyTorch (wasm backend)", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("has resnet18 and densenet121", () => expect(cases.map((c) => c.network)).toEqual(["resnet18", "densenet121"]));

  for (const c of cases) {
    it(`${c.network}: the map equals conv1x1(${c.classifier}) on torchvision's features, its average torchvision's logits`, async () => {
      const { original, r } = await convert(c.network);
      expect(r.diagnostics).toEqual([]);
      const seeded = seededStateDict(summaryJson(original.graph!, original.counts!).tensors);
      const weights = convertWeights(seeded, r.conversion!);
      const [classes, features] = seeded.get(`${c.classifier}.weight`)!.shape;
      expect(weights.get(`${c.classifier}.weight`)!.shape).toEqual([classes, features, 1, 1]);
      for (const size of [c.small, c.large]) {
        const compiled = await compileFile(`${c.network}_fcn.net`, { text: r.text!, input: size.input.join("x") });
        const model = new Model(compiled.graph!);
        model.loadStateDict(weights);
        const x = tf.tensor(Float32Array.from(seededUniform("input", size.input.reduce((a, b) => a * b, 1))), [1, ...size.input]);
        const [y] = model.forward([x]);
        expect(y.shape.slice(1)).toEqual(size.map.shape);
        const map = (await y.data()) as Float32Array;
        const mapError = relativeError(map, size.map);
        const [classes, h, w] = size.map.shape;
        const pooled = Float64Array.from({ length: classes }, (_, k) => map.slice(k * h * w, (k + 1) * h * w).reduce((a, b) => a + b, 0) / (h * w));
        const pooledError = relativeError(pooled, size.logits);
        console.log(`${c.network} ${size.input.join("x")}: map ${size.map.shape.join("x")} within ${mapError.toExponential(1)}, pooled within ${pooledError.toExponential(1)} of PyTorch`);
        expect(mapError).toBeLessThan(1e-5);
        expect(pooledError).toBeLessThan(1e-5);
        tf.dispose([x, y]);
        model.dispose();
      }
    }, 600_000);
  }
});
