// Summaries: a torchinfo-like table (layer tree with depth, output shape, parameters,
// MACs; blocks collapse below a depth) with totals, and the same facts as JSON.
import { moduleTotals, outputOf, type Counts } from "./count.js";
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

export interface TableOptions {
  depth?: number; // rows below this depth are folded into their parent (default 3)
}

export function summaryTable(g: Graph, counts: Counts, opts: TableOptions = {}): string {
  const maxDepth = opts.depth ?? 3;
  const totals = moduleTotals(g);
  const shapeOf = (m: ModuleNode) => {
    const o = outputOf(m);
    const s = o === undefined ? null : g.nodes[o].shape;
    return s ? formatShape(s) : "?";
  };
  // Two walks, the first for the column widths: a million rows are never all kept as cells.
  const walk = (m: ModuleNode, depth: number, prefix: string, emit: (row: string[]) => void) => {
    m.children.forEach((c, i) => {
      const last = i === m.children.length - 1;
      const idx = `${depth}-${i + 1}`;
      const t = totals.get(c)!;
      emit([`${prefix}${last ? "└─" : "├─"}${pytorchName(c)}`, c.type, idx, shapeOf(c), fmtCount(t.params), fmtCount(t.macs)]);
      if (depth < maxDepth && c.kind !== "layer") walk(c, depth + 1, prefix + (last ? "  " : "│ "), emit);
    });
  };
  const header = ["Layer", "Type", "Depth-Idx", "Output shape", "Params", "MACs"];
  const widths = header.map((h) => h.length);
  walk(g.root, 1, "", (r) => r.forEach((c, i) => (widths[i] = Math.max(widths[i], c.length))));
  const right = new Set([4, 5]);
  const line = (r: string[]) =>
    r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const rows: string[] = [];
  walk(g.root, 1, "", (r) => rows.push(line(r)));
  const rule = "=".repeat(widths.reduce((a, b) => a + b + 2, -2));
  const ins = g.inputs.map((p) => `${p.name} ${formatShape(g.nodes[p.node].shape ?? [])}`).join(", ");
  const outs = g.outputs.map((p) => `${p.name} ${formatShape(g.nodes[p.node].shape ?? [])}`).join(", ");
  const macs = typeof counts.macs === "number" ? `${grouped(counts.macs)} (${humanUnits(counts.macs, "MACs")})` : String(counts.macs);
  const act = typeof counts.activations === "number" ? mib(counts.activations) : `${String(counts.activations)} values`;
  const lines = [
    rule,
    line(header),
    rule,
    ...rows,
    rule,
    `Network: ${g.network}    Input: ${ins}    Output: ${outs}`,
    `Trainable params: ${grouped(counts.params)}`,
    `Buffers: ${grouped(counts.buffers)} running statistics` + (counts.counters ? ` (+${counts.counters} batch counters)` : ""),
    `MACs: ${macs}`,
    `Params size: ${mib(counts.params + counts.buffers)}    Activations: ${act} (sum of layer outputs)` +
      (counts.peakActivations !== null ? `, peak ${mib(counts.peakActivations)}` : "") + " (float32, batch 1)",
    rule,
  ];
  return lines.join("\n");
}

/** A size: a number, or its formula (the factored text of compiler/factor.ts, Python syntax). */
const jsonDim = (d: Dim) => (typeof d === "number" ? d : String(d));
const jsonShape = (s: Shape | null) => (s ?? []).map(jsonDim);

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
  params: n.weights.reduce((s, w) => (w.kind === "parameter" ? s + w.shape.reduce((p, d) => p * d, 1) : s), 0),
  macs: jsonDim(n.macs),
});

/** A layer's entries of the JSON's tensors. */
export const jsonTensors = (n: IRNode) => n.weights.map((w) => ({ name: weightName(n, w), shape: w.shape, kind: w.kind }));
