// Every bundled network's parameters, MACs and output shape equal the reference table
// (test/fixtures/REFERENCE.md, a copy of the project's shared/design/REFERENCE.md:
// torchvision's counts, measured with PyTorch).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { summaryJson } from "../compiler/summary.js";

interface Row {
  network: string;
  input: number[];
  output: string;
  params: number;
  macs?: number;
}

function referenceRows(): Row[] {
  const text = readFileSync(new URL("./fixtures/REFERENCE.md", import.meta.url), "utf8");
  const rows: Row[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 7 || !/^\d+x\d+x\d+$/.test(cells[2])) continue;
    const num = (s: string) => (s ? Number(s.replace(/,/g, "")) : undefined);
    // "googlenet with both auxiliary heads" is the library's googlenet_aux.
    const name = cells[1].split(" ")[0] + (cells[1].includes(" with ") ? "_aux" : "");
    rows.push({ network: name, input: cells[2].split("x").map(Number), output: cells[3], params: num(cells[4])!, macs: num(cells[5]) });
  }
  return rows;
}

const rows = referenceRows();
const available = rows.filter((r) => findLibraryNetwork(r.network));

describe("REFERENCE.md", () => {
  it("every network of the table is in the library", () => {
    expect(rows.length).toBe(23); // the rows of the table
    expect(rows.filter((r) => !findLibraryNetwork(r.network)).map((r) => r.network)).toEqual([]);
  });

  for (const row of available) {
    it(`${row.network}: ${row.params} parameters, ${row.macs} MACs, output ${row.output}`, async () => {
      const file = findLibraryNetwork(row.network)!;
      const r = await compileFile(file, { network: row.network });
      expect(r.diagnostics).toEqual([]);
      const j = summaryJson(r.graph!, r.counts!);
      expect(j.inputs[0].shape).toEqual(row.input);
      expect(j.params).toBe(row.params);
      if (row.macs !== undefined) expect(j.macs).toBe(row.macs);
      // "1000", or "1000 (x3 outputs)" for the networks with auxiliary heads.
      const [classes, copies] = [Number(row.output.split(" ")[0]), Number(/x(\d+) outputs/.exec(row.output)?.[1] ?? 1)];
      expect(j.outputs.map((o) => o.shape)).toEqual(Array(copies).fill([classes]));
      // The parameter total is the sum over the tensors of kind "parameter".
      const fromTensors = j.tensors.filter((t) => t.kind === "parameter").reduce((s, t) => s + t.shape.reduce((p, d) => p * d, 1), 0);
      expect(fromTensors).toBe(row.params);
    });
  }

  it("resnet50 has 53,120 running-statistics values and 53 batch counters (torchvision: 53,173 buffer elements)", async () => {
    const r = await compileFile(findLibraryNetwork("resnet50")!, { network: "resnet50" });
    expect(r.counts!.buffers).toBe(53_120);
    expect(r.counts!.buffers + r.counts!.counters).toBe(53_173);
  });
});
