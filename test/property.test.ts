// Property-based tests (fast-check): random and mutated .net text must never make the
// parser or the compiler throw or run away, and every diagnostic must be located inside
// the file it names. Valid random networks must compile, with shapes and parameter
// counts that agree with an independent count done by the generator.
process.env.NETC_NO_CACHE = "1"; // the parse cache would write to node_modules/.cache

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import { compileFile, type Compiled } from "../compiler/compile.js";
import { count } from "../compiler/count.js";
import { summaryJson, summaryTable } from "../compiler/summary.js";
import type { Diagnostic } from "../syntax/diagnostics.js";
import { arbitraryText, library, libraryFiles, mutate, mutatedLibrary, mutation, networksOf, validNetwork } from "./support/generators.js";

const FUZZ_FILE = join(fileURLToPath(new URL(".", import.meta.url)), "fuzz-input.net"); // never written: text is given

/** NETC_FUZZ_SCALE=10 runs ten times as many cases (for a longer hunt than CI's). */
const SCALE = Number(process.env.NETC_FUZZ_SCALE ?? 1) || 1;
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE) });

/** Wall-clock budget of one run (parse, or compile and summarize) on a slow machine. */
const RUN_BUDGET_MS = 5_000;

// ---- checks --------------------------------------------------------------------------

/** Every diagnostic is labelled (CLI usage ones aside) and every label lies inside its file. */
function checkDiagnostics(diags: readonly Diagnostic[], textOf: (file: string) => string | undefined) {
  for (const d of diags) {
    expect(typeof d.code, JSON.stringify(d)).toBe("string");
    expect(typeof d.message, JSON.stringify(d)).toBe("string");
    expect(["error", "warning", "note"]).toContain(d.severity);
    if (d.code !== "E0501") expect(d.labels.length, `unlabelled diagnostic: ${JSON.stringify(d)}`).toBeGreaterThanOrEqual(1);
    for (const l of d.labels) {
      const text = textOf(l.span.file);
      expect(text, `label names a file with no source: ${JSON.stringify(d)}`).toBeTypeOf("string");
      const { start, end } = l.span;
      const ok = Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= text!.length;
      expect(ok, `span ${start}..${end} outside 0..${text!.length} in ${JSON.stringify(d)}`).toBe(true);
    }
  }
}

function checkParse(text: string) {
  const t0 = performance.now();
  const r = parse(text, "fuzz.net");
  const ms = performance.now() - t0;
  expect(ms, "parse took too long").toBeLessThan(RUN_BUDGET_MS);
  expect(Array.isArray(r.diagnostics)).toBe(true);
  // a program comes back exactly when there is no error
  expect(r.program === undefined).toBe(r.diagnostics.some((d) => d.severity === "error"));
  checkDiagnostics(r.diagnostics, (f) => (f === "fuzz.net" ? text : undefined));
}

/** Compiles, summarizes and counts; checks termination, diagnostics and the graph. */
async function checkCompile(path: string, text: string, opts: { set?: Record<string, string>; input?: string } = {}): Promise<Compiled> {
  const t0 = performance.now();
  const r = await compileFile(path, { text, ...opts });
  if (r.graph && r.counts) {
    summaryJson(r.graph, r.counts);
    summaryTable(r.graph, r.counts);
    summaryTable(r.graph, r.counts, { depth: 0 });
    summaryTable(r.graph, r.counts, { depth: 100 });
    count(r.graph);
  }
  const ms = performance.now() - t0;
  expect(ms, "compile took too long").toBeLessThan(RUN_BUDGET_MS);
  checkDiagnostics(r.diagnostics, (f) => r.sources.get(f)?.text);
  // a graph comes back exactly when there is no error
  expect(r.graph === undefined).toBe(r.diagnostics.some((d) => d.severity === "error"));
  if (r.graph && r.counts) checkGraph(r);
  return r;
}

/** Concrete shapes have positive integer dims; params is the sum of the parameter tensors. */
function checkGraph(r: Compiled) {
  const g = r.graph!;
  const counts = r.counts!;
  for (const n of g.nodes) {
    expect(n.shape, `layer ${n.name} (${n.op}) has no shape`).not.toBeNull();
    for (const d of n.shape!)
      if (typeof d === "number") expect(Number.isInteger(d) && d >= 1, `layer ${n.name} (${n.op}) has shape ${n.shape}`).toBe(true);
  }
  const j = summaryJson(g, counts);
  const fromTensors = j.tensors
    .filter((t) => t.kind === "parameter")
    .reduce((s, t) => s + t.shape.reduce((p, d) => p * d, 1), 0);
  expect(counts.params).toBe(fromTensors);
  expect(j.params).toBe(fromTensors);
  expect(j.layers.reduce((s, l) => s + l.params, 0)).toBe(fromTensors);
}


