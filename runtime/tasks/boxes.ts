// Boxes as [x1, y1, x2, y2] corners (torchvision's convention), their IoU, and
// non-maximum suppression equal to torchvision.ops.nms / batched_nms.

export type Corners = [number, number, number, number];

export interface Detection {
  class: number;
  score: number;
  box: Corners;
}

const area = (b: Corners) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/** Intersection over union, as torchvision.ops.box_iou (no +1 pixel): 0 when both are empty. */
export function iou(a: Corners, b: Corners): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const inter = w > 0 && h > 0 ? w * h : 0;
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * The indices kept by torchvision.ops.nms: by decreasing score, each box suppresses the
 * later ones whose IoU with it is above `threshold`.
 */
export function nms(boxes: Corners[], scores: number[], threshold: number): number[] {
  const order = scores.map((_, i) => i).sort((p, q) => scores[q] - scores[p] || p - q);
  const suppressed = new Uint8Array(boxes.length);
  const keep: number[] = [];
  for (const i of order) {
    if (suppressed[i]) continue;
    keep.push(i);
    for (const j of order) if (!suppressed[j] && j !== i && iou(boxes[i], boxes[j]) > threshold) suppressed[j] = 1;
  }
  return keep;
}

/** Per-class NMS (torchvision.ops.batched_nms): detections of different classes never suppress each other; by decreasing score. */
export function classNms(dets: Detection[], threshold: number): Detection[] {
  const byClass = new Map<number, Detection[]>();
  for (const d of dets) byClass.set(d.class, [...(byClass.get(d.class) ?? []), d]);
  const kept: Detection[] = [];
  for (const group of byClass.values()) {
    const keep = nms(group.map((d) => d.box), group.map((d) => d.score), threshold);
    for (const i of keep) kept.push(group[i]);
  }
  return kept.sort((p, q) => q.score - p.score);
}
