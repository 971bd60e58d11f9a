// Property-based tests (fast-check): random and mutated .net text must never make the
// parser or the compiler throw or run away, and every diagnostic must be located inside
// the file it names. Valid random networks must compile, with shapes and parameter
// counts that agree with an independent count done by the generator.
process.env.NETC_NO_CACHE = "1"; // the parse cache would write to node_modules/.cache

import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/index.js";
import { compileFile, type Compiled } from "../compiler/compile.js";
import { count } from "../compiler/count.js";
import { summaryJson, summaryTable } from "../compiler/summary.js";
import type { Diagnostic } from "../compiler/diagnostics.js";

const NETWORKS = fileURLToPath(new URL("../networks/", import.meta.url));
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

// ---- (a) random text over the language's alphabet ------------------------------------

const KEYWORDS = [
  "block", "network", "let", "input", "import", "repeat", "as", "for", "in", "if", "else", "residual", "shortcut",
  "when", "concat", "add", "mul", "from", "head", "and", "or", "not", "true", "false",
];
const LAYERS = [
  "conv", "linear", "relu", "maxpool", "avgpool", "flatten", "batchnorm", "dropout", "globalavgpool",
  "adaptiveavgpool", "reshape", "upsample", "pad", "softmax", "prelu", "groupnorm", "convtranspose",
  "channelshuffle", "identity", "sigmoid",
];
const NAMES = ["x", "n", "out", "stride", "kernel", "classes", "H", "W", "channels", "b", "unit", "range", "len", "layers", "i", "_a1", "bias", "groups"];
const NUMBERS = ["0", "1", "2", "3", "7", "16", "64", "224", "1000", "1e9", "99999999999999999999", "0.5", "1.5e3", ".5", "2147483648", "00"];
const DIMS = ["3x3", "1x1", "7x7", "3x224x224", "3xHxW", "1x28x28", "0x0", "2x0x5", "64x1x1", "3x99999999999x99999999999"];
const PUNCT = ["{", "}", "(", ")", "[", "]", ",", ":", ".", "=", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "//", "/", "%", ";"];
const STRINGS = ['"same"', '"valid"', '"x"', '"lenet5"', '"./nonexistent.net"', '"unterminated'];
const ODD = ["@", "$", "é", "\t", "\r\n", "!", "\\", "`", "\u0000", "😀"];

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 4, arbitrary: fc.constantFrom(...LAYERS) },
  { weight: 3, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 4, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...DIMS) },
  { weight: 6, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 1, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 4, arbitrary: fc.constant("\n") },
  { weight: 1, arbitrary: fc.constantFrom("# a comment", "#", "# {(\n") },
  { weight: 1, arbitrary: fc.constantFrom(...ODD) },
);
const sep = fc.constantFrom(" ", " ", " ", "", "\n", "  ");
const tokenSoup = fc.array(fc.tuple(token, sep), { maxLength: 60 }).map((ts) => ts.map(([t, s]) => t + s).join(""));

/** Random text in the shape of a file: a network header, lines of random tokens, a brace. */
const line = fc.oneof(
  fc.tuple(fc.constantFrom(...LAYERS), fc.array(fc.oneof(token, fc.constant(",")), { maxLength: 6 })).map(([l, a]) => [l, ...a].join(" ")),
  fc.array(token, { minLength: 1, maxLength: 8 }).map((a) => a.join(" ")),
);
const shapedSoup = fc
  .tuple(fc.constantFrom("", "classes = 10", "n = 2, m", "x = [1, 2]"), fc.constantFrom("input 3x32x32", "input 1x28x28", "input 3xHxW", ""), fc.array(line, { maxLength: 12 }), fc.boolean())
  .map(([params, input, lines, close]) => `network n(${params}) {\n  ${input}\n${lines.map((l) => `  ${l}\n`).join("")}${close ? "}\n" : ""}`);

const arbitraryText = fc.oneof(tokenSoup, shapedSoup, fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 40 }));

describe("random text", () => {
  it("parse never throws and locates every diagnostic", () => {
    fc.assert(fc.property(arbitraryText, (text) => checkParse(text)), runs(1000));
  }, 60_000 * SCALE);

  it("compileFile never throws, terminates, and locates every diagnostic", async () => {
    await fc.assert(fc.asyncProperty(arbitraryText, async (text) => void (await checkCompile(FUZZ_FILE, text))), runs(600));
  }, 60_000 * SCALE);
});

// ---- (b) mutations of the library files ---------------------------------------------

const libraryFiles = readdirSync(NETWORKS)
  .filter((f) => f.endsWith(".net"))
  .sort()
  .map((f) => ({ path: join(NETWORKS, f), text: readFileSync(join(NETWORKS, f), "utf8") }));
