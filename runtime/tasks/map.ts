// Mean average precision at an IoU threshold, as the PASCAL VOC devkit (2010 on)
// computes it: per class, detections over all images by decreasing score, each a true
// positive when its best-overlapping ground truth of that class has IoU ≥ 0.5 and was
// not matched before; AP is the area under the precision envelope at every recall
// ("all-point interpolation"); mAP the mean over the classes that have ground truth.
import { iou, type Detection } from "./boxes.js";
import type { GroundTruth } from "./yolo.js";

export interface ApResult {
  map: number;
  ap: (number | null)[]; // per class; null where the class has no ground truth
}

/** VOC's all-point AP from recall and precision at each detection (in score order). */
export function averagePrecision(recall: number[], precision: number[]): number {
  const r = [0, ...recall, 1];
  const p = [0, ...precision, 0];
  for (let i = p.length - 2; i >= 0; i--) p[i] = Math.max(p[i], p[i + 1]);
  let ap = 0;
  for (let i = 1; i < r.length; i++) if (r[i] !== r[i - 1]) ap += (r[i] - r[i - 1]) * p[i];
  return ap;
}

/** mAP over images: `detections[i]` and `truth[i]` are image i's. */
export function meanAveragePrecision(detections: Detection[][], truth: GroundTruth[][], classes: number, threshold = 0.5): ApResult {
  const ap: (number | null)[] = [];
  for (let c = 0; c < classes; c++) {
    const gts = truth.map((objs) => objs.filter((o) => o.class === c).map((o) => o.box));
    const npos = gts.reduce((a, g) => a + g.length, 0);
    if (!npos) {
      ap.push(null);
      continue;
    }
    const dets = detections.flatMap((ds, img) => ds.filter((d) => d.class === c).map((d) => ({ img, d }))).sort((a, b) => b.d.score - a.d.score);
    const used = gts.map((g) => new Uint8Array(g.length));
    let tp = 0;
    let fp = 0;
    const recall: number[] = [];
    const precision: number[] = [];
    for (const { img, d } of dets) {
      let best = -1;
      let bestIou = 0;
      gts[img].forEach((g, j) => {
        const o = iou(d.box, g);
        if (o > bestIou) (bestIou = o), (best = j);
      });
      if (best >= 0 && bestIou >= threshold && !used[img][best]) (used[img][best] = 1), tp++;
      else fp++;
      recall.push(tp / npos);
      precision.push(tp / (tp + fp));
    }
    ap.push(averagePrecision(recall, precision));
  }
  const present = ap.filter((v): v is number => v !== null);
  return { map: present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0, ap };
}
