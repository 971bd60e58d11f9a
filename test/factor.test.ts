// Symbolic sizes print factored (compiler/factor.ts): the text evaluates, read with
// Python's grammar (test/support/formula.ts, and python3 itself), to the polynomial's
// value; products of linear factors come back as those factors; the same size always
// prints the same text; and on real networks the printed formulas equal the sizes and
// counts computed on concrete inputs, and the hand-derived formulas.
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { add, dimEquals, evaluate, floorDiv, mul, scale, sub, Sym, type Dim } from "../compiler/symbolic.js";
import { compileText } from "./support/compile-text.js";
import { evalFormula, topFactors } from "./support/formula.js";

const H = Sym.variable("H");
const W = Sym.variable("W");
const C = Sym.variable("C");
const ATOMS: Dim[] = [H, W, C, floorDiv(H, 2), floorDiv(add(W, 3), 4), floorDiv(add(H, 31), 32)];
const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));

const atom = fc.integer({ min: 0, max: ATOMS.length - 1 }).map((i) => ATOMS[i]);
/** d*a + e with gcd(d, e) = 1: a primitive linear factor. */
const linear = fc
  .record({ a: atom, d: fc.integer({ min: 1, max: 3 }), e: fc.integer({ min: -9, max: 9 }) })
  .filter(({ d, e }) => gcd(d, e) === 1)
  .map(({ a, d, e }) => add(scale(a, d), e));
const coefficient = fc.integer({ min: -12, max: 12 }).filter((c) => c !== 0);
const product = fc.tuple(coefficient, fc.array(linear, { minLength: 1, maxLength: 3 }));
const build = ([c, fs]: [number, Dim[]]) => fs.reduce<Dim>((p, f) => mul(p, f), c);
const polynomial = fc
  .tuple(fc.array(product, { minLength: 1, maxLength: 4 }), fc.integer({ min: -500, max: 500 }))
  .map(([ps, k]) => ps.map(build).reduce<Dim>((s, p) => add(s, p), k));
const env = fc.record({ H: fc.integer({ min: -40, max: 700 }), W: fc.integer({ min: -40, max: 700 }), C: fc.integer({ min: -9, max: 64 }) });

