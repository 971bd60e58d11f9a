// The one liveness analysis (counts, executor and fusion share it), on a graph worked
// out by hand: input(0) conv(1) add(2, reads 1 twice) conv(3) conv(4) concat(5).
process.env.NETC_NO_CACHE = "1";

import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { liveness } from "../compiler/liveness.js";

describe("liveness", () => {
  it("users, last uses and values to free, a double read counted once", async () => {
    const r = await compileFile("l.net", { text: "network n {\n  input 1x4x4\n  conv 1, 1x1\n  residual { }\n  concat {\n    conv 1, 1x1\n    conv 1, 1x1\n  }\n}\n" });
    expect(r.graph!.nodes.map((n) => `${n.op}(${n.inputs.join(",")})`)).toEqual(["input()", "conv(0)", "add(1,1)", "conv(2)", "conv(2)", "concat(3,4)"]);
    const l = liveness(r.graph!);
    expect(l.users).toEqual([[1], [2], [3, 4], [5], [5], []]);
    expect([...l.lastUse]).toEqual([1, 2, 4, 5, 5, 6]); // the output lives past the last node (6)
    expect(l.dying).toEqual([[], [0], [1], [], [2], [3, 4]]);
    expect([...l.outputs]).toEqual([5]);
  });
});
