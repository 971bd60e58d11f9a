// The grammar-mutation fuzzer: seeded mutants of the library's .net files and of the
// inputs that broke netc before (strings with raw tabs and bad escapes, 1e309 in label
// templates, 10,000-term sums, runs of blank and comment lines), each checked for the
// properties every input must keep: parsing, formatting and compiling never throw,
// every diagnostic lies inside its file, no diagnostic is an internal error, and the
// formatter's output formats to itself. `npm test` runs a few thousand; `npm run fuzz`
// runs as many as asked (scripts/fuzz.ts), in worker processes with a hang watchdog.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../compiler/compile.js";
import type { Diagnostic } from "../syntax/diagnostics.js";
import { formatText } from "../grammar/format.js";
import { parse } from "../grammar/index.js";

/** A small, fast, seeded generator (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}
export type Rng = ReturnType<typeof rng>;

const root = (() => {
  let dir = fileURLToPath(new URL(".", import.meta.url));
  for (let i = 0; i < 3 && !readdirSync(dir).includes("networks"); i++) dir = join(dir, "..");
  return dir;
})();

/** The seeds: every library file and the examples, by path (imports resolve beside them). */
export function seeds(): { file: string; text: string }[] {
  const files = [
    ...readdirSync(join(root, "networks")).filter((f) => f.endsWith(".net")).map((f) => join(root, "networks", f)),
    join(root, "examples", "tiny-resnet.net"),
  ];
  return files.map((file) => ({ file, text: readFileSync(file, "utf8") }));
}

/** Snippets that broke netc once, or are likely to break a parser. */
const NASTY = [
  '"', "\t", '"\t"', '"\\u12"', '"\\q"', '"\\', "\\", '"c{1 + 1e309}": ', '"{', '"a{}b": ', '"{in.channels}": ', "1e309", "-1e309", "1e-400",
  "0", "-1", "2147483648", "9007199254740993", "0.5", "3x0", "0x3", "1x1x1x1x1", "{", "}", "(", ")", "[", "]", ",", ":", ";", ".", "\n",
  "\n\n\n", "#", "# comment\n", "\r\n", " ", "=", "==", "+", "-", "*", "//", "/", "%", "not ", " and ", " or ", " if ", " else ",
  "in", "in.channels", "in.height", "repeat 3 ", "for i in range(3) ", "residual ", " shortcut ", "concat ", "add ", "mul ", "from ",
  "head ", "let x = ", "input ", "block ", "network ", "import ", '"common"', '"missing.net"', "conv ", "linear ", "relu", "x", "_",
  "é", "\u00a0", "\u2028", "\u0000", "😀", "1+1+1+1+1+1+1+1+1+1", "[[[[", "]]]]", "((((", "))))", "{{{{", "}}}}",
];

/** One mutant of `text`: one to four edits, some of them structural. */
export function mutate(text: string, r: Rng): string {
  let t = text;
  const edits = 1 + r.int(4);
  for (let e = 0; e < edits; e++) {
    const at = r.int(t.length + 1);
    switch (r.int(9)) {
      case 0: // delete a span
        t = t.slice(0, at) + t.slice(at + 1 + r.int(20));
        break;
      case 1: // duplicate a span
        t = t.slice(0, at) + t.slice(at, at + 1 + r.int(40)) + t.slice(at);
        break;
      case 2:
      case 3: // insert a nasty snippet
        t = t.slice(0, at) + r.pick(NASTY) + t.slice(at);
        break;
      case 4: {
        // replace a number
        const nums = [...t.matchAll(/\b\d+\b/g)];
        if (nums.length) {
          const m = r.pick(nums);
          t = t.slice(0, m.index) + r.pick(["0", "1", "-1", "1e309", "65536", "2147483647", "0.5", "3", "1e-9"]) + t.slice(m.index! + m[0].length);
        }
        break;
      }
      case 5: {
        // swap two lines
        const lines = t.split("\n");
        const [i, j] = [r.int(lines.length), r.int(lines.length)];
        [lines[i], lines[j]] = [lines[j], lines[i]];
        t = lines.join("\n");
        break;
      }
      case 6: {
        // repeat a line
        const lines = t.split("\n");
        const i = r.int(lines.length);
        lines.splice(i, 0, ...Array<string>(1 + r.int(60)).fill(lines[i]));
        t = lines.join("\n");
        break;
      }
      case 7: // truncate
        t = t.slice(0, at);
        break;
      default: {
        // a long run: blank lines, comment lines or a sum
        const run = r.pick(["\n".repeat(200 + r.int(2000)), "# c\n".repeat(200 + r.int(2000)), Array(100 + r.int(3000)).fill("1").join(" + ")]);
        t = t.slice(0, at) + run + t.slice(at);
      }
    }
  }
  return t;
}

/** What went wrong with a mutant, or undefined: the properties every input keeps. */
export async function check(text: string, file: string, opts: { compile?: boolean } = {}): Promise<string | undefined> {
  const where = (diags: Diagnostic[], sources: (f: string) => string | undefined) => {
    for (const d of diags) {
      if (d.code === "E0901") return `internal error diagnostic: ${d.message}`;
      for (const l of d.labels) {
        const src = sources(l.span.file);
        if (src === undefined) return `a label in a file with no source: ${JSON.stringify(d)}`;
        if (!(Number.isInteger(l.span.start) && 0 <= l.span.start && l.span.start <= l.span.end && l.span.end <= src.length))
          return `a label outside its file: ${JSON.stringify(d)}`;
      }
    }
    return undefined;
  };
  try {
    const parsed = parse(text, file);
    const bad = where(parsed.diagnostics, (f) => (f === file ? text : undefined));
    if (bad) return `parse: ${bad}`;
    if (parsed.program) {
      const f1 = formatText(text, file);
      if (f1.formatted === undefined) return `fmt refused a file that parses: ${f1.diagnostics.map((d) => d.message).join("; ")}`;
      const f2 = formatText(f1.formatted, file);
      if (f2.formatted !== f1.formatted) return "fmt is not idempotent";
    }
    if (opts.compile) {
      const c = await compileFile(file, { text });
      const bad2 = where(c.diagnostics, (f) => c.sources.get(f)?.text);
      if (bad2) return `compile: ${bad2}`;
    }
  } catch (e) {
    return `threw: ${(e as Error).stack ?? String(e)}`;
  }
  return undefined;
}

/** Mutant `i` of a run seeded with `seed`: which seed file, and its text. */
export function mutant(all: { file: string; text: string }[], seed: number, i: number) {
  const r = rng(seed * 1_000_003 + i);
  const s = r.pick(all);
  return { file: s.file, text: mutate(s.text, r) };
}
