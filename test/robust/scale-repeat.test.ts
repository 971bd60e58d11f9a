// A million layers from `repeat`: identical layers share one copy of their attributes,
// shape and weights (compiler/bind-layer.ts), so that 999,999 convolutions summarize as
// JSON under a 700 MB heap (before: 1.67 GB of memory; 1,000 MB of heap until the
// counting changes of 30 November). The counts are checked against
// a hand computation; times are never asserted (docs/architecture.md has the figures).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { summaryTable, summaryTablePieces } from "../../compiler/summary.js";
import { scratch } from "./cli-support.js";

const root = join(import.meta.dirname, "..", "..");
const net = (n: number) => `network big {\n  input 3x8x8\n  repeat ${n} {\n    conv 8, 3x3, pad = 1\n  }\n}\n`;
// By hand: the first conv has 8*3*3*3 weights + 8 biases, 8*8*8 outputs of 3*3*3 MACs;
// each next one 8*8*3*3 + 8, and 8*8*8 outputs of 8*3*3 MACs.
const params = (n: number) => 224 + (n - 1) * 584;
const macs = (n: number) => 13_824 + (n - 1) * 36_864;

describe("a million layers from repeat", () => {
  it("identical layers share attributes, shape and weights, and count as the hand computation", async () => {
    const c = await compileFile("big.net", { text: net(1000) });
    expect(c.diagnostics).toEqual([]);
    const nodes = c.graph!.nodes;
    expect(nodes).toHaveLength(1001);
    expect(c.counts!.params).toBe(params(1000));
    expect(c.counts!.macs).toBe(macs(1000));
    expect(nodes[1].weights).toEqual([{ name: "weight", shape: [8, 3, 3, 3], kind: "parameter" }, { name: "bias", shape: [8], kind: "parameter" }]);
    expect(nodes[2].weights[0].shape).toEqual([8, 8, 3, 3]);
    expect(nodes[3].attrs).toBe(nodes[2].attrs);
    expect(nodes[3].weights).toBe(nodes[2].weights);
    expect(nodes[1000].shape).toBe(nodes[2].shape);
    expect(nodes[1].attrs).toEqual(nodes[2].attrs); // same arguments, another input: its own inference
    expect(nodes[1].weights).not.toBe(nodes[2].weights);
    expect(nodes.map((n) => n.name).slice(0, 3)).toEqual(["input", "0", "1"]);
  });

  it("the table comes in pieces of 200 rows whose lines are the input and the 4,500 layers in order, with the hand counts", async () => {
    const c = await compileFile("big.net", { text: net(4500) });
    const pieces = [...summaryTablePieces(c.graph!, c.counts!)];
    expect(pieces).toHaveLength(25); // header, 22 x 200 + 101 rows, footer
    expect(pieces.slice(1, -2).every((p) => p.split("\n").length === 201)).toBe(true);
    expect(pieces.every((p) => p.endsWith("\n"))).toBe(true);
    const lines = pieces.join("").split("\n");
    expect(lines[3].split(/\s{2,}/).slice(1)).toEqual(["input", "1-1", "3x8x8", "--", "--"]);
    const rows = lines.slice(4, 4 + 4500);
    rows.forEach((r, i) => {
      const cells = r.split(/\s{2,}/);
      expect(cells.slice(1)).toEqual(["conv", `1-${i + 2}`, "8x8x8", i === 0 ? "224" : "584", i === 0 ? "13,824" : "36,864"]);
    });
    expect(lines[4 + 4500]).toMatch(/^=+$/);
    expect(lines).toContain(`Trainable params: ${params(4500).toLocaleString("en-US")}`);
    expect(summaryTable(c.graph!, c.counts!)).toBe(pieces.join("").slice(0, -1));
  });

  it("999,999 convolutions: summary --json under a 700 MB heap", () => {
    const file = join(scratch("repeat"), "big.net");
    writeFileSync(file, net(999_999));
    const env = { ...process.env, NETC_NO_CACHE: "1" };
    const r = spawnSync(process.execPath, ["--max-old-space-size=700", "bin/netc.js", "summary", "--json", file], { cwd: root, env, encoding: "utf8", maxBuffer: 2 ** 30 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const head = r.stdout.slice(0, 2000);
    expect(head).toContain(`"params": ${params(999_999)},`);
    expect(head).toContain(`"macs": ${macs(999_999)},`);
    const json = JSON.parse(r.stdout);
    expect(json.layers).toHaveLength(999_999);
    expect(json.tensors).toHaveLength(2 * 999_999);
    expect(json.layers[999_998]).toEqual({ name: "999998", op: "conv", outputShape: [8, 8, 8], params: 584, macs: 36_864 });
  });
});
