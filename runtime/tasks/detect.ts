// A detection output decoded into boxes, whichever its head: YOLO v1's grid (yolo.ts)
// or SSD's anchors (ssd.ts). What `netc eval` and `netc run` use.
import type { SsdTask, YoloTask } from "../../compiler/tasks.js";
import type { Detection } from "./boxes.js";
import { ssdAnchors, ssdDecode } from "./ssd.js";
import { yoloDecode } from "./yolo.js";

export interface Detector {
  size: number; // values of one image's output
  decode(out: Float32Array, minScore: number, iou: number): Detection[];
}

/** The decoder of a detection task's output for a width x height input; boxes in the input's pixels. */
export function detector(task: YoloTask | SsdTask, width: number, height: number): Detector {
  if (task.head === "yolo") return { size: task.S * task.S * (task.B * 5 + task.C), decode: (out, minScore, iou) => yoloDecode(out, task, width, height, minScore, iou) };
  const anchors = ssdAnchors(task, width, height);
  return { size: anchors.length * (5 + task.C), decode: (out, minScore, iou) => ssdDecode(out, anchors, task.C, width, height, minScore, iou) };
}
