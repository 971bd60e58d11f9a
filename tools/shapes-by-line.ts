// What each line of a file gives in a compiled network: the output shape, parameters
// and MACs of the statement that ends on that line, once for each time the network
// runs it (a block's line runs once per use of the block; a repeat's, once per turn).
// `netc annotate` prints these in a column; the language server shows them as inlay
// hints and hovers.
import { moduleTotals, outputOf } from "../compiler/count.js";
import type { Graph, ModuleNode } from "../compiler/ir.js";
import type { Dim } from "../compiler/symbolic.js";
import { formatShape } from "../compiler/values.js";
import type { Span } from "../syntax/diagnostics.js";
import type { SourceFile } from "../syntax/source.js";

/** One run of a statement: the module it made, and what it gives. */
export interface Use {
  name: string; // the module's dotted name, "" for the network
  type: string; // op, block or construct
  shape: string; // the output shape, "?" when unknown
  params: number;
  macs: Dim;
}

/** A statement's uses, by its span. */
export interface StatementUses {
  span: Span;
  uses: Use[];
}

const key = (s: Span) => `${s.start}:${s.end}`;


/** Every statement of `file` the network ran, with its uses in execution order. */
export function usesByStatement(g: Graph, file: string): StatementUses[] {
  const totals = moduleTotals(g);
  const found = new Map<string, StatementUses>();
  const shapeOf = (m: ModuleNode) => {
    if (m === g.root) return g.outputs.map((o) => formatShape(g.nodes[o.node].shape ?? [])).join(", ") || "?";
    const o = outputOf(m);
    const s = o === undefined ? null : g.nodes[o].shape;
    return s ? formatShape(s) : "?";
  };
  const visit = (m: ModuleNode, parent?: ModuleNode) => {
    // a labelled residual is a group and its merge, with one span: one use
    const twin = parent && parent.span.start === m.span.start && parent.span.end === m.span.end && parent.span.file === m.span.file;
    if (m.span.file === file && !twin) {
      const k = key(m.span);
      let entry = found.get(k);
      if (!entry) found.set(k, (entry = { span: m.span, uses: [] }));
      const t = totals.get(m)!;
      entry.uses.push({ name: m.name, type: m.type, shape: shapeOf(m), params: t.params, macs: t.macs });
    }
    for (const c of m.children) visit(c, m);
  };
  visit(g.root);
  return [...found.values()];
}

/**
 * Line (1-based) → the uses of the statement that gives that line's output: among the
 * statements ending on the line, the one ending last, the outermost of equals (so that
 * `stage1: { unit(16); unit(16) }` shows the group, and `residual { … }` its closing line).
 */
export function usesByLine(statements: StatementUses[], source: SourceFile): Map<number, StatementUses> {
  const out = new Map<number, StatementUses>();
  for (const st of statements) {
    const line = source.position(Math.max(st.span.start, st.span.end - 1)).line;
    const prior = out.get(line);
    if (!prior || st.span.end > prior.span.end || (st.span.end === prior.span.end && st.span.start < prior.span.start)) out.set(line, st);
  }
  return out;
}

/** The innermost statement whose span holds `offset`. */
export function statementAt(statements: StatementUses[], offset: number): StatementUses | undefined {
  let best: StatementUses | undefined;
  for (const st of statements)
    if (st.span.start <= offset && offset <= st.span.end && (!best || st.span.end - st.span.start < best.span.end - best.span.start)) best = st;
  return best;
}

/** A parameter count as the summary prints it: grouped digits, "--" for none. */
export const formatCount = (n: number) => (n === 0 ? "--" : n.toLocaleString("en-US"));

/**
 * A line's uses in a few words: the shape when every use gives the same one
 * (`16x32x32 ×2` when it runs twice), else each distinct shape with its count (and,
 * `withParams`, each distinct shape and parameter count).
 */
export function describeUses(uses: Use[], withParams: boolean): { shape: string; params: string } {
  const groups = new Map<string, { shape: string; params: number; n: number }>();
  for (const u of uses) {
    const k = withParams ? `${u.shape}\0${u.params}` : u.shape;
    const g = groups.get(k);
    if (g) g.n++;
    else groups.set(k, { shape: u.shape, params: u.params, n: 1 });
  }
  const list = [...groups.values()];
  const times = (n: number) => (n > 1 ? ` ×${n}` : "");
  if (list.length === 1) return { shape: list[0].shape + times(list[0].n), params: formatCount(list[0].params) };
  const shown = list.slice(0, 3);
  const more = list.length > shown.length ? `, … (${list.length} kinds)` : "";
  if (!withParams || new Set(list.map((g) => g.params)).size === 1)
    return { shape: shown.map((g) => g.shape + times(g.n)).join(", ") + more, params: formatCount(list[0].params) };
  return { shape: shown.map((g) => `${g.shape} (${formatCount(g.params)})${times(g.n)}`).join(", ") + more, params: "" };
}