const networksOf = (text: string) => [...text.matchAll(/^\s*network\s+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]);
/** The files that declare a network (files of blocks only are there to be imported). */
const library = libraryFiles.filter((f) => networksOf(f.text).length > 0);

const TOKEN_RE = /\s+|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|[0-9]+(?:x[0-9A-Za-z_]+)+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|\/\/|==|!=|<=|>=|[\s\S]/g;
const tokenize = (text: string) => text.match(TOKEN_RE) ?? [];
const isNumber = (t: string) => /^[0-9]/.test(t) || /^\.[0-9]/.test(t);
const isWord = (t: string) => /^[A-Za-z_]/.test(t);
const HUGE = ["0", "-1", "1e9", "99999999999999999999", "1e308", "2147483648", "0.5", "1e-9"];

type Mutation =
  | { kind: "delete" | "duplicate"; at: number; len: number }
  | { kind: "swap"; at: number; other: number }
  | { kind: "number"; at: number; value: string }
  | { kind: "keyword"; at: number; value: string }
  | { kind: "insert"; at: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant("number" as const), at: fc.nat(), value: fc.constantFrom(...HUGE) }),
  fc.record({ kind: fc.constant("keyword" as const), at: fc.nat(), value: fc.constantFrom(...KEYWORDS, ...LAYERS, ...NAMES) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: token }),
);

function mutate(text: string, ms: Mutation[]): string {
  let toks = tokenize(text);
  for (const m of ms) {
    if (toks.length === 0) break;
    const at = m.at % toks.length;
    switch (m.kind) {
      case "delete":
        toks.splice(at, m.len);
        break;
      case "duplicate":
        toks.splice(at, 0, ...toks.slice(at, at + m.len));
        break;
      case "swap": {
        const o = m.other % toks.length;
        [toks[at], toks[o]] = [toks[o], toks[at]];
        break;
      }
      case "number": {
        // the numeral at or after `at` (a dims token's first size, too)
        const i = toks.findIndex((t, k) => k >= at && isNumber(t));
        const k = i >= 0 ? i : toks.findIndex(isNumber);
        if (k >= 0) toks[k] = toks[k].replace(/^[0-9.]+(?:[eE][+-]?[0-9]+)?/, m.value);
        break;
      }
      case "keyword": {
        const i = toks.findIndex((t, k) => k >= at && isWord(t));
        if (i >= 0) toks[i] = m.value;
        break;
      }
      case "insert":
        toks.splice(at, 0, " ", m.value, " ");
        break;
    }
    toks = tokenize(toks.join("")); // keep slices token-sized after merges
  }
  return toks.join("");
}

