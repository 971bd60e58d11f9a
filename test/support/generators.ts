// Generators of .net text for property tests (fast-check), shared by
// test/property.test.ts and test/format-property.test.ts: random text over the
// language's alphabet, mutations of the library files, and valid small networks built
// from the grammar with their expected parameter count and output shape.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import fc from "fast-check";

export const NETWORKS = fileURLToPath(new URL("../../networks/", import.meta.url));

// ---- (a) random text over the language's alphabet ------------------------------------

export const KEYWORDS = [
  "block", "network", "let", "input", "import", "repeat", "as", "for", "in", "if", "else", "residual", "shortcut",
  "when", "concat", "add", "mul", "from", "head", "and", "or", "not", "true", "false",
];
export const LAYERS = [
  "conv", "linear", "relu", "maxpool", "avgpool", "flatten", "batchnorm", "dropout", "globalavgpool",
  "adaptiveavgpool", "reshape", "upsample", "pad", "softmax", "prelu", "groupnorm", "convtranspose",
  "channelshuffle", "identity", "sigmoid",
];
export const NAMES = ["x", "n", "out", "stride", "kernel", "classes", "H", "W", "channels", "b", "unit", "range", "len", "layers", "i", "_a1", "bias", "groups"];
const NUMBERS = ["0", "1", "2", "3", "7", "16", "64", "224", "1000", "1e9", "99999999999999999999", "0.5", "1.5e3", ".5", "2147483648", "00"];
const DIMS = ["3x3", "1x1", "7x7", "3x224x224", "3xHxW", "1x28x28", "0x0", "2x0x5", "64x1x1", "3x99999999999x99999999999"];
const PUNCT = ["{", "}", "(", ")", "[", "]", ",", ":", ".", "=", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "//", "/", "%", ";"];
const STRINGS = ['"same"', '"valid"', '"x"', '"lenet5"', '"./nonexistent.net"', '"unterminated'];
const ODD = ["@", "$", "é", "\t", "\r\n", "!", "\\", "`", "\u0000", "😀"];

export const token = fc.oneof(
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

export const arbitraryText = fc.oneof(tokenSoup, shapedSoup, fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 40 }));

// ---- (b) mutations of the library files ---------------------------------------------

export const libraryFiles = readdirSync(NETWORKS)
  .filter((f) => f.endsWith(".net"))
  .sort()
  .map((f) => ({ path: join(NETWORKS, f), text: readFileSync(join(NETWORKS, f), "utf8") }));
export const networksOf = (text: string) => [...text.matchAll(/^\s*network\s+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]);
/** The files that declare a network (files of blocks only are there to be imported). */
export const library = libraryFiles.filter((f) => networksOf(f.text).length > 0);

const TOKEN_RE = /\s+|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|[0-9]+(?:x[0-9A-Za-z_]+)+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|\/\/|==|!=|<=|>=|[\s\S]/g;
export const tokenize = (text: string) => text.match(TOKEN_RE) ?? [];
const isNumber = (t: string) => /^[0-9]/.test(t) || /^\.[0-9]/.test(t);
const isWord = (t: string) => /^[A-Za-z_]/.test(t);
const HUGE = ["0", "-1", "1e9", "99999999999999999999", "1e308", "2147483648", "0.5", "1e-9"];

export type Mutation =
  | { kind: "delete" | "duplicate"; at: number; len: number }
  | { kind: "swap"; at: number; other: number }
  | { kind: "number"; at: number; value: string }
  | { kind: "keyword"; at: number; value: string }
  | { kind: "insert"; at: number; value: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant("number" as const), at: fc.nat(), value: fc.constantFrom(...HUGE) }),
  fc.record({ kind: fc.constant("keyword" as const), at: fc.nat(), value: fc.constantFrom(...KEYWORDS, ...LAYERS, ...NAMES) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: token }),
);

export function mutate(text: string, ms: Mutation[]): string {
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

export const mutatedLibrary = fc
  .tuple(fc.integer({ min: 0, max: library.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([i, ms]) => ({ path: library[i].path, text: mutate(library[i].text, ms) }));

// ---- (c) valid small networks: valid-networks.ts ------------------------------------
export { BLOCKS, step, validNetwork, type Step } from "./valid-networks.js";
