// The compiler keeps nothing between compilations, so that a long-running process (a
// Prettier or editor server) does not grow with each file it compiles: no module-level
// mutable collection or variable in syntax/, grammar/ or compiler/, except constant
// tables and the parse cache's format hash (one string, computed once).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Sym, add, evaluate, floorDiv } from "../../compiler/symbolic.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CONSTANT_TABLES = new Set(["ops", "ELEMENTWISE", "KEYWORDS", "continuing", "continued"]);
const ALLOWED_LETS = new Set(["compiler/parse-cache.ts: format"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith(".ts") ? [p] : [];
  });
}

describe("module-level state", () => {
  it("syntax/, grammar/ and compiler/ keep none between compilations", () => {
    const found: string[] = [];
    for (const folder of ["syntax", "grammar", "compiler"])
      for (const file of files(join(ROOT, folder))) {
        const rel = relative(ROOT, file);
        for (const m of readFileSync(file, "utf8").matchAll(/^(?:export )?(const|let) (\w+)(?::[^=]+)? = (new (?:Map|Set|WeakMap|Array)\b)?/gm)) {
          if (m[1] === "let" && !ALLOWED_LETS.has(`${rel}: ${m[2]}`)) found.push(`${rel}: let ${m[2]}`);
          if (m[1] === "const" && m[3] && !CONSTANT_TABLES.has(m[2])) found.push(`${rel}: ${m[2]} = ${m[3]}`);
        }
      }
    expect(found).toEqual([]);
  });

  it("a symbolic size carries its own atoms: sizes from separate compilations still agree", () => {
    const h = Sym.variable("H");
    const a = floorDiv(add(h, 3), 4);
    const b = floorDiv(add(Sym.variable("H"), 3), 4);
    expect(String(a)).toBe("(H + 3)//4");
    expect(String(a)).toBe(String(b));
    expect(evaluate(floorDiv(add(a, 1), 2), { H: 224 })).toBe(Math.floor((Math.floor(227 / 4) + 1) / 2));
  });
});