const mutatedLibrary = fc
  .tuple(fc.integer({ min: 0, max: library.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([i, ms]) => ({ path: library[i].path, text: mutate(library[i].text, ms) }));

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

// ---- (c) valid small networks, generated from the grammar ------------------------------

type State = { kind: "image"; c: number; h: number; w: number } | { kind: "flat"; f: number };

interface Gen {
  lines: string[];
  params: number;
  state: State;
  nextName: number;
}

/** One random choice per step; each is rendered only where it keeps the network valid. */
type Step =
  | { op: "conv"; out: number; k: 1 | 3 | 5; stride: 1 | 2; pad: 0 | 1 | 2; bias: boolean; groups: 1 | 2; label: boolean; named: boolean }
  | { op: "pool"; max: boolean; k: 2 | 3; stride: 1 | 2 | 3 }
  | { op: "pointwise"; which: "relu" | "sigmoid" | "identity" | "dropout" | "batchnorm" | "silu" }
  | { op: "residual"; shortcut: boolean; out: number; stride: 1 | 2 }
  | { op: "concat"; a: number; b: number }
  | { op: "add"; a: number }
  | { op: "repeat"; n: number; conv: boolean; index: boolean }
  | { op: "let"; v: number }
  | { op: "if"; flag: boolean; a: number; b: number }
  | { op: "block"; out: number; stride: 1 | 2; keep: boolean }
  | { op: "flatten" }
  | { op: "global" }
  | { op: "adaptive"; s: number }
  | { op: "linear"; out: number; bias: boolean };

const small = fc.integer({ min: 1, max: 12 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("conv" as const), out: small, k: fc.constantFrom(1 as const, 3 as const, 5 as const), stride: fc.constantFrom(1 as const, 2 as const), pad: fc.constantFrom(0 as const, 1 as const, 2 as const), bias: fc.boolean(), groups: fc.constantFrom(1 as const, 2 as const), label: fc.boolean(), named: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("pool" as const), max: fc.boolean(), k: fc.constantFrom(2 as const, 3 as const), stride: fc.constantFrom(1 as const, 2 as const, 3 as const) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("pointwise" as const), which: fc.constantFrom("relu" as const, "sigmoid" as const, "identity" as const, "dropout" as const, "batchnorm" as const, "silu" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("residual" as const), shortcut: fc.boolean(), out: small, stride: fc.constantFrom(1 as const, 2 as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("concat" as const), a: small, b: small }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("add" as const), a: small }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("repeat" as const), n: fc.integer({ min: 0, max: 3 }), conv: fc.boolean(), index: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("let" as const), v: small }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("if" as const), flag: fc.boolean(), a: small, b: small }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("block" as const), out: small, stride: fc.constantFrom(1 as const, 2 as const), keep: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flatten" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("global" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("adaptive" as const), s: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("linear" as const), out: fc.integer({ min: 1, max: 40 }), bias: fc.boolean() }) },
);

const BLOCKS = `# blocks the generated networks call
block unit(out, stride = 1) {
  conv out, 3x3, stride = stride, pad = 1, bias = false
  batchnorm
  relu
}

block keep() {
  residual {
    conv in.channels, 3x3, pad = 1
    relu
  }
}
`;

const convOut = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;
const convParams = (cin: number, out: number, k: number, groups: number, bias: boolean) => out * (cin / groups) * k * k + (bias ? out : 0);
const bnParams = (c: number) => 2 * c;

function render(g: Gen, s: Step, indent = "  ") {
  const st = g.state;
  const emit = (l: string) => g.lines.push(indent + l);
  const label = () => `l${g.nextName++}: `;
  if (st.kind === "flat") {
    // only what works on features
    if (s.op === "linear") {
      emit(`linear ${s.out}${s.bias ? "" : ", bias = false"}`);
      g.params += s.out * st.f + (s.bias ? s.out : 0);
      g.state = { kind: "flat", f: s.out };
    } else if (s.op === "pointwise") {
      emit(s.which === "dropout" ? "dropout 0.25" : s.which);
      if (s.which === "batchnorm") g.params += bnParams(st.f);
    } else if (s.op === "let") {
      const v = `v${g.nextName++}`;
      emit(`let ${v} = ${s.v} * 2 - ${s.v}`);
      emit(`linear ${v}`);
      g.params += s.v * st.f + s.v;
      g.state = { kind: "flat", f: s.v };
    } else if (s.op === "flatten") emit("flatten");
    return;
  }
  const { c, h, w } = st;
  switch (s.op) {
    case "conv": {
      const groups = c % s.groups === 0 && s.out % s.groups === 0 ? s.groups : 1;
      const oh = convOut(h, s.k, s.stride, s.pad);
      const ow = convOut(w, s.k, s.stride, s.pad);
      if (oh < 1 || ow < 1) return emit("relu");
      const args = s.named
        ? `out = ${s.out}, kernel = ${s.k}x${s.k}, stride = ${s.stride}, pad = ${s.pad}`
        : `${s.out}, ${s.k}x${s.k}, stride = ${s.stride}, pad = ${s.pad}`;
      emit(`${s.label ? label() : ""}conv ${args}${groups > 1 ? `, groups = ${groups}` : ""}${s.bias ? "" : ", bias = false"}`);
      g.params += convParams(c, s.out, s.k, groups, s.bias);
      g.state = { kind: "image", c: s.out, h: oh, w: ow };
      return;
    }
    case "pool": {
      if (h < s.k || w < s.k) return emit("identity");
      emit(`${s.max ? "maxpool" : "avgpool"} ${s.k}x${s.k}, stride = ${s.stride}`);
      g.state = { kind: "image", c, h: convOut(h, s.k, s.stride, 0), w: convOut(w, s.k, s.stride, 0) };
      return;
    }
    case "pointwise":
      emit(s.which === "dropout" ? "dropout p = 0.1" : s.which);
      if (s.which === "batchnorm") g.params += bnParams(c);
      return;
    case "residual": {
      if (!s.shortcut) {
        emit("residual {");
        emit(`  conv ${c}, 3x3, pad = 1, bias = false`);
        emit("  batchnorm");
        emit("}");
        g.params += convParams(c, c, 3, 1, false) + bnParams(c);
        return;
      }
      const oh = convOut(h, 3, s.stride, 1);
      const ow = convOut(w, 3, s.stride, 1);
      emit("residual {");
      emit(`  conv ${s.out}, 3x3, stride = ${s.stride}, pad = 1`);
      emit("  relu");
      emit("} shortcut {");
      emit(`  conv ${s.out}, 1x1, stride = ${s.stride}`);
      emit("}");
      g.params += convParams(c, s.out, 3, 1, true) + convParams(c, s.out, 1, 1, true);
      g.state = { kind: "image", c: s.out, h: oh, w: ow };
      return;
    }
    case "concat":
      emit(`${label()}concat {`);
      emit(`  conv ${s.a}, 1x1`);
      emit(`  {`);
      emit(`    conv ${s.b}, 3x3, pad = 1`);
      emit(`    relu`);
      emit(`  }`);
      emit("}");
      g.params += convParams(c, s.a, 1, 1, true) + convParams(c, s.b, 3, 1, true);
      g.state = { kind: "image", c: s.a + s.b, h, w };
      return;
    case "add":
      emit("add {");
      emit(`  conv ${s.a}, 1x1`);
      emit(`  conv ${s.a}, 3x3, pad = 1`);
      emit("}");
      g.params += convParams(c, s.a, 1, 1, true) + convParams(c, s.a, 3, 1, true);
      g.state = { kind: "image", c: s.a, h, w };
      return;
    case "repeat":
      emit(`repeat ${s.n}${s.index ? " as i" : ""} {`);
      if (s.conv) {
        emit(`  conv ${c}, 3x3, pad = 1${s.index ? ", bias = i >= 0" : ""}`);
        g.params += s.n * convParams(c, c, 3, 1, true);
      }
      emit("  relu");
      emit("}");
      return;
    case "let": {
      const v = `v${g.nextName++}`;
      emit(`let ${v} = ${s.v} * 2 - ${s.v}`);
      emit(`conv ${v}, 1x1`);
      g.params += convParams(c, s.v, 1, 1, true);
      g.state = { kind: "image", c: s.v, h, w };
      return;
    }
    case "if": {
      const v = `f${g.nextName++}`;
      emit(`let ${v} = ${s.flag}`);
      emit(`if ${v} and in.channels > 0 {`);
      emit(`  conv ${s.a}, 1x1`);
      emit("} else {");
      emit(`  conv ${s.b}, 1x1, bias = false`);
      emit("}");
      g.params += s.flag ? convParams(c, s.a, 1, 1, true) : convParams(c, s.b, 1, 1, false);
      g.state = { kind: "image", c: s.flag ? s.a : s.b, h, w };
      return;
    }
    case "block":
      if (s.keep) {
        emit("keep()");
        g.params += convParams(c, c, 3, 1, true);
        return;
      }
      emit(`${label()}unit(${s.out}, stride = ${s.stride})`);
      g.params += convParams(c, s.out, 3, 1, false) + bnParams(s.out);
      g.state = { kind: "image", c: s.out, h: convOut(h, 3, s.stride, 1), w: convOut(w, 3, s.stride, 1) };
      return;
    case "flatten":
      emit("flatten");
      g.state = { kind: "flat", f: c * h * w };
      return;
    case "global":
      emit("globalavgpool");
      g.state = { kind: "image", c, h: 1, w: 1 };
      return;
    case "adaptive":
      emit(`adaptiveavgpool ${s.s}x${s.s}`);
      g.state = { kind: "image", c, h: s.s, w: s.s };
      return;
    case "linear": // on an image, linear acts on the last dimension
      emit(`linear ${s.out}`);
      g.params += s.out * w + s.out;
      g.state = { kind: "image", c, h, w: s.out };
      return;
  }
}

const validNetwork = fc
  .record({
    c: fc.integer({ min: 1, max: 6 }),
    h: fc.integer({ min: 1, max: 40 }),
    w: fc.integer({ min: 1, max: 40 }),
    steps: fc.array(step, { maxLength: 14 }),
    classes: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    blocks: fc.boolean(),
  })
  .map(({ c, h, w, steps, classes, blocks }) => {
    const g: Gen = { lines: [], params: 0, state: { kind: "image", c, h, w }, nextName: 0 };
    for (const s of steps) render(g, s);
    if (classes !== undefined) {
      if (g.state.kind === "image") render(g, { op: "flatten" });
      g.lines.push("  head logits {", "    linear classes", "  }");
      if (g.state.kind === "flat") g.params += classes * g.state.f + classes;
    }
    const usesBlocks = g.lines.some((l) => /\b(unit|keep)\(/.test(l));
    const text =
      (blocks || usesBlocks ? BLOCKS + "\n" : "") +
      `network generated(classes = ${classes ?? 10}) {\n  input ${c}x${h}x${w}\n${g.lines.join("\n")}\n}\n`;
    const out = classes !== undefined && g.state.kind === "flat" ? [classes] : g.state.kind === "flat" ? [g.state.f] : [g.state.c, g.state.h, g.state.w];
    return { text, params: g.params, out };
  });

describe("valid generated networks", () => {
  it("compile without diagnostics, with positive shapes and the expected parameter count", async () => {
    await fc.assert(
      fc.asyncProperty(validNetwork, async ({ text, params, out }) => {
        checkParse(text);
        const r = await checkCompile(FUZZ_FILE, text);
        expect(r.diagnostics, text).toEqual([]);
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
