// Summaries: a torchinfo-like table (layer tree with depth, output shape, parameters,
// MACs; blocks collapse below a depth) with totals, and the same facts as JSON.
import { moduleTotals, nodeParams, outputOf, type Counts } from "./count.js";
import type { Graph, IRNode, ModuleNode } from "./ir.js";
import { weightName } from "./ir.js";
import { formatDim, names, type Dim } from "./symbolic.js";
import { formatShape, type Shape } from "./values.js";

/** Digits grouped by commas, as toLocaleString("en-US") writes them (which is slow, a million times). */
const grouped = (n: number) => (Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, ",") : n.toLocaleString("en-US"));
/** A count for the table: grouped digits; a symbolic one as its formula when short, else what it depends on. */
const fmtCount = (d: Dim) => {
  if (typeof d === "number") return d === 0 ? "--" : grouped(d);
  const s = formatDim(d);
  return s.length <= 32 ? s : `f(${names(d).join(", ")})`;
};

function humanUnits(n: number, unit: string): string {
  const units = ["", "K", "M", "G", "T"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) [v, i] = [v / 1000, i + 1];
  return `${v.toFixed(i ? 2 : 0)} ${units[i]}${unit}`;
}
const mib = (values: number) => `${((values * 4) / 2 ** 20).toFixed(2)} MiB`;


/** A module's name as PyTorch's named_children gives it (features.0 is `0`), as in the JSON. */
const pytorchName = (m: ModuleNode) => m.name.slice(m.name.lastIndexOf(".") + 1) || m.label;
const pytorchNameLength = (m: ModuleNode) => m.name.length - m.name.lastIndexOf(".") - 1 || m.label.length;

export interface TableOptions {
  depth?: number; // rows below this depth are folded into their parent (default 3)
}

export function summaryTable(g: Graph, counts: Counts, opts: TableOptions = {}): string {
  return [...summaryTablePieces(g, counts, opts)].join("").slice(0, -1);
}

/**
 * The table in pieces of up to `batch` rows, each ending its lines: a million rows are
 * never one string. 200 rows (about 40 KB) stay below V8's large-object size, so each
 * piece dies young instead of being mapped and unmapped (2,000: 0.3 s more a million).
 */
