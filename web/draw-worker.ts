// The playground's picture worker: the network compiled (again, from the text the
// compile worker accepted) and drawn by tools/draw — the drawing model, DOT, and
// Graphviz-in-wasm's layout, as `netc draw` draws it — into SVG text. A worker of its
// own, with its own time limit: a slow layout never holds up the diagnostics.
import { compileWithGraph, type CompileRequest } from "./compile-core.js";
import { drawSvg, DrawLimitError } from "../tools/draw/index.js";
import { serveJobs } from "./worker-loop.js";

export interface DrawResult {
  svg?: string;
  why?: string; // no picture: the network does not compile
}

serveJobs(async (req: CompileRequest & { depth?: number }): Promise<DrawResult> => {
  const { graph } = await compileWithGraph(req);
  if (!graph) return { why: "the network does not compile" };
  try {
    return { svg: await drawSvg(graph, { depth: req.depth }) };
  } catch (e) {
    if (e instanceof DrawLimitError) return { why: e.message.replace("--depth", "depth") }; // too many boxes: fold blocks
    throw e;
  }
}, "drawing failed");
