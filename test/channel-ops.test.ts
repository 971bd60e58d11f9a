// Slices, chunks and reductions over dimensions: shapes as PyTorch gives them (values
// against PyTorch are in test/runtime/torch-values.test.ts), and located errors.
import { describe, expect, it } from "vitest";
import { compileText, errors, net, oneError, underlined } from "./support/compile-text.js";

const shape = async (input: string, ...lines: string[]) => {
  const r = await compileText(net(input, ...lines));
  expect(errors(r)).toEqual([]);
  return r.graph!.nodes.at(-1)!.shape;
};

describe("slice, chunk, mean, sum, amax", () => {
  it("take PyTorch's shapes", async () => {
    expect(await shape("116x28x28", "chunk 2, 1")).toEqual([58, 28, 28]); // x.chunk(2, 1)[1]
    expect(await shape("7x2x2", "chunk 3, 2")).toEqual([1, 2, 2]); // torch.chunk: 3, 3, 1
    expect(await shape("64x8x8", "slice 16, -16")).toEqual([32, 8, 8]); // x[:, 16:-16]
    expect(await shape("64x8x8", "mean 0, keepdim = true")).toEqual([1, 8, 8]);
    expect(await shape("64x8x8", "sum [1, 2]")).toEqual([64]);
    expect(await shape("64x8x8", "amax -1")).toEqual([64, 8]);
  });

  it("refuse what PyTorch refuses or what would be empty, at the argument", async () => {
    const text = net("6x2x2", "chunk 2, 2");
    expect(underlined(text, oneError(await compileText(text)))).toBe("2");
    oneError(await compileText(net("6x2x2", "slice 4, 2")));
    oneError(await compileText(net("6x2x2", "mean 3")));
    expect(oneError(await compileText(net("6x2x2", "mean 0, true"))).notes.join()).toContain("keepdim = true");
  });
});
