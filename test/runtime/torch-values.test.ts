// Output values against PyTorch: each case of test/fixtures/torch-values.json (written by
// scripts/gen-torch-values.py from torch 1.13) is a small network body, an input and
// PyTorch's output for it; netc's runtime (tfjs cpu) must agree to float rounding.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { tf, useBackend } from "../../runtime/backend.js";
import { Model } from "../../runtime/model.js";

interface Case { id: string; body: string; input: number[]; x: number[]; output: number[]; y: number[] }
const { cases } = JSON.parse(readFileSync(new URL("../fixtures/torch-values.json", import.meta.url), "utf8")) as { cases: Case[] };

beforeAll(async () => {
  await useBackend("cpu");
});

describe("values against PyTorch", () => {
  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const text = `network t {\n  input ${c.input.join("x")}\n${c.body.split("\n").map((l) => `  ${l}\n`).join("")}}\n`;
    const r = await compileFile("t.net", { text });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.graph!.nodes.at(-1)!.shape).toEqual(c.output);
    const model = new Model(r.graph!, { seed: 1 });
    const [y] = model.forward([tf.tensor(c.x, [1, ...c.input])]);
    expect(y.shape.slice(1)).toEqual(c.output);
    const got = y.dataSync();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - c.y[i]));
    expect(worst).toBeLessThan(1e-5);
    y.dispose();
    model.dispose();
  });
});
