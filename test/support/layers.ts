// The folder layering rule, as data and two checks (used by test/architecture/layers.test.ts).

/** The folders, bottom first: a folder may import from itself and from those before it. */
export const LAYERS = ["syntax", "grammar", "compiler", "runtime", "export", "tools", "web", "cli"];
/** Folders outside the product's layers, free to import any of them (never imported). */
const TOP = ["scripts", "bench", "test"];

export interface Edge {
  from: string;
  to: string;
  file: string;
  spec: string;
}

/** The module specifiers a source file imports: static, dynamic, re-exports, side effects. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const patterns = [/^\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/gm, /^\s*import\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.push(m[1]);
  return specs;
}

const rank = (folder: string) => (TOP.includes(folder) ? LAYERS.length : LAYERS.indexOf(folder));

/** Each import that points up the list (or into a folder the list does not know). */
export function layerViolations(edges: Edge[]): string[] {
  const bad: string[] = [];
  for (const e of edges) {
    if (e.from === e.to) continue;
    if (rank(e.to) < 0 || TOP.includes(e.to)) bad.push(`${e.file} imports ${e.spec} (${e.to}/ is not a layer)`);
    else if (rank(e.to) > rank(e.from)) bad.push(`${e.file} imports ${e.spec} (${e.to}/ is above ${e.from}/)`);
  }
  return bad;
}

/** A cycle among folders, as the path that closes it, or undefined. */
export function folderCycle(edges: Edge[]): string[] | undefined {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "open") return [...path.slice(path.indexOf(n)), n];
    if (state.get(n) === "done") return undefined;
    state.set(n, "open");
    path.push(n);
    for (const m of next.get(n) ?? []) {
      const found = visit(m);
      if (found) return found;
    }
    path.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const n of next.keys()) {
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}
