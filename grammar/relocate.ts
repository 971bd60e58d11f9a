// A copy of a parsed expression with every span moved, without recursion (an expression
// may be a chain of 10,000 operands) and without JSON (which turns 1e309 into null).
import type { Span } from "../compiler/diagnostics.js";

export function relocate<T>(value: T, move: (s: Span) => Span): T {
  const root: { value: unknown } = { value: undefined };
  const stack: [unknown, Record<string | number, unknown>, string | number][] = [[value, root as Record<string, unknown>, "value"]];
  while (stack.length) {
    const [v, parent, key] = stack.pop()!;
    if (v === null || typeof v !== "object") {
      parent[key] = v;
      continue;
    }
    const copy: Record<string | number, unknown> = Array.isArray(v) ? [] : {};
    parent[key] = copy;
    for (const [k, child] of Object.entries(v)) {
      if (k === "span" && child && typeof child === "object") copy[k] = move(child as Span);
      else stack.push([child, copy, Array.isArray(v) ? Number(k) : k]);
    }
  }
  return root.value as T;
}
