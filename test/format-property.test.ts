// Property tests of the formatter (fast-check): for generated valid networks (with
// comments sprinkled in) and for mutated library files that still parse, printing keeps
// the AST (spans aside) and the comments, formatting is idempotent, and what compiles
// compiles to the same summary from the formatted text.
process.env.NETC_NO_CACHE = "1"; // the parse cache would write to node_modules/.cache

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import { formatText, sameShape, shape } from "../grammar/format.js";
import { readFileSync } from "node:fs";
import { compileFile } from "../compiler/compile.js";
import { summaryJson } from "../compiler/summary.js";
import { mutatedLibrary, validNetwork } from "./support/generators.js";

const FILE = join(fileURLToPath(new URL(".", import.meta.url)), "format-input.net"); // never written: text is given
const SEED = 20240611;
const SCALE = Number(process.env.NETC_FUZZ_SCALE ?? 1) || 1;
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE), seed: SCALE === 1 ? SEED : undefined });

const commentsOf = (text: string) => parse(text, FILE).program!.comments.map((c) => c.text.trim());

/** The facts a summary gives that formatting must not change. */
async function summary(path: string, text: string) {
  const r = await compileFile(path, { text });
  if (!r.graph || !r.counts) return undefined;
  const j = summaryJson(r.graph, r.counts);
  return {
    network: j.network,
    params: j.params,
    buffers: j.buffers,
    counters: j.bufferCounters,
    macs: j.macs,
    inputs: j.inputs,
    outputs: j.outputs,
    layers: j.layers.map((l) => [l.name, l.op, l.outputShape]),
    tensors: j.tensors.map((t) => [t.name, t.shape, t.kind]),
  };
}

/** Formats `text` (which parses) and checks everything that must hold of the result. */
async function checkFormat(path: string, text: string, compile: boolean) {
  const before = parse(text, path).program!;
  const r = formatText(text, path);
  expect(r.diagnostics.map((d) => d.message), text).toEqual([]);
  const out = r.formatted!;
  const after = parse(out, path).program;
  expect(after, out).toBeDefined();
  expect(shape(after!), text).toBe(shape(before));
  expect(commentsOf(out), text).toEqual(commentsOf(text));
  expect(formatText(out, path).formatted, `not idempotent:\n${out}`).toBe(out);
  if (compile) expect(await summary(path, out), text).toEqual(await summary(path, text));
}

// ---- comments sprinkled into generated networks ------------------------------------------

/** Adds end-of-line comments and own-line comments (with blank lines) at chosen lines. */
const withComments = fc
  .tuple(validNetwork, fc.array(fc.tuple(fc.nat(), fc.constantFrom("eol", "own", "blank")), { maxLength: 6 }))
  .map(([n, marks]) => {
    const lines = n.text.split("\n");
    const eol = new Set<number>();
    const own = new Map<number, string>();
    marks.forEach(([at, kind], k) => {
      const i = at % lines.length;
      if (kind === "eol") eol.add(i);
      else own.set(i, (own.get(i) ?? "") + (kind === "blank" ? "\n" : "") + `# own ${k}\n`);
    });
    const text = lines
      .map((l, i) => {
        const indent = l.match(/^\s*/)![0];
        const body = eol.has(i) && l.trim() ? `${l} # eol ${i}` : l;
        return (own.get(i) ?? "").replace(/^(?=#)/gm, indent) + body;
      })
      .join("\n");
    return text;
  });

describe("formatting generated valid networks", () => {
  it("keeps the AST, the comments and the summary, and is idempotent", async () => {
    await fc.assert(
      fc.asyncProperty(validNetwork, async ({ text }) => checkFormat(FILE, text, true)),
      runs(150),
    );
  }, 30_000);

  it("with comments sprinkled in: keeps the AST and the comments, and is idempotent", async () => {
    await fc.assert(
      fc.asyncProperty(withComments, async (text) => {
        if (!parse(text, FILE).program) return; // a comment line that broke a continuation
        await checkFormat(FILE, text, false);
      }),
      runs(400),
    );
  }, 30_000);
});

describe("formatting mutated library files that still parse", () => {
  it("keeps the AST and the comments, and is idempotent", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedLibrary, async ({ path, text }) => {
        if (!parse(text, path).program) return;
        await checkFormat(path, text, false);
      }),
      runs(300),
    );
  }, 30_000);

  it("compiles to the same summary where it compiles", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedLibrary, async ({ path, text }) => {
        if (!parse(text, path).program) return;
        await checkFormat(path, text, true);
      }),
      runs(50),
    );
  }, 30_000);
});

describe("comparing ASTs without writing them", () => {
  it("sameShape answers as comparing the shape texts: mutants against their library file, and formatted files", async () => {
    let same = 0;
    let different = 0;
    await fc.assert(
      fc.asyncProperty(mutatedLibrary, async ({ path, text }) => {
        const mutant = parse(text, path).program;
        if (!mutant) return;
        const original = parse(readFileSync(path, "utf8"), path).program!;
        const equal = shape(mutant) === shape(original);
        expect(sameShape(mutant, original), text).toBe(equal);
        expect(sameShape(original, mutant), text).toBe(equal);
        [same, different] = equal ? [same + 1, different] : [same, different + 1];
        const formatted = formatText(text, path).formatted;
        if (formatted) expect(sameShape(parse(formatted, path).program!, mutant)).toBe(true);
      }),
      runs(200),
    );
    expect(different).toBeGreaterThan(10); // the property saw both answers
    expect(same).toBeGreaterThan(0);
  }, 60_000);
});
