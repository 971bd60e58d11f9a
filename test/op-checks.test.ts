// Shape checks that name the dimension at fault, the same way for height and width.
process.env.NETC_NO_CACHE = "1";

import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";

async function messages(input: string, line: string) {
  const r = await compileFile("checks.net", { text: `network t {\n  input ${input}\n  ${line}\n}\n` });
  return r.diagnostics.map((d) => d.message);
}

describe("transposed convolution's output size", () => {
  // PyTorch (torch 1.13): ConvTranspose2d(4, 4, (1, 1), padding=(0, 1)) on 1x4x5x1 raises
  // "Calculated output size per channel: (5 x -1). Output size is too small"; with
  // padding=(1, 0) on 1x4x1x5, "(-1 x 5)". Output: (n - 1)*stride + (k - 1) + 1 - 2*pad.
  it("an empty height is named", async () => {
    expect(await messages("4x1x5", "convtranspose 4, 1x1, pad = [1, 0]")).toEqual([
      "convtranspose's output height would be empty: the input 4x1x5 is smaller than the window",
    ]);
  });

  it("an empty width is named the same way", async () => {
    expect(await messages("4x5x1", "convtranspose 4, 1x1, pad = [0, 1]")).toEqual([
      "convtranspose's output width would be empty: the input 4x5x1 is smaller than the window",
    ]);
  });
});
