// Liveness on the graph IR, the one analysis that the counts (peak activation memory),
// the executor (when to free a value) and inference fusion (whether a value has one
// consumer) share. Nodes run in their list order; a value read twice by one node is
// one use.
import type { Graph } from "./ir.js";

export interface Liveness {
  /** The nodes that read each value, each once, in order. */
  users: number[][];
  /** The last node to read each value; `nodes.length` for an output; -1 for none. */
  lastUse: Int32Array;
  /** For each node, the values whose last use it is (each once): free them after it runs. */
  dying: number[][];
  /** The nodes whose values the network outputs. */
  outputs: Set<number>;
}

export function liveness(g: Graph): Liveness {
  const users: number[][] = g.nodes.map(() => []);
  for (const node of g.nodes) for (const i of new Set(node.inputs)) users[i].push(node.id);
  const lastUse = lastUses(g);
  const { start, order } = dyingOrder(lastUse);
  const dying = g.nodes.map((_, k) => [...order.subarray(start[k], start[k + 1])]);
  return { users, lastUse, dying, outputs: new Set(g.outputs.map((o) => o.node)) };
}

/** The last node to read each value; `nodes.length` for an output; -1 for none. */
export function lastUses(g: Graph): Int32Array {
  const n = g.nodes.length;
  const lastUse = new Int32Array(n).fill(-1);
  for (const node of g.nodes) for (const i of node.inputs) lastUse[i] = node.id; // nodes in order: the last reader wins
  for (const o of g.outputs) lastUse[o.node] = n;
  return lastUse;
}

/**
 * The values whose last use each node is, as one list in node order: node k's are
 * order[start[k], start[k + 1]). (A million layers made a million small arrays as `dying`.)
 */
export function dyingOrder(lastUse: Int32Array): { start: Int32Array; order: Int32Array } {
  const n = lastUse.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (lastUse[i] >= 0 && lastUse[i] < n) start[lastUse[i] + 1]++;
  for (let k = 0; k < n; k++) start[k + 1] += start[k];
  const order = new Int32Array(start[n]);
  const filled = start.slice(0, n);
  for (let i = 0; i < n; i++) if (lastUse[i] >= 0 && lastUse[i] < n) order[filled[lastUse[i]]++] = i;
  return { start, order };
}
