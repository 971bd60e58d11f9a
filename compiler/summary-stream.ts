// `summary --json` for a million layers: the same text as JSON.stringify(summaryJson(…),
// null, 1), written in pieces of a few thousand entries, so that neither the whole
// object tree nor one 300 MB string is ever in memory.
import type { Counts } from "./count.js";
import type { Graph, IRNode } from "./ir.js";
import { jsonLayer, jsonShape, jsonTensors, summaryJson } from "./summary.js";

/** Pieces whose concatenation is JSON.stringify(summaryJson(g, counts), null, 1); each but the last ends a line. */
export function* summaryJsonPieces(g: Graph, counts: Counts, batch = 2_000): Generator<string> {
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
  const layers = function* () {
    for (const n of g.nodes) if (n.op !== "input") yield layerText(jsonLayer(n), listOf(n.shape, jsonShape(n.shape)));
  };
  const tensors = function* () {
    for (const n of g.nodes) for (const t of jsonTensors(n)) yield tensorText(t, listOf(t.shape, t.shape));
  };
  let pending = `${top.slice(0, -2)},\n`; // without its closing "\n}"
  for (const [key, items, last] of [["layers", layers, false], ["tensors", tensors, true]] as const) {
    let count = 0;
    let parts = [`${pending} "${key}": [`];
    pending = "";
    for (const item of items()) {
      if (count > 0) parts.push(",");
      if (count > 0 && count % batch === 0) {
        parts.push("\n"); // pieces end lines
        yield parts.join("");
        parts = [];
      } else parts.push("\n");
      parts.push("  ", item);
      count++;
    }
    parts.push(count ? "\n ]" : "]", last ? "\n}" : ",\n");
    pending = parts.join("");
  }
  yield pending;
}

// The entries as JSON.stringify(entry, null, 1) writes them, indented two more spaces,
// written directly (twice as fast; summary tests compare the two).
const scalar = (x: unknown) => (typeof x === "number" ? (Number.isFinite(x) ? String(x) : "null") : JSON.stringify(x));
const list = (xs: unknown[]) => {
  if (xs.length === 0) return "[]";
  let out = "[";
  for (let i = 0; i < xs.length; i++) out += `${i ? "," : ""}\n    ${scalar(xs[i])}`;
  return `${out}\n   ]`;
};
const layerText = (l: ReturnType<typeof jsonLayer>, shape = list(l.outputShape)) =>
  `{\n   "name": ${JSON.stringify(l.name)},\n   "op": ${JSON.stringify(l.op)},\n   "outputShape": ${shape},\n   "params": ${scalar(l.params)},\n   "macs": ${scalar(l.macs)}\n  }`;
const tensorText = (t: ReturnType<typeof jsonTensors>[number], shape = list(t.shape)) =>
  `{\n   "name": ${JSON.stringify(t.name)},\n   "shape": ${shape},\n   "kind": ${JSON.stringify(t.kind)}\n  }`;
