// Task markers: a head says what it predicts with a layer (`yolo S, B, C`,
// `segmentation classes`, `classification classes`) that the compiler checks and records.
import { describe, expect, it } from "vitest";
import { compileText, net, oneError, underlined } from "../support/compile-text.js";
import { outputTask, outputTasks } from "../../compiler/tasks.js";
import { compileFile } from "../../compiler/compile.js";
import { findLibraryNetwork } from "../../compiler/modules.js";

describe("task markers", () => {
  it("a yolo output is a detection task; an unmarked one is classification", async () => {
    const text = net("3x32x32", "conv 13, 3x3, stride = 8, pad = 1", "permute [1, 2, 0]", "yolo 4, 2, 3");
    const r = await compileText(text);
    expect(r.diagnostics).toEqual([]);
    expect(outputTask(r.graph!)).toEqual({ kind: "detection", head: "yolo", S: 4, B: 2, C: 3 });
    const plain = await compileText(net("3x8x8", "flatten", "linear 5"));
    expect(outputTask(plain.graph!)).toEqual({ kind: "classification", classes: 5 });
  });

  it("heads keep their own tasks", async () => {
    const text = net("3x16x16", "conv 4, 3x3, pad = 1", "head mask { segmentation 4 }", "head logits { globalavgpool; flatten; linear 7; classification 7 }");
    const r = await compileText(text);
    expect(r.diagnostics).toEqual([]);
    expect(outputTasks(r.graph!)).toEqual([
      { name: "mask", task: { kind: "segmentation", classes: 4 } },
      { name: "logits", task: { kind: "classification", classes: 7 } },
    ]);
  });

  it("a marker whose input does not fit is an error at the marker, with a hint", async () => {
    const text = net("3x32x32", "conv 13, 3x3, stride = 8, pad = 1", "yolo 4, 2, 3");
    const d = oneError(await compileText(text));
    expect(underlined(text, d)).toContain("yolo");
    expect(d.message).toContain("4x4x13");
    expect(d.message).toContain("permute [1, 2, 0]");
    const seg = net("3x8x8", "conv 5, 1x1", "segmentation 4");
    expect(oneError(await compileText(seg)).message).toContain("4xHxW");
  });

  it("the library's yolo_v1, yolo_tiny and seg_tiny declare their tasks", async () => {
    const task = async (name: string) => outputTask((await compileFile(findLibraryNetwork(name)!, { network: name })).graph!);
    expect(await task("yolo_v1")).toEqual({ kind: "detection", head: "yolo", S: 7, B: 2, C: 20 });
    expect(await task("yolo_tiny")).toEqual({ kind: "detection", head: "yolo", S: 4, B: 2, C: 3 });
    expect(await task("seg_tiny")).toEqual({ kind: "segmentation", classes: 4 });
  });
});
