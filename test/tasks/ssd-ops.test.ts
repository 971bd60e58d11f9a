// The `ssd` marker: the feature maps it names (labels or sizes), its ratios and scales,
// checked against the predictions' shape and recorded as the output's task.
import { describe, expect, it } from "vitest";
import { compileText, net, oneError, underlined } from "../support/compile-text.js";
import { outputTask } from "../../compiler/tasks.js";
import { compileFile } from "../../compiler/compile.js";
import { findLibraryNetwork } from "../../compiler/modules.js";

const body = (marker: string, channels = 4 * 8) => [
  "f4: conv 8, 3x3, stride = 4, pad = 1",
  "f2: conv 8, 3x3, stride = 2, pad = 1",
  "concat {",
  `  from f4 { conv ${channels}, 1x1; reshape [-1, 8, 4, 4]; permute [2, 3, 0, 1]; reshape [-1, 8] }`,
  `  from f2 { conv ${channels}, 1x1; reshape [-1, 8, 2, 2]; permute [2, 3, 0, 1]; reshape [-1, 8] }`,
  "}",
  marker,
];

describe("the ssd marker", () => {
  it("reads its feature maps' sizes from their labels; ratios and scales default as torchvision's", async () => {
    const r = await compileText(net("3x16x16", ...body("ssd 3, maps = [f4, f2]")));
    expect(r.diagnostics).toEqual([]);
    expect(outputTask(r.graph!)).toEqual({ kind: "detection", head: "ssd", C: 3, maps: [[4, 4], [2, 2]], ratios: [[2], [2]], scales: [0.15, 0.9, 1] });
    const sized = await compileText(net("3x16x16", ...body("ssd 3, maps = [4, [2, 2]], ratios = [[2], [3]], scales = [0.2, 0.5, 0.8]")));
    expect(sized.diagnostics).toEqual([]);
    expect(outputTask(sized.graph!)).toMatchObject({ maps: [[4, 4], [2, 2]], ratios: [[2], [3]], scales: [0.2, 0.5, 0.8] });
  });

  it("a shape that does not fit the anchors is an error at the marker, with the count and the reshaping", async () => {
    const text = net("3x16x16", ...body("ssd 3, maps = [f4, f2], ratios = [[2, 3], [2]]"));
    const d = oneError(await compileText(text));
    expect(underlined(text, d)).toContain("ssd");
    expect(d.message).toContain("ssd 3 takes a 112x8 value (4x4x6 + 2x2x4 anchors)");
    expect(d.message).toContain("permute [2, 3, 0, 1]");
    expect(oneError(await compileText(net("3x16x16", ...body("ssd 4, maps = [f4, f2]")))).message).toContain("80x9");
  });

  it("ratios and scales must fit the maps", async () => {
    expect(oneError(await compileText(net("3x16x16", ...body("ssd 3, maps = [f4, f2], ratios = [[2]]")))).message).toContain("2 feature maps but 1 lists of ratios");
    expect(oneError(await compileText(net("3x16x16", ...body("ssd 3, maps = [f4, f2], scales = [0.2, 0.5]")))).message).toContain("needs 3 numbers");
    expect(oneError(await compileText(net("3x16x16", ...body("ssd 3")))).message).toMatch(/maps/);
  });

  it("the library's ssd_tiny declares its three maps", async () => {
    const g = (await compileFile(findLibraryNetwork("ssd_tiny")!, { network: "ssd_tiny" })).graph!;
    expect(outputTask(g)).toEqual({ kind: "detection", head: "ssd", C: 3, maps: [[8, 8], [4, 4], [2, 2]], ratios: [[2], [2], [2]], scales: [0.2, 0.35, 0.5, 0.8] });
  });
});
