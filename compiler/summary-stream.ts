// `summary --json` for a million layers: the same text as JSON.stringify(summaryJson(…),
// null, 1), written in pieces of a few thousand entries, so that neither the whole
// object tree nor one 300 MB string is ever in memory.
import type { Counts } from "./count.js";
import type { Graph, IRNode } from "./ir.js";
import { jsonLayer, jsonTensors, summaryJson } from "./summary.js";

/** Pieces whose concatenation is JSON.stringify(summaryJson(g, counts), null, 1); each but the last ends a line. */
export function* summaryJsonPieces(g: Graph, counts: Counts, batch = 2_000): Generator<string> {
  const ports: IRNode[] = []; // only the input and output nodes, at their places: the totals without the per-layer arrays
  for (const p of [...g.inputs, ...g.outputs]) ports[p.node] = g.nodes[p.node];
  const head = summaryJson({ ...g, nodes: ports }, counts);
  const { layers: _l, tensors: _t, ...rest } = head;
  const top = JSON.stringify(rest, null, 1);
  const layers = function* () {
    for (const n of g.nodes) if (n.op !== "input") yield jsonLayer(n);
  };
  const tensors = function* () {
    for (const n of g.nodes) yield* jsonTensors(n);
  };
  let pending = `${top.slice(0, -2)},\n`; // without its closing "\n}"
  for (const [key, items, last] of [["layers", layers, false], ["tensors", tensors, true]] as const) {
    // Each item indented by two more spaces: JSON has no raw line break inside a string,
    // so every line break of JSON.stringify's text starts a line.
    let count = 0;
    let parts = [`${pending} "${key}": [`];
    pending = "";
    for (const item of items()) {
      parts.push(count ? ",\n  " : "\n  ", JSON.stringify(item, null, 1).replaceAll("\n", "\n  "));
      if (++count % batch === 0) {
        const text = parts.join("");
        const cut = text.lastIndexOf("\n"); // pieces end lines
        yield text.slice(0, cut + 1);
        parts = [text.slice(cut + 1)];
      }
    }
    let text = parts.join("");
    text += count ? "\n ]" : "]";
    pending = text + (last ? "\n}" : ",\n");
  }
  yield pending;
}
