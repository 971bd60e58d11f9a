// Symbolic sizes as the command line prints them: factored, in the table, in --json (the
// same formula text, Python syntax, without outer parentheses) and in errors; each checked
// by evaluating the printed text against the concrete run and hand computation.
import { describe, expect, it } from "vitest";
import { json, netc, useCli } from "./support/cli.js";
import { evalFormula } from "./support/formula.js";

useCli();

describe("factored symbolic sizes on the command line", () => {
  it("summary lenet5 --input 1xHxW names the flatten size 16*(H//4 - 3)*(W//4 - 3)", () => {
    const r = netc(["summary", "lenet5", "--input", "1xHxW"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("linear needs a concrete number of input features, got 16*(H//4 - 3)*(W//4 - 3)");
    expect(r.stderr).toContain("the input, (16*(H//4 - 3)*(W//4 - 3)), comes from this flatten");
    expect(r.stderr).not.toContain("-48*");
  });

  it("summary resnet18 --input 3xHxW: the table's and the JSON's MACs are one factored formula", () => {
    const table = netc(["summary", "resnet18", "--input", "3xHxW"]);
    expect(table.code, table.stderr).toBe(0);
    const j = json(["summary", "resnet18", "--input", "3xHxW"]);
    expect(table.stdout).toContain(`MACs: ${j.macs}\n`);
    expect(j.macs).toMatch(/^64\*\(147\*\(\(H \+ 1\)\/\/2\)\*\(\(W \+ 1\)\/\/2\) \+ /);
    const concrete = json(["summary", "resnet18", "--input", "3x224x200"]);
    const at = { H: 224, W: 200 };
    expect(evalFormula(j.macs, at)).toBe(concrete.macs);
    expect(evalFormula(j.macs, { H: 224, W: 224 })).toBe(1_814_073_344); // torchvision's resnet18: 1.81 GMACs
    const layers = j.layers.map((l: { macs: number | string; outputShape: (number | string)[] }) => [
      evalFormula(String(l.macs), at),
      l.outputShape.map((d) => evalFormula(String(d), at)),
    ]);
    expect(layers).toEqual(concrete.layers.map((l: { macs: number; outputShape: number[] }) => [l.macs, l.outputShape]));
  });
});
