import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

import { NpyError, readNpy, writeNpy } from "../../runtime/npy.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const read = (name: string) => readNpy(readFileSync(join(FIXTURES, name)), name);
const bytes = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const tmp = mkdtempSync(join(tmpdir(), "netc-npy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("reading numpy's files", () => {
  it("float32 of several shapes", () => {
    expect(read("f32-2x3.npy").shape).toEqual([2, 3]);
    expect(read("f32-nchw.npy").shape).toEqual([2, 1, 4, 5]);
    expect(read("f32-vector.npy")).toEqual({ shape: [5], data: Float32Array.from([0, 1, 2, 3, 4], (x) => x / 3) });
    expect(read("f32-scalar.npy")).toEqual({ shape: [], data: new Float32Array([2.5]) });
  });

  it("float64, rounded to float32", () => {
    const a = read("f64-3x2.npy");
    expect(a.shape).toEqual([3, 2]);
    expect(a.data.length).toBe(6);
  });

  it("rejects Fortran order, other dtypes and big-endian data", () => {
    expect(() => read("fortran.npy")).toThrow(/fortran\.npy: .*Fortran order/);
    expect(() => read("int32.npy")).toThrow(/int32\.npy: dtype "<i4" is not supported/);
    expect(() => read("f32-bigendian.npy")).toThrow(/">f4" is not supported/);
  });
});

describe("writing as numpy does", () => {
  for (const name of ["f32-2x3.npy", "f32-vector.npy", "f32-scalar.npy", "f32-nchw.npy"]) {
    it(`${name}: the same bytes as np.save`, () => {
      const a = read(name);
      expect(writeNpy(a.shape, a.data)).toEqual(bytes(name));
    });
  }

  it("numpy reads what we write", () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i * 0.1 - 1);
    const path = join(tmp, "ours.npy");
    writeFileSync(path, writeNpy([2, 3, 4], data));
    const out = execFileSync(
      "/usr/bin/python3",
      ["-c", "import sys, json, numpy as np; a = np.load(sys.argv[1]); print(json.dumps([a.dtype.str, list(a.shape), a.ravel().tolist()]))", path],
      { encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual(["<f4", [2, 3, 4], Array.from(data)]);
  });

  it("round-trips any shape", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 }), (shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: n }, (_, i) => Math.fround(i * 1.5 - 3));
        const out = writeNpy(shape, data);
        expect(out.length % 64).toBe((n * 4) % 64);
        expect(readNpy(out, "x")).toEqual({ shape, data });
      }),
    );
  });
});

describe("malformed files give an NpyError", () => {
  const good = bytes("f32-2x3.npy");
  const cases: [string, Uint8Array, RegExp][] = [
    ["too short", good.subarray(0, 5), /too short/],
    ["bad magic", good.map((b, i) => (i === 1 ? 0x4f : b)), /bad magic/],
    ["unknown version", good.map((b, i) => (i === 6 ? 9 : b)), /unsupported \.npy version 9/],
    ["header length past the end", good.subarray(0, 60), /runs past the end/],
    ["truncated data", good.subarray(0, good.length - 4), /truncated: shape \(2, 3\) needs 24 bytes/],
    ["trailing bytes", new Uint8Array([...good, 0, 0]), /unexpected bytes/],
    ["a mangled header", good.map((b, i) => (i === 12 ? 0x78 : b)), /not the dict numpy writes/],
  ];
  for (const [what, b, message] of cases) {
    it(what, () => {
      expect(() => readNpy(b, "bad.npy")).toThrow(NpyError);
      expect(() => readNpy(b, "bad.npy")).toThrow(message);
    });
  }

  it("fuzz: only NpyError", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(good.length), (flips, cut) => {
        const b = new Uint8Array(good);
        for (const [i, v] of flips) b[i] = v;
        for (const x of [b, b.subarray(0, cut)]) {
          try {
            readNpy(x, "fuzz.npy");
          } catch (e) {
            if (!(e instanceof NpyError)) throw e;
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
