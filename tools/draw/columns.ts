// Long networks wrap into columns, as text wraps into lines: a chain of 100 layers drawn
// top to bottom is a strip no screen shows whole. The items (boxes and clusters) of the
// cluster that holds most of the network are cut, in execution order, into columns of
// about `maxRanks` ranks; the first box of each column is aligned with the first of the
// first column, and the edges from one column to a later one stop constraining ranks.
import type { DrawModel } from "./model.js";

export interface Columns {
  heads: string[]; // the first box of each column, drawn on one rank (empty: no wrapping)
  columnOfItem: Map<string, number>; // a box's or cluster's column, for the container's direct items
  loose: Set<number>; // indices of model.edges that cross from one column to another
}

/** Each box's place in execution order: its first layer; an output's, just after its tensor. */
export function executionOrder(model: DrawModel): Map<string, number> {
  const order = new Map(model.nodes.map((n) => [n.id, n.layers.length ? Math.min(...n.layers) : Infinity]));
  for (const e of model.edges) if (order.get(e.to) === Infinity) order.set(e.to, e.tensor + 0.5);
  return order;
}

/** Longest-path rank of each box (sources at 0), as dot ranks them without edge labels. */
export function ranks(model: DrawModel): Map<string, number> {
  const rank = new Map(model.nodes.map((n) => [n.id, 0]));
  const indegree = new Map(model.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of model.edges) {
    indegree.set(e.to, indegree.get(e.to)! + 1);
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  const ready = model.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  while (ready.length) {
    const id = ready.pop()!;
    for (const to of next.get(id) ?? []) {
      rank.set(to, Math.max(rank.get(to)!, rank.get(id)! + 1));
      indegree.set(to, indegree.get(to)! - 1);
      if (indegree.get(to) === 0) ready.push(to);
    }
  }
  return rank;
}

interface Item {
  cluster?: string; // the cluster the item is, or none for a box
  nodes: string[];
  first: number; // the earliest IR node drawn in it: items in execution order
}

/** Where a model wraps into columns of about maxRanks ranks (nowhere when it is short). */
export function columns(model: DrawModel, maxRanks: number): Columns {
  const none: Columns = { heads: [], loose: new Set(), columnOfItem: new Map() };
  const rank = ranks(model);
  const height = Math.max(0, ...rank.values());
  if (height <= maxRanks) return none;
  const parentOf = new Map(model.clusters.map((c) => [c.id, c.parent]));
  const within = (cluster: string | null, container: string | null): boolean =>
    cluster === container || (cluster !== null && within(parentOf.get(cluster) ?? null, container));
  const firstLayer = executionOrder(model);
  const itemsOf = (container: string | null): Item[] => {
    const items: Item[] = model.nodes.filter((n) => n.cluster === container).map((n) => ({ nodes: [n.id], first: firstLayer.get(n.id)! }));
    for (const c of model.clusters.filter((c) => c.parent === container)) {
      const nodes = model.nodes.filter((n) => within(n.cluster, c.id)).map((n) => n.id);
      if (nodes.length) items.push({ cluster: c.id, nodes, first: Math.min(...nodes.map((id) => firstLayer.get(id)!)) });
    }
    return items.sort((a, b) => a.first - b.first);
  };
  // Descend into the cluster that holds most of the boxes: its items are what wraps.
  let items = itemsOf(null);
  for (let big = items.find((it) => it.cluster && it.nodes.length * 2 > model.nodes.length); big; ) {
    items = itemsOf(big.cluster!);
    big = items.find((it) => it.cluster && it.nodes.length * 2 > model.nodes.length);
  }
  const span = (it: Item) => it.nodes.map((id) => rank.get(id)!);
  const low = Math.min(...items.flatMap(span));
  const high = Math.max(...items.flatMap(span));
  const count = Math.ceil((high - low + 1) / maxRanks);
  if (count < 2 || items.length < 2) return none;
  const target = (high - low + 1) / count;
  // A column ends only where one edge leaves it: a fan-out cut in two is a tangle.
  const itemOf = new Map<string, number>();
  items.forEach((it, k) => it.nodes.forEach((id) => itemOf.set(id, k)));
  const crossing = new Array<number>(items.length + 1).fill(0);
  for (const e of model.edges) {
    const [a, b] = [itemOf.get(e.from), itemOf.get(e.to)];
    if (a === undefined || b === undefined || a >= b) continue;
    crossing[a + 1]++;
    crossing[b + 1]--;
  }
  for (let k = 1; k <= items.length; k++) crossing[k] += crossing[k - 1];
  const columnOf = new Map<string, number>();
  const heads: string[] = [];
  const columnOfItem = new Map<string, number>();
  let column = -1;
  let start = 0;
  items.forEach((it, k) => {
    const r = span(it);
    const full = Math.max(...r) - start + 1 > target * 1.15 && column < count - 1 && Math.min(...r) > start;
    if (column < 0 || (full && crossing[k] === 1)) {
      column++;
      start = Math.min(...r);
      heads.push(it.nodes.reduce((a, b) => (rank.get(b)! < rank.get(a)! ? b : a)));
    }
    for (const id of it.nodes) columnOf.set(id, column);
    columnOfItem.set(it.cluster ?? it.nodes[0], column);
  });
  if (heads.length < 2) return none;
  const loose = new Set<number>();
  model.edges.forEach((e, i) => {
    const a = columnOf.get(e.from);
    const b = columnOf.get(e.to);
    if (a !== undefined && b !== undefined && a !== b) loose.add(i);
  });
  return { heads, loose, columnOfItem };
}
