// netc run --output on a network of several outputs writes every one of them (issue 14:
// only the first was written): the first at the path given, each other beside it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, writeNpy } from "../runtime/npy.js";
import { netc, tmp, useCli } from "./support/cli.js";

useCli();

describe("netc run --output with heads", () => {
  it("writes y.npy, y.aux.npy: each output with its own shape and values", () => {
    const net = join(tmp(), "two.net");
    // output = relu(x) (3x2x2), aux = its global average (3x1x1): both checked by hand
    writeFileSync(net, "network two {\n  input 3x2x2\n  head aux { globalavgpool }\n  relu\n}\n");
    const x = Float32Array.from([1, -2, 3, 4, -1, -1, -1, -1, 0, 2, 0, 2]);
    writeFileSync(join(tmp(), "x.npy"), writeNpy([1, 3, 2, 2], x));
    const r = netc(["run", net, "--input", join(tmp(), "x.npy"), "--output", join(tmp(), "y.npy")]);
    expect(r.code, r.stderr).toBe(0);
    const y = readNpy(readFileSync(join(tmp(), "y.npy")), "y");
    expect(y.shape).toEqual([1, 3, 2, 2]);
    expect(Array.from(y.data)).toEqual([1, 0, 3, 4, 0, 0, 0, 0, 0, 2, 0, 2]);
    const aux = readNpy(readFileSync(join(tmp(), "y.aux.npy")), "aux");
    expect(aux.shape).toEqual([1, 3, 1, 1]);
    expect(Array.from(aux.data)).toEqual([1.5, -1, 1]);
    expect(r.stderr).toContain("y.aux.npy");
  });
});
