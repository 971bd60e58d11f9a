// The folders form layers: each imports only from the folders below it in this list,
// so that there is no folder cycle and a reader can learn the code from the bottom up
// (docs/architecture.md). Every import of every source file is checked, static or
// dynamic, type-only included.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { folderCycle, importsOf, layerViolations, LAYERS } from "../support/layers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|mjs)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Every import between two top-level folders: [from folder, to folder, file, spec]. */
function folderImports(): { from: string; to: string; file: string; spec: string }[] {
  const edges: { from: string; to: string; file: string; spec: string }[] = [];
  const folders = readdirSync(ROOT).filter((f) => LAYERS.includes(f) || f === "scripts");
  for (const folder of folders) {
    for (const file of sourceFiles(join(ROOT, folder))) {
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        if (!spec.startsWith(".")) continue;
        // a script that imports the build (dist/compiler/...) imports that folder
        const target = relative(ROOT, resolve(dirname(file), spec)).replace(/^dist[\\/]/, "").split(/[\\/]/)[0];
        edges.push({ from: folder, to: target, file: relative(ROOT, file), spec });
      }
    }
  }
  return edges;
}

describe("folder layers", () => {
  const edges = folderImports();

  it("finds the imports it checks", () => {
    // grammar/ reads the AST from syntax/, the runtime reads the graph IR from compiler/
    expect(edges.some((e) => e.from === "grammar" && e.to === "syntax")).toBe(true);
    expect(edges.some((e) => e.from === "runtime" && e.to === "compiler")).toBe(true);
    expect(edges.some((e) => e.from === "cli" && e.spec.includes("runtime/index.js"))).toBe(true); // dynamic import
  });

  it("imports only downward: syntax, grammar, compiler, runtime, export, tools, web, cli", () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it("has no folder cycle", () => {
    expect(folderCycle(edges.filter((e) => e.from !== e.to))).toBeUndefined();
  });

  it("the checks fail on a cycle and on an upward import", () => {
    const cyclic = [
      { from: "grammar", to: "compiler", file: "grammar/x.ts", spec: "../compiler/ast.js" },
      { from: "compiler", to: "grammar", file: "compiler/y.ts", spec: "../grammar/index.js" },
    ];
    expect(folderCycle(cyclic)).toEqual(["grammar", "compiler", "grammar"]);
    expect(layerViolations(cyclic)).toEqual(["grammar/x.ts imports ../compiler/ast.js (compiler/ is above grammar/)"]);
    expect(importsOf(`import type { A } from "./a.js";\nexport { b } from './b.js';\nconst c = await import("./c.js");\nimport "./d.js";`).sort()).toEqual([
      "./a.js",
      "./b.js",
      "./c.js",
      "./d.js",
    ]);
  });
});
