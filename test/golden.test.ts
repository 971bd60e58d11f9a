// Golden files: rendered diagnostics and summary tables, as a user reads them, kept in
// test/golden/ (toMatchFileSnapshot). A change to them shows in review as a diff of
// what users see; `npx vitest run test/golden.test.ts -u` rewrites them, never by hand.
// The numbers in them are checked against references by the other tests.
process.env.NETC_NO_CACHE = "1";

import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { checkFile } from "../compiler/check-file.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { summaryTable } from "../compiler/summary.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";

const diagnostics: [string, string][] = [
  ["shape-rank", "network bad {\n  input 3x32x32\n  conv 8, 3x3\n  flatten\n  conv 16, 3x3\n}\n"],
  ["unused-block", "block b(out) {\n  convv out, 3x3\n}\n"],
  ["syntax", "network s {\n  input 3x32x32\n  let a = 1 +\n}\n"],
  ["residual-mismatch", "network r {\n  input 3x8x8\n  residual {\n    conv 4, 3x3, pad = 1\n  }\n}\n"],
  ["block-call", "block unit(c) {\n  conv c, 3x3, groups = 3\n}\nnetwork n {\n  input 4x8x8\n  unit(8)\n}\n"],
  ["pool-padding", "network p {\n  input 1x9x9\n  maxpool 3x3, pad = 3, dilation = 2\n}\n"],
];

describe("rendered diagnostics", () => {
  for (const [name, text] of diagnostics)
    it(name, async () => {
      const r = await checkFile(`${name}.net`, { text });
      const rendered = renderDiagnostics(r.reports.flatMap((x) => x.diagnostics), r.sources);
      expect(rendered).not.toBe("");
      await expect(rendered + "\n").toMatchFileSnapshot(`golden/diagnostics/${name}.txt`);
    });
});

describe("summary tables", () => {
  for (const [network, input] of [["lenet5", undefined], ["resnet18", undefined], ["resnet18", "3xHxW"]] as const)
    it(`${network}${input ? ` on ${input}` : ""}`, async () => {
      const r = await compileFile(findLibraryNetwork(network)!, { network, input });
      expect(r.diagnostics).toEqual([]);
      const table = summaryTable(r.graph!, r.counts!);
      await expect(table + "\n").toMatchFileSnapshot(`golden/summary/${network}${input ? `-${input}` : ""}.txt`);
    });
});
