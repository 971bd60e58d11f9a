// A copy of a parsed expression with every span moved, without recursion (an expression
// may be a chain of 10,000 operands) and without JSON (which turns 1e309 into null).
import type { Span } from "../syntax/diagnostics.js";

export function relocate<T>(value: T, move: (s: Span) => Span): T {
  const root: { value: unknown } = { value: undefined };
  const stack: [unknown, Record<string | number, unknown>, string | number][] = [[value, root as Record<string, unknown>, "value"]];
  while (stack.length) {
    const [v, parent, key] = stack.pop()!;
    if (v === null || typeof v !== "object") {
      parent[key] = v;
      continue;
    }
    const copy = (Array.isArray(v) ? [] : {}) as Record<string | number, unknown>;
    parent[key] = copy;
    for (const [k, child] of Object.entries(v)) {
      if (k === "span" && child && typeof child === "object") copy[k] = move(child as Span);
      else stack.push([child, copy, Array.isArray(v) ? Number(k) : k]);
    }
  }
  return root.value as T;
}

class Text {
  constructor(readonly text: string) {}
}

/**
 * A canonical text of a tree of plain objects (JSON-like, with numbers as JavaScript
 * writes them, so 1e309 stays Infinity), without the keys `skip` names, and without
 * recursion: formatting compares two ASTs whose expressions may be 10,000 deep.
 */
export function serialize(value: unknown, skip: (key: string) => boolean = () => false): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Text) out.push(v.text);
    else if (v === null || typeof v !== "object") out.push(typeof v === "string" ? JSON.stringify(v) : String(v));
    else if (Array.isArray(v)) {
      stack.push(new Text("]"));
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i], ...(i > 0 ? [new Text(",")] : []));
      stack.push(new Text("["));
    } else {
      const entries = Object.entries(v).filter(([k, x]) => x !== undefined && !skip(k));
      stack.push(new Text("}"));
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i][1], new Text(`${i > 0 ? "," : ""}${JSON.stringify(entries[i][0])}:`));
      stack.push(new Text("{"));
    }
  }
  return out.join("");
}

/**
 * Whether two trees have the same `serialize` text, compared node by node instead of
 * written out: no strings, and it stops at the first difference (formatting a million
 * lines compared two 100 MB texts). Keys in the same order, undefined values and the
 * keys `skip` names left out, numbers equal as JavaScript writes them. `known` may
 * answer for a pair it knows to be the same (views of lines already compared).
 */
export function sameTree(a: unknown, b: unknown, skip: (key: string) => boolean = () => false, known?: (x: object, y: object) => boolean): boolean {
  const stack: unknown[] = [a, b];
  while (stack.length) {
    const y = stack.pop();
    const x = stack.pop();
    if (x === y) continue;
    if (x === null || y === null || typeof x !== "object" || typeof y !== "object") {
      if (typeof x === "number" && typeof y === "number" && String(x) === String(y)) continue; // NaN, and 0 and -0, as serialize writes them
      return false;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (known?.(x, y)) continue;
    if (Array.isArray(x)) {
      const ys = y as unknown[];
      if (x.length !== ys.length) return false;
      for (let i = x.length - 1; i >= 0; i--) stack.push(x[i], ys[i]);
      continue;
    }
    const ox = x as Record<string, unknown>;
    const oy = y as Record<string, unknown>;
    const kx = Object.keys(ox).filter((k) => ox[k] !== undefined && !skip(k));
    const ky = Object.keys(oy).filter((k) => oy[k] !== undefined && !skip(k));
    if (kx.length !== ky.length) return false;
    for (let i = kx.length - 1; i >= 0; i--) {
      if (kx[i] !== ky[i]) return false;
      stack.push(ox[kx[i]], oy[ky[i]]);
    }
  }
  return true;
}
