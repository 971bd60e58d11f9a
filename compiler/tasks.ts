// Each output's task, read from the marker layer that ends it (ops/tasks.ts):
// classification unless it ends with `yolo`, `ssd` or `segmentation`.
import type { Graph } from "./ir.js";

export type YoloTask = { kind: "detection"; head: "yolo"; S: number; B: number; C: number };
/** An SSD head: C object classes, its feature maps' [height, width], aspect ratios per map, anchor scales (one per map and one more). */
export type SsdTask = { kind: "detection"; head: "ssd"; C: number; maps: [number, number][]; ratios: number[][]; scales: number[] };

export type Task =
  | { kind: "classification"; classes: number | null }
  | YoloTask
  | SsdTask
  | { kind: "segmentation"; classes: number };

/** torchvision's DefaultBoxGenerator scales: min_ratio 0.15 to max_ratio 0.9 over the maps, then 1. */
export function defaultScales(maps: number): number[] {
  if (maps === 1) return [0.15, 0.9];
  return [...Array.from({ length: maps }, (_, k) => 0.15 + ((0.9 - 0.15) * k) / (maps - 1)), 1];
}

/** The task of output `index` (0: the first) of a compiled graph. */
export function outputTask(graph: Graph, index = 0): Task {
  const port = graph.outputs[index];
  const node = port && graph.nodes[port.node];
  if (!node) return { kind: "classification", classes: null };
  const a = node.attrs;
  if (node.op === "yolo") return { kind: "detection", head: "yolo", S: a.S as number, B: a.B as number, C: a.C as number };
  if (node.op === "ssd") {
    const maps = (a.maps as number[][]).map((m) => [m[0], m[1]] as [number, number]);
    const ratios = (a.ratios as number[][] | null) ?? maps.map(() => [2]);
    return { kind: "detection", head: "ssd", C: a.classes as number, maps, ratios, scales: (a.scales as number[] | null) ?? defaultScales(maps.length) };
  }
  if (node.op === "segmentation") return { kind: "segmentation", classes: a.classes as number };
  const shape = node.shape;
  return { kind: "classification", classes: shape && shape.length === 1 && typeof shape[0] === "number" ? shape[0] : null };
}

/** Every output's name and task, in order. */
export const outputTasks = (graph: Graph) => graph.outputs.map((o, i) => ({ name: o.name, task: outputTask(graph, i) }));

/** How a task reads in messages and JSON: `detection (yolo 4, 2, 3)`. */
export function describeTask(t: Task): string {
  if (t.kind === "detection" && t.head === "ssd") return `detection (ssd ${t.C}, ${t.maps.length} feature maps)`;
  if (t.kind === "detection") return `detection (yolo ${t.S}, ${t.B}, ${t.C})`;
  if (t.kind === "segmentation") return `segmentation (${t.classes} classes)`;
  return t.classes === null ? "classification" : `classification (${t.classes} classes)`;
}
