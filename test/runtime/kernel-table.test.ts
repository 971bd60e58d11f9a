// The kernel table and the op table name the same ops (the table's type already refuses
// a missing kernel at compile time; this says so at run time too).
import { describe, expect, it } from "vitest";
import { ops } from "../../compiler/ops.js";
import { kernels } from "../../runtime/kernels.js";

describe("kernel table", () => {
  it("has one kernel per op, and one for each merge", () => {
    expect(Object.keys(kernels).sort()).toEqual([...ops.keys(), "add", "mul", "concat"].sort());
  });
});