export function* summaryTablePieces(g: Graph, counts: Counts, opts: TableOptions = {}, batch = 200): Generator<string> {
  const maxDepth = opts.depth ?? 3;
  const totals = moduleTotals(g);
  // Cells written once per value: layers that repeat share one shape object and counts.
  const shapes = new Map<Shape, string>();
  const shapeOf = (m: ModuleNode) => {
    const o = outputOf(m);
    const s = o === undefined ? null : g.nodes[o].shape;
    if (!s) return "?";
    let text = shapes.get(s);
    if (text === undefined) shapes.set(s, (text = formatShape(s)));
    return text;
  };
  const countTexts = new Map<Dim, string>();
  const countText = (d: Dim) => {
    let text = countTexts.get(d);
    if (text === undefined) {
      text = fmtCount(d);
      if (countTexts.size < 100_000) countTexts.set(d, text);
    }
    return text;
  };
  // Two walks, the first measuring the column widths only, the second writing rows: a
  // million rows are never all kept, and no row is built twice (a million-row table's
  // walks took 2.0 s of its 13, building cells they then dropped).
  const header = ["Layer", "Type", "Depth-Idx", "Output shape", "Params", "MACs"];
  const widths = header.map((h) => h.length);
  const widen = (k: number, w: number) => {
    if (w > widths[k]) widths[k] = w;
  };
  const digits = (n: number) => (n < 10 ? 1 : n < 100 ? 2 : String(n).length);
  function measure(m: ModuleNode, depth: number, indent: number) {
    const n = m.children.length;
    const depthDigits = digits(depth);
    for (let i = 0; i < n; i++) {
      const c = m.children[i];
      widen(0, indent + 2 + pytorchNameLength(c));
      widen(1, c.type.length);
      widen(2, depthDigits + 1 + digits(i + 1));
      widen(3, shapeOf(c).length);
      widen(4, countText(totals.params(c)).length);
      widen(5, countText(totals.macs(c)).length);
      if (depth < maxDepth && c.kind !== "layer") measure(c, depth + 1, indent + 2);
    }
  }
  measure(g.root, 1, 0);
  const line = (r: string[]) =>
    r.map((c, i) => (i >= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const [w0, w1, w2, w3, w4, w5] = widths;
  function* rowsOf(m: ModuleNode, depth: number, prefix: string): Generator<string> {
    const n = m.children.length;
    for (let i = 0; i < n; i++) {
      const c = m.children[i];
      const last = i === n - 1;
      const row = `${`${prefix}${last ? "└─" : "├─"}${pytorchName(c)}`.padEnd(w0)}  ${c.type.padEnd(w1)}  ${`${depth}-${i + 1}`.padEnd(w2)}  ${shapeOf(c).padEnd(w3)}  ${countText(totals.params(c)).padStart(w4)}  ${countText(totals.macs(c)).padStart(w5)}`;
      yield row;
      if (depth < maxDepth && c.kind !== "layer") yield* rowsOf(c, depth + 1, prefix + (last ? "  " : "│ "));
    }
  }
  const rule = "=".repeat(widths.reduce((a, b) => a + b + 2, -2));
  yield `${rule}\n${line(header)}\n${rule}\n`;
  let rows = "";
  let count = 0;
  for (const r of rowsOf(g.root, 1, "")) {
    rows += `${r}\n`;
    if (++count === batch) {
      yield rows;
      [rows, count] = ["", 0];
    }
  }
  if (rows) yield rows;
  const ins = g.inputs.map((p) => `${p.name} ${formatShape(g.nodes[p.node].shape ?? [])}`).join(", ");
  const outs = g.outputs.map((p) => `${p.name} ${formatShape(g.nodes[p.node].shape ?? [])}`).join(", ");
  const macs = typeof counts.macs === "number" ? `${grouped(counts.macs)} (${humanUnits(counts.macs, "MACs")})` : String(counts.macs);
  const act = typeof counts.activations === "number" ? mib(counts.activations) : `${String(counts.activations)} values`;
  const footer = [
    rule,
    `Network: ${g.network}    Input: ${ins}    Output: ${outs}`,
    `Trainable params: ${grouped(counts.params)}`,
    `Buffers: ${grouped(counts.buffers)} running statistics` + (counts.counters ? ` (+${counts.counters} batch counters)` : ""),
    `MACs: ${macs}`,
    `Params size: ${mib(counts.params + counts.buffers)}    Activations: ${act} (sum of layer outputs)` +
      (counts.peakActivations !== null ? `, peak ${mib(counts.peakActivations)}` : "") + " (float32, batch 1)",
    rule,
  ];
  yield `${footer.join("\n")}\n`;
}

/** A size: a number, or its formula (the factored text of compiler/factor.ts, Python syntax). */
export const jsonDim = (d: Dim) => (typeof d === "number" ? d : String(d));
export const jsonShape = (s: Shape | null) => (s ?? []).map(jsonDim);

export function summaryJson(g: Graph, counts: Counts) {
  return {
    network: g.network,
    inputs: g.inputs.map((p) => ({ name: p.name, shape: jsonShape(g.nodes[p.node].shape) })),
    outputs: g.outputs.map((p) => ({ name: p.name, shape: jsonShape(g.nodes[p.node].shape) })),
    params: counts.params,
    buffers: counts.buffers,
    bufferCounters: counts.counters,
    macs: jsonDim(counts.macs),
    activations: jsonDim(counts.activations),
    peakActivations: counts.peakActivations,
    layers: g.nodes.filter((n) => n.op !== "input").map(jsonLayer),
    tensors: g.nodes.flatMap(jsonTensors),
  };
}

/** One entry of the JSON's layers (see summary-stream.ts, which writes them one by one). */
export const jsonLayer = (n: IRNode) => ({
  name: n.name,
  op: n.op,
  outputShape: jsonShape(n.shape),
  params: nodeParams(n),
  macs: jsonDim(n.macs),
});

/** A layer's entries of the JSON's tensors. */
export const jsonTensors = (n: IRNode) => n.weights.map((w) => ({ name: weightName(n, w), shape: w.shape, kind: w.kind }));
