// Each output's task, read from the marker layer that ends it (ops/tasks.ts):
// classification unless it ends with `yolo` or `segmentation`.
import type { Graph } from "./ir.js";

export type Task =
  | { kind: "classification"; classes: number | null }
  | { kind: "detection"; head: "yolo"; S: number; B: number; C: number }
  | { kind: "segmentation"; classes: number };

/** The task of output `index` (0: the first) of a compiled graph. */
export function outputTask(graph: Graph, index = 0): Task {
  const port = graph.outputs[index];
  const node = port && graph.nodes[port.node];
  if (!node) return { kind: "classification", classes: null };
  const a = node.attrs;
  if (node.op === "yolo") return { kind: "detection", head: "yolo", S: a.S as number, B: a.B as number, C: a.C as number };
  if (node.op === "segmentation") return { kind: "segmentation", classes: a.classes as number };
  const shape = node.shape;
  return { kind: "classification", classes: shape && shape.length === 1 && typeof shape[0] === "number" ? shape[0] : null };
}

/** Every output's name and task, in order. */
export const outputTasks = (graph: Graph) => graph.outputs.map((o, i) => ({ name: o.name, task: outputTask(graph, i) }));

/** How a task reads in messages and JSON: `detection (yolo 4, 2, 3)`. */
export function describeTask(t: Task): string {
  if (t.kind === "detection") return `detection (yolo ${t.S}, ${t.B}, ${t.C})`;
  if (t.kind === "segmentation") return `segmentation (${t.classes} classes)`;
  return t.classes === null ? "classification" : `classification (${t.classes} classes)`;
}
