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
  const n = g.nodes.length;
  const users: number[][] = g.nodes.map(() => []);
  const lastUse = new Int32Array(n).fill(-1);
  for (const node of g.nodes)
    for (const i of new Set(node.inputs)) {
      users[i].push(node.id);
      lastUse[i] = node.id;
    }
  const outputs = new Set(g.outputs.map((o) => o.node));
  for (const o of outputs) lastUse[o] = n;
  const dying: number[][] = g.nodes.map(() => []);
  for (let i = 0; i < n; i++) if (lastUse[i] >= 0 && lastUse[i] < n) dying[lastUse[i]].push(i);
  return { users, lastUse, dying, outputs };
}