describe("factored text of symbolic sizes", () => {
  it("evaluates like the expanded polynomial (thousands of sums of products)", () => {
    fc.assert(
      fc.property(polynomial, env, (p, at) => {
        expect(evalFormula(String(p), at)).toBe(evaluate(p, at));
      }),
      { numRuns: 3000 },
    );
  }, 120_000); // a bound on a loaded machine, not a speed check

  it("gives back a product of linear factors as its factors", () => {
    fc.assert(
      fc.property(product, ([c, fs]) => {
        const p = build([c, fs]);
        if (typeof p === "number") return;
        const expected = fs.filter((f) => typeof f !== "number").length + (Math.abs(c) === 1 ? 0 : 1);
        expect(topFactors(String(p)), String(p)).toHaveLength(expected);
      }),
      { numRuns: 2000 },
    );
  }, 120_000);

  it("prints the same size the same way, however it was built", () => {
    fc.assert(
      fc.property(fc.array(product, { minLength: 1, maxLength: 4 }), fc.integer(), (ps, seed) => {
        const dims = ps.map(build);
        const shuffled = [...dims].sort((a, b) => ((String(a).length * 31 + seed) % 7) - ((String(b).length * 17 + seed) % 5));
        const x = dims.reduce<Dim>((s, p) => add(s, p), 0);
        const y = shuffled.reduceRight<Dim>((s, p) => add(p, s), 0);
        expect(String(x)).toBe(String(y));
        expect(dimEquals(x, y)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("prints hand-factored examples", () => {
    const h4 = floorDiv(H, 4);
    const w4 = floorDiv(W, 4);
    const cases: [Dim, string][] = [
      [mul(16, mul(sub(h4, 3), sub(w4, 3))), "16*(H//4 - 3)*(W//4 - 3)"], // lenet5's flatten
      [scale(h4, -1), "-(H//4)"], // not -H//4, which Python reads as (-H)//4
      [sub(3, H), "-(H - 3)"],
      [scale(add(H, 1), -2), "-2*(H + 1)"],
      [add(H, W), "H + W"],
      [mul(add(H, W), add(H, 1)), "(H + 1)*(H + W)"],
      [mul(sub(H, 4), sub(H, 4)), "(H - 4)*(H - 4)"],
      [add(mul(sub(H, 4), sub(W, 4)), 10), "(H - 4)*(W - 4) + 10"],
      [mul(add(scale(H, 2), 1), sub(scale(W, 3), 2)), "(2*H + 1)*(3*W - 2)"],
      [floorDiv(add(scale(H, 2), 2), 4), "(H + 1)//2"], // floor(2(H+1)/4) = floor((H+1)/2)
      [mul(mul(9408, floorDiv(add(H, 1), 2)), floorDiv(add(W, 1), 2)), "9408*((H + 1)//2)*((W + 1)//2)"],
    ];
    for (const [d, text] of cases) expect(String(d)).toBe(text);
  });

  it("python3 reads the printed formulas to the same values", () => {
    const samples = fc.sample(fc.tuple(polynomial, env), { numRuns: 300, seed: 15 }).filter(([p]) => typeof p !== "number");
    const script = samples.map(([p, at]) => `H, W, C = ${at.H}, ${at.W}, ${at.C}\nprint(${String(p)})`).join("\n");
    const out = execFileSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" }).trim().split("\n").map(Number);
    expect(out).toEqual(samples.map(([p, at]) => evaluate(p, at)));
  });
});

describe("factored sizes of networks", () => {
  it("lenet5 on 1xHxW: the flatten size is 16*(H//4 - 3)*(W//4 - 3)", async () => {
    const r = await compileFile(findLibraryNetwork("lenet5")!, { network: "lenet5", input: "1xHxW" });
    // conv 5x5: H - 4; maxpool 2: (H - 4)//2 = H//2 - 2; conv 5x5: H//2 - 6; maxpool 2: H//4 - 3
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "linear needs a concrete number of input features, got 16*(H//4 - 3)*(W//4 - 3)",
    ]);
  });

  const features = (input: string) => `network f {\n  input ${input}\n  conv 6, 5x5\n  relu\n  maxpool 2x2\n  conv 16, 5x5\n  relu\n  maxpool 2x2\n  flatten\n}\n`;

  it("lenet5's features on 1xHxW: MACs 150*((H - 4)*(W - 4) + 16*(H//2 - 6)*(W//2 - 6))", async () => {
    // conv1: 6 filters of 1x5x5 = 150 MACs per (H - 4)x(W - 4) position; conv2: 16 of 6x5x5 =
    // 2400 = 150*16 per (H//2 - 6)x(W//2 - 6) position.
    const r = await compileText(features("1xHxW"));
    const macs = String(r.counts!.macs);
    expect(macs).toBe("150*((H - 4)*(W - 4) + 16*(H//2 - 6)*(W//2 - 6))");
    expect(String(r.graph!.nodes.at(-1)!.shape![0])).toBe("16*(H//4 - 3)*(W//4 - 3)");
    expect(evalFormula(macs, { H: 28, W: 28 })).toBe(150 * 24 * 24 + 2400 * 8 * 8); // 240,000 on MNIST
    for (const [h, w] of [[28, 28], [32, 45], [61, 30]]) {
      const concrete = await compileText(features(`1x${h}x${w}`));
      expect(evalFormula(macs, { H: h, W: w })).toBe(concrete.counts!.macs);
    }
  });

  it("resnet18 on 3xHxW: MACs by resolution with the content 64 pulled out", async () => {
    const r = await compileFile(findLibraryNetwork("resnet18")!, { network: "resnet18", input: "3xHxW" });
    const macs = String(r.counts!.macs);
    // conv1 64*3*7*7 = 64*147; layer1 4 convs of 64*64*9 = 64*2304; layer2 128*64*9 + 3*128*128*9
    // + 128*64 (downsample) = 64*8192; layer3 and layer4 four times that each; fc 512*1000 = 64*8000.
    expect(macs).toBe(
      "64*(147*((H + 1)//2)*((W + 1)//2) + 2304*((H + 3)//4)*((W + 3)//4) + 8192*((H + 7)//8)*((W + 7)//8)" +
        " + 32768*((H + 15)//16)*((W + 15)//16) + 131072*((H + 31)//32)*((W + 31)//32) + 8000)",
    );
    expect(evalFormula(macs, { H: 224, W: 224 })).toBe(1_814_073_344); // torchvision's 1.81 GMACs
  });

  for (const network of ["alexnet", "vgg11", "resnet50"])
    it(`${network} on 3xHxW: every printed shape and MACs formula equals the concrete sizes`, async () => {
      const sym = await compileFile(findLibraryNetwork(network)!, { network, input: "3xHxW" });
      for (const [h, w] of [[224, 224], [229, 301]]) {
        const concrete = await compileFile(findLibraryNetwork(network)!, { network, input: `3x${h}x${w}` });
        const at = { H: h, W: w };
        expect(sym.graph!.nodes.map((n) => n.shape!.map((d) => evalFormula(String(d), at)))).toEqual(concrete.graph!.nodes.map((n) => n.shape));
        expect(sym.graph!.nodes.map((n) => evalFormula(String(n.macs), at))).toEqual(concrete.graph!.nodes.map((n) => n.macs));
        expect(evalFormula(String(sym.counts!.macs), at)).toBe(concrete.counts!.macs);
      }
    });
});
