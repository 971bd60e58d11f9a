// mAP@0.5 with VOC's all-point interpolation, on a case computed by hand.
import { describe, expect, it } from "vitest";
import { averagePrecision, meanAveragePrecision } from "../../runtime/tasks/map.js";
import type { Detection } from "../../runtime/tasks/boxes.js";
import type { GroundTruth } from "../../runtime/tasks/yolo.js";

describe("mean average precision", () => {
  it("VOC's all-point AP is the area under the precision envelope", () => {
    // recall 1/3, 1/3, 1/3, 2/3 with precision 1, 1/2, 1/3, 1/2: the envelope is 1 up
    // to recall 1/3, then 1/2 up to 2/3, then 0: AP = 1/3 + 1/6 = 1/2
    expect(averagePrecision([1 / 3, 1 / 3, 1 / 3, 2 / 3], [1, 1 / 2, 1 / 3, 1 / 2])).toBeCloseTo(0.5, 12);
    // a dip recovered later: precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1: envelope 1 then 2/3: AP = 1/2 + 1/2 · 2/3
    expect(averagePrecision([0.5, 0.5, 1], [1, 0.5, 2 / 3])).toBeCloseTo(0.5 + 1 / 3, 12);
  });

  it("matches detections greedily by score, a duplicate is a false positive, classes without ground truth do not count", () => {
    const truth: GroundTruth[][] = [
      [{ class: 0, box: [0, 0, 10, 10] }, { class: 0, box: [20, 20, 30, 30] }],
      [{ class: 0, box: [0, 0, 10, 10] }, { class: 1, box: [10, 10, 20, 20] }],
    ];
    const d = (cls: number, score: number, box: Detection["box"]): Detection => ({ class: cls, score, box });
    const dets: Detection[][] = [
      [d(0, 0.9, [0, 0, 10, 10]), d(0, 0.7, [0, 0, 10, 10]) /* duplicate */, d(2, 0.8, [0, 0, 5, 5]) /* class 2 has no truth */],
      [d(0, 0.8, [50, 50, 60, 60]) /* nothing there */, d(0, 0.6, [0, 0, 10, 9]) /* IoU 0.9 */, d(1, 0.5, [12, 10, 22, 20]) /* IoU 80/120 */],
    ];
    // class 0: TP, FP, FP, TP over 3 objects -> AP 1/2 (the case above); class 1: one TP -> AP 1
    const r = meanAveragePrecision(dets, truth, 3);
    expect(r.ap[0]).toBeCloseTo(0.5, 12);
    expect(r.ap[1]).toBeCloseTo(1, 12);
    expect(r.ap[2]).toBeNull();
    expect(r.map).toBeCloseTo(0.75, 12);
  });

  it("an IoU of exactly 0.5 matches; just below does not", () => {
    const truth: GroundTruth[][] = [[{ class: 0, box: [0, 0, 10, 10] }]];
    expect(meanAveragePrecision([[{ class: 0, score: 1, box: [0, 0, 10, 5] }]], truth, 1).map).toBe(1); // IoU 50/100
    expect(meanAveragePrecision([[{ class: 0, score: 1, box: [0, 0, 10, 4.9] }]], truth, 1).map).toBe(0);
  });
});
