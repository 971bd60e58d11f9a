// The drawing model as Graphviz DOT: boxes coloured by kind, with the module's label,
// type, output shape and parameters; clusters for blocks; edges labelled with shapes.
// Pure text: Graphviz (tools/draw/layout.ts, or the `dot` program) lays it out.
import { columns, executionOrder } from "./columns.js";
import type { DrawCluster, DrawKind, DrawModel, DrawNode } from "./model.js";

/** Fill and border colour of each kind of box (a light fill keeps black text readable). */
export const COLOURS: Record<DrawKind, { fill: string; border: string }> = {
  input: { fill: "#ffffff", border: "#222222" },
  output: { fill: "#ffffff", border: "#222222" },
  conv: { fill: "#cfe2f3", border: "#3d85c6" },
  linear: { fill: "#f4cccc", border: "#cc0000" },
  norm: { fill: "#d9ead3", border: "#6aa84f" },
  activation: { fill: "#fce5cd", border: "#e69138" },
  pool: { fill: "#d9d2e9", border: "#674ea7" },
  merge: { fill: "#fff2cc", border: "#bf9000" },
  shape: { fill: "#eeeeee", border: "#888888" },
  regularize: { fill: "#eeeeee", border: "#888888" },
  other: { fill: "#eeeeee", border: "#888888" },
  block: { fill: "#d0e0e3", border: "#45818e" },
};

/** The font the layout measures with and the picture names; DejaVu Sans renders the PNG. */
export const FONT = "DejaVu Sans";

const grouped = (n: number) => n.toLocaleString("en-US");

/** `"text"` quoted for DOT. */
export const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
/** Text escaped for a DOT HTML-like label. */
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A box's lines: label, type and arguments, output shape, parameters. */
export function nodeLines(n: DrawNode): string[] {
  const lines = [n.label];
  const type = n.kind === "output" ? "" : n.label === n.type ? n.detail : `${n.type}${n.detail ? ` ${n.detail}` : ""}`;
  if (type) lines.push(type);
  lines.push(n.shape);
  if (n.params) lines.push(`${grouped(n.params)} params`);
  return lines;
}

function nodeStatement(n: DrawNode): string {
  const [first, ...rest] = nodeLines(n).map(html);
  const label = `<<B>${first}</B>${rest.map((l, i) => `<BR/>${i === rest.length - 1 && n.params ? `<FONT POINT-SIZE="9">${l}</FONT>` : l}`).join("")}>`;
  const c = COLOURS[n.kind];
  const tooltip = [n.name || n.label, `${n.type}${n.detail ? ` ${n.detail}` : ""}`, `output ${n.shape}`, `params ${grouped(n.params)}`, `MACs ${n.macs}`].join("\n");
  const style = n.kind === "input" || n.kind === "output" ? "rounded,filled,bold" : n.kind === "block" ? "filled" : "rounded,filled";
  return `${quote(n.id)} [label=${label}, fillcolor=${quote(c.fill)}, color=${quote(c.border)}, style=${quote(style)}, tooltip=${quote(tooltip)}, class=${quote(`netc_${n.kind}`)}]`;
}

const clusterLabel = (c: DrawCluster) => `${c.name || c.label} · ${c.type}${c.params ? ` · ${grouped(c.params)} params` : ""}`;

export interface DotOptions {
  wrap?: number; // ranks per column before a long network wraps into columns (default 20; 0: never)
  maxBoxes?: number; // more boxes than this is refused, not laid out for minutes (default 3000)
}

/** A picture too big to lay out in reasonable time: the message says to fold blocks. */
export class DrawLimitError extends Error {}

/** The DOT text of a drawing model. */
export function toDot(model: DrawModel, opts: DotOptions = {}): string {
  const max = opts.maxBoxes ?? 3000;
  if (model.nodes.length > max) {
    throw new DrawLimitError(`${model.nodes.length.toLocaleString("en-US")} boxes at depth ${model.depth} are more than ${max} to lay out: fold blocks with a smaller --depth`);
  }
  const out: string[] = [];
  out.push(`digraph ${quote(model.network)} {`);
  out.push(`  graph [rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.3, fontname=${quote(FONT)}, fontsize=11, labeljust=l, tooltip=${quote(model.network)}]`);
  out.push(`  node [shape=box, fontname=${quote(FONT)}, fontsize=10, margin="0.12,0.05", penwidth=1.2]`);
  out.push(`  edge [fontname=${quote(FONT)}, fontsize=8, fontcolor="#444444", color="#666666", arrowsize=0.6]`);
  const children = new Map<string | null, DrawCluster[]>();
  for (const c of model.clusters) children.set(c.parent, [...(children.get(c.parent) ?? []), c]);
  const members = new Map<string | null, DrawNode[]>();
  for (const n of model.nodes) members.set(n.cluster, [...(members.get(n.cluster) ?? []), n]);
  const parentOf = new Map(model.clusters.map((c) => [c.id, c.parent]));
  const wrap = opts.wrap ?? 20;
  const cols = wrap > 0 ? columns(model, wrap) : columns(model, Infinity);
  const shade = ["#f7f7f7", "#ececec", "#e0e0e0"];
  // Boxes and clusters in execution order: Graphviz orders a rank by first appearance.
  const order = executionOrder(model);
  const first = new Map<string, number>();
  for (const n of model.nodes) {
    const at = order.get(n.id)!;
    for (let c: string | null = n.cluster; c !== null; c = parentOf.get(c) ?? null) first.set(c, Math.min(first.get(c) ?? Infinity, at));
  }
  const emit = (cluster: string | null, indent: string, level: number) => {
    const entries: [number, () => void, number | undefined][] = [];
    for (const n of members.get(cluster) ?? []) entries.push([order.get(n.id)!, () => out.push(`${indent}${nodeStatement(n)}`), cols.columnOfItem.get(n.id)]);
    for (const c of children.get(cluster) ?? []) {
      entries.push([first.get(c.id) ?? Infinity, () => {
        out.push(`${indent}subgraph ${quote(c.id)} {`);
        out.push(`${indent}  label=${quote(clusterLabel(c))}; tooltip=${quote(c.name)}; class="netc_cluster"`);
        out.push(`${indent}  style="rounded,filled"; fillcolor=${quote(shade[level % shade.length])}; color="#999999"`);
        emit(c.id, `${indent}  `, level + 1);
        out.push(`${indent}}`);
      }, cols.columnOfItem.get(c.id)]);
    }
    let open: number | undefined; // a wrapped network's column: an invisible cluster
    for (const [, write, column] of entries.sort((a, b) => a[0] - b[0])) {
      if (column !== open && open !== undefined) out.push(`${indent}}`);
      if (column !== open && column !== undefined) out.push(`${indent}subgraph "cluster_column_${column}" { label=""; style=invis`);
      open = column;
      write();
    }
    if (open !== undefined) out.push(`${indent}}`);
  };
  emit(null, "  ", 0);
  if (cols.heads.length) { // one rank, left to right in order (invisible edges order a rank)
    out.push(`  { rank=same; ${cols.heads.map(quote).join("; ")} }`);
    out.push(`  ${cols.heads.map(quote).join(" -> ")} [style=invis]`);
  }
  model.edges.forEach((e, i) => {
    const loose = cols.loose.has(i) ? ", constraint=false" : "";
    out.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(` ${e.shape}`)}${loose}]`);
  });
  out.push("}");
  return out.join("\n") + "\n";
}
