// `summary --json` for a million layers: the same text as JSON.stringify(summaryJson(…),
// null, 1), written in pieces of 200 entries, so that neither the whole object tree nor
// one 300 MB string is ever in memory. A piece (about 30 KB) stays under V8's
// large-object size and dies young; pieces of 2,000 cost a million layers 1.5 s more.
import { nodeParams, type Counts } from "./count.js";
import type { Graph, IRNode } from "./ir.js";
import { weightName } from "./ir.js";
import { jsonDim, jsonShape, summaryJson } from "./summary.js";

/** Pieces whose concatenation is JSON.stringify(summaryJson(g, counts), null, 1); each but the last ends a line. */
export function* summaryJsonPieces(g: Graph, counts: Counts, batch = 200): Generator<string> {
  const ports: IRNode[] = []; // only the input and output nodes, at their places: the totals without the per-layer arrays
  for (const p of [...g.inputs, ...g.outputs]) ports[p.node] = g.nodes[p.node];
  const head = summaryJson({ ...g, nodes: ports }, counts);
  const { layers: _l, tensors: _t, ...rest } = head;
  const top = JSON.stringify(rest, null, 1);
  // A shape's text once per shape object: layers that repeat share theirs (bind-layer.ts).
  const shapeTexts = new Map<object, string>();
  const listOf = (key: object | null, xs: unknown[]) => {
    let text = key && shapeTexts.get(key);
    if (text === undefined || text === null) {
      text = list(xs);
      if (key && shapeTexts.size < 100_000) shapeTexts.set(key, text);
    }
    return text;
  };
  // Entries written from the nodes directly: names are quoted without JSON.stringify when
  // they need no escaping (a million layers: 11.8 -> about 9 s, before the tails below).
  // An entry is its name's text between a head and a tail; the tail (shape, counts) is
  // the previous entry's when the node shares its shape, weights and MACs (a run of
  // repeated layers), so a million entries cost three strings each, joined once a piece.
  let tailOf: { op: string; shape: unknown; weights: unknown; macs: unknown; text: string } | undefined;
  const layers = function* () {
    for (const n of g.nodes) {
      if (n.op === "input") continue;
      if (!tailOf || tailOf.op !== n.op || tailOf.shape !== n.shape || tailOf.weights !== n.weights || tailOf.macs !== n.macs) {
        const shape = (n.shape && shapeTexts.get(n.shape)) || listOf(n.shape, jsonShape(n.shape));
        const text = `,\n   "op": ${quote(n.op)},\n   "outputShape": ${shape},\n   "params": ${nodeParams(n)},\n   "macs": ${scalar(jsonDim(n.macs))}\n  }`;
        tailOf = { op: n.op, shape: n.shape, weights: n.weights, macs: n.macs, text };
      }
      yield [quote(n.name), tailOf.text];
    }
  };
  let tensorTail: { shape: unknown; kind: string; text: string } | undefined;
  const tensors = function* () {
    for (const n of g.nodes)
      for (const w of n.weights) {
        if (tensorTail?.shape !== w.shape || tensorTail.kind !== w.kind)
          tensorTail = { shape: w.shape, kind: w.kind, text: `,\n   "shape": ${listOf(w.shape, w.shape)},\n   "kind": ${quote(w.kind)}\n  }` };
        yield [quote(weightName(n, w)), tensorTail.text];
      }
  };
  let pending = `${top.slice(0, -2)},\n`; // without its closing "\n}"
  for (const [key, items, last] of [["layers", layers, false], ["tensors", tensors, true]] as const) {
    let count = 0;
    let parts: string[] = [pending, ` "${key}": [`];
    for (const [name, tail] of items()) {
      if (count > 0) parts.push(",");
      if (count > 0 && count % batch === 0) {
        parts.push("\n");
        yield parts.join(""); // pieces end lines
        parts = [];
      } else parts.push("\n");
      parts.push('  {\n   "name": ', name, tail);
      count++;
    }
    parts.push(count ? "\n ]" : "]", last ? "\n}" : ",\n");
    pending = parts.join("");
  }
  yield pending;
}

// The entries (above) as JSON.stringify(entry, null, 1) writes them, indented two more
// spaces, written directly (twice as fast; summary tests compare the two).
/** A string as JSON: quoted as it is when nothing in it needs escaping. */
const quote = (x: string) => (/^[\w.\- /:#@+]*$/.test(x) ? `"${x}"` : JSON.stringify(x));
const scalar = (x: unknown) => (typeof x === "number" ? (Number.isFinite(x) ? String(x) : "null") : JSON.stringify(x));
const list = (xs: unknown[]) => {
  if (xs.length === 0) return "[]";
  let out = "[";
  for (let i = 0; i < xs.length; i++) out += `${i ? "," : ""}\n    ${scalar(xs[i])}`;
  return `${out}\n   ]`;
};
