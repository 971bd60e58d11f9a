// docs/convolutionize.md's table says, for every network of the library, whether
// `netc convolutionize` converts it, the output map's size as a formula of the input's
// (the flatten case: the reference table's sizes in convolutionize.test.ts; the pool
// head: ceil(H/32) for ResNet in convolutionize-head.test.ts) or why not. This checks the
// table against the tool, so that neither drifts: each library network in exactly one
// row, converted ones compiling to that map with the original's parameter count, refused
// and the same tensor names, refused ones refused with E0501 and the reason the row names.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { convolutionizeChecked } from "../compiler/convolutionize.js";
import { libraryNetworks } from "../compiler/modules.js";
import { formatShape } from "../compiler/values.js";
import { summaryJson } from "../compiler/summary.js";

const doc = readFileSync(new URL("../docs/convolutionize.md", import.meta.url), "utf8");
const section = doc.slice(doc.indexOf("## Which library networks convert"), doc.indexOf("## Dense prediction"));
const rows = [...section.matchAll(/^\| ([a-z0-9_, ]+) \| (yes|no) \| (.*) \|$/gm)].map((m) => ({ networks: m[1].split(", "), converts: m[2] === "yes", cell: m[3] }));

describe("docs/convolutionize.md's table of library networks", () => {
  it("lists every library network once", () => {
    const listed = rows.flatMap((r) => r.networks);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(libraryNetworks().map((n) => n.name).sort());
  });

  it("agrees with netc convolutionize on each", async () => {
    for (const { name, file } of libraryNetworks()) {
      const row = rows.find((r) => r.networks.includes(name))!;
      const original = await compileFile(file, { network: name });
      const r = await convolutionizeChecked(original.graph!, original.counts!.params, { file: `${name}_fcn.net`, source: { file, network: name } });
      if (row.converts) {
        expect(r.diagnostics, name).toEqual([]);
        const c = await compileFile(`${name}_fcn.net`, { text: r.text! });
        expect(c.counts!.params, name).toBe(original.counts!.params);
        // the same tensors under the same names: a checkpoint converts by reshaping the linear weights only
        const tensors = (g: typeof c) => summaryJson(g.graph!, g.counts!).tensors.map((t) => `${t.name} ${t.shape.join("x")}`);
        const want = summaryJson(original.graph!, original.counts!).tensors.map((t) => `${t.name} ${(r.conversion!.reshape.get(t.name) ?? t.shape).join("x")}`);
        expect(tensors(c), name).toEqual(want);
        const map = formatShape(c.graph!.nodes[c.graph!.outputs[0].node].shape!);
        expect(row.cell.replace(/ x /g, "x"), name).toContain(`: ${map}`);
      } else {
        expect(r.text, name).toBeUndefined();
        expect(r.diagnostics.map((d) => d.code), name).toEqual(["E0501"]);
        const named = /`([^`]+)`/.exec(row.cell)![1].replace(/ \[.*$/, "");
        expect(r.diagnostics[0].message, name).toContain(named.split(" [")[0]);
      }
    }
  }, 300_000);
});
