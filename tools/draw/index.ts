// `tools/draw`: pictures of compiled networks. The browser-safe entry points (no Node
// imports here; PNG rendering and files are in png.ts, for Node only):
//
//   drawingModel(graph, { depth })  the boxes, clusters and edges a picture shows (model.ts)
//   toDot(model, { wrap })          that model as Graphviz DOT (dot.ts); long chains wrap
//                                   into columns of about `wrap` ranks (columns.ts)
//   layoutSvg(dot)                  DOT laid out as SVG by Graphviz-in-wasm (layout.ts)
//   drawSvg(graph, { depth })       all three: graph → SVG text
//
// `graph` is the compiler's Graph (compileFile(...).graph, or compileSource in a browser);
// `depth` means what `netc summary --depth` means (network's children are depth 1; blocks
// below it are folded into one box; blocks above it are clusters).
import type { Graph } from "../../compiler/ir.js";
import { toDot, type DotOptions } from "./dot.js";
import { layoutSvg } from "./layout.js";
import { drawingModel, type DrawOptions } from "./model.js";

export { COLOURS, DrawLimitError, FONT, nodeLines, toDot, type DotOptions } from "./dot.js";
export { columns, ranks } from "./columns.js";
export { layoutSvg, loadGraphviz } from "./layout.js";
export { DEFAULT_DEPTH, drawingModel, kindOf, opDetail } from "./model.js";
export type { DrawCluster, DrawEdge, DrawKind, DrawModel, DrawNode, DrawOptions } from "./model.js";

/** The DOT text of a compiled network's picture. */
export const drawDot = (g: Graph, opts: DrawOptions & DotOptions = {}) => toDot(drawingModel(g, opts), opts);

/** A compiled network's picture as an SVG document. */
export const drawSvg = (g: Graph, opts: DrawOptions & DotOptions = {}) => layoutSvg(drawDot(g, opts));