describe("random text", () => {
  it("parse never throws and locates every diagnostic", () => {
    fc.assert(fc.property(arbitraryText, (text) => checkParse(text)), runs(1000));
  }, 60_000 * SCALE);

  it("compileFile never throws, terminates, and locates every diagnostic", async () => {
    await fc.assert(fc.asyncProperty(arbitraryText, async (text) => void (await checkCompile(FUZZ_FILE, text))), runs(600));
  }, 60_000 * SCALE);
});


describe("mutated library files", () => {
  it("the unmutated library parses, and every network in it compiles cleanly", async () => {
    expect(library.length).toBeGreaterThan(0);
    for (const f of libraryFiles) {
      checkParse(f.text);
      for (const network of networksOf(f.text)) {
        const r = await compileFile(f.path, { text: f.text, network });
        expect(r.diagnostics, `${f.path} ${network}`).toEqual([]);
        checkGraph(r);
      }
    }
  }, 60_000 * SCALE);

  it("parse never throws and locates every diagnostic", () => {
    fc.assert(fc.property(mutatedLibrary, ({ text }) => checkParse(text)), runs(500));
  }, 60_000 * SCALE);

  it("compileFile never throws, terminates, and locates every diagnostic", async () => {
    await fc.assert(fc.asyncProperty(mutatedLibrary, async ({ path, text }) => void (await checkCompile(path, text))), runs(500));
  }, 60_000 * SCALE);
});


describe("valid generated networks", () => {
  it("compile without diagnostics (but linear-on-image warnings), with positive shapes and the expected parameter count", async () => {
    await fc.assert(
      fc.asyncProperty(validNetwork, async ({ text, params, out }) => {
        checkParse(text);
        const r = await checkCompile(FUZZ_FILE, text);
        // the generator applies linear to images on purpose (PyTorch's meaning): that warns, W0301
        expect(r.diagnostics.filter((d) => d.code !== "W0301"), text).toEqual([]);
        expect(r.counts!.params, text).toBe(params);
        const j = summaryJson(r.graph!, r.counts!);
        expect(j.outputs[0].shape, text).toEqual(out);
        expect(j.network).toBe("generated");
      }),
      runs(500),
    );
  }, 60_000 * SCALE);

  it("stay valid or fail cleanly under mutation", async () => {
    const mutated = fc.tuple(validNetwork, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([n, ms]) => mutate(n.text, ms));
    await fc.assert(fc.asyncProperty(mutated, async (text) => void (await checkCompile(FUZZ_FILE, text))), runs(400));
  }, 60_000 * SCALE);
});

// ---- pinned cases found by the properties above -----------------------------------------

describe("pinned inputs", () => {
  // (deep nesting must give a diagnostic, not a RangeError from the parser's recursion;
  // the depths are well past what a warmed-up JIT's smaller frames make work anyway)
  const cases: [string, string][] = [
    ["an empty file", ""],
    ["only a comment", "# nothing here\n"],
    ["only a block", "block b() {\n  relu\n}\n"],
    ["deeply nested parentheses", `network n {\n  input 3x8x8\n  let a = ${"(".repeat(3000)}1${")".repeat(3000)}\n  relu\n}\n`],
    ["deeply nested braces", `network n {\n  input 3x8x8\n${"{".repeat(3000)}relu${"}".repeat(3000)}\n}\n`],
    ["many unclosed brackets", `network n {\n  input 3x8x8\n  let a = ${"[".repeat(1000)}\n`],
    ["a long chain of additions", `network n {\n  input 3x8x8\n  let a = ${"1 + ".repeat(5000)}1\n  relu\n}\n`],
  ];
  for (const [what, text] of cases) {
    it(`${what}: parse and compile neither throw nor leave a diagnostic unlocated`, async () => {
      checkParse(text);
      await checkCompile(FUZZ_FILE, text);
    }, 20_000);
  }

  const long = `${"1 + ".repeat(20000)}1`;
  const small = "network n(a = 1) {\n  input 3x8x8\n  relu\n}\n";
  it("a variant argument that is a very long expression", async () => {
    const text = `${small}network v = n(a = ${long})\n`;
    checkParse(text);
    await checkCompile(FUZZ_FILE, text);
  }, 20_000);
  it("--set and --input values that are very long expressions", async () => {
    await checkCompile(FUZZ_FILE, small, { set: { a: long } });
    await checkCompile(FUZZ_FILE, small, { input: long });
  }, 20_000);
  it("--set and --input values that are garbage", async () => {
    for (const v of ["", ")", "3x", "[[[", "1e999", "-1", "0x0x0", "H", "\"s\"", "a b c", "#"]) {
      await checkCompile(FUZZ_FILE, small, { set: { a: v } });
      await checkCompile(FUZZ_FILE, small, { input: v });
    }
  }, 20_000);
});
