// Symbolic shapes: a network elaborated on `3xHxW` gives, for every layer, a formula
// that equals the shape inferred on concrete sizes, for any H and W.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { add, ceilDiv, evaluate, floorDiv, mul, Sym, type Dim } from "../compiler/symbolic.js";

async function shapes(network: string, input: string) {
  const r = await compileFile(findLibraryNetwork(network)!, { network, input });
  expect(r.diagnostics).toEqual([]);
  return { nodes: r.graph!.nodes.map((n) => n.shape!), macs: r.counts!.macs };
}

describe("symbolic shape inference", () => {
  for (const network of ["resnet50", "resnet18", "alexnet", "vgg11"]) {
    it(`${network} on 3xHxW agrees with concrete sizes, layer by layer`, async () => {
      const sym = await shapes(network, "3xHxW");
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 64, max: 640 }), fc.integer({ min: 64, max: 640 }), async (h, w) => {
          const concrete = await shapes(network, `3x${h}x${w}`);
          const env = { H: h, W: w };
          const evaluated = sym.nodes.map((s) => s.map((d) => evaluate(d, env)));
          expect(evaluated).toEqual(concrete.nodes);
          expect(evaluate(sym.macs, env)).toBe(concrete.macs);
        }),
        { numRuns: 12 },
      );
    });
  }

  it("prints a ResNet stem compactly: floor divisions fold", async () => {
    const r = await compileFile(findLibraryNetwork("resnet50")!, { network: "resnet50", input: "3xHxW" });
    const pool = r.graph!.nodes.find((n) => n.op === "maxpool")!;
    // conv 7x7/2 pad 3 then maxpool 3x3/2 pad 1: floor((floor((H-1)/2)+1-1)/2)+1 = (H+3)//4 for every H.
    expect(pool.shape!.map(String)).toEqual(["64", "(H + 3)//4", "(W + 3)//4"]);
  });

  it("floor and ceil division of polynomials agree with integer arithmetic", () => {
    const H = Sym.variable("H");
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 4 }),
        (h, c, a, b, k) => {
          const e: Dim = floorDiv(add(floorDiv(add(mul(H, k), c), a), c), b);
          const expected = Math.floor((Math.floor((h * k + c) / a) + c) / b);
          expect(evaluate(e, { H: h })).toBe(expected);
          expect(evaluate(ceilDiv(add(H, c), a), { H: h })).toBe(Math.ceil((h + c) / a) || 0); // -0 and 0 are the same size
        },
      ),
    );
  });
});
