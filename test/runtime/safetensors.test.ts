import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

import { loadSafetensors, readSafetensors, saveSafetensorsAtomically, WeightsError, writeSafetensors } from "../../runtime/safetensors.js";
import type { StateTensor } from "../../runtime/state.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const ROOT = join(import.meta.dirname, "..", "..");
const PYTHON = "/usr/bin/python3";
const tmp = mkdtempSync(join(tmpdir(), "netc-safetensors-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function values(t: StateTensor): number[] {
  return t.data instanceof BigInt64Array ? Array.from(t.data, Number) : Array.from(t.data);
}

/** A safetensors file from a header object and a data buffer, header padded to 8. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), rawHeader?: string): Uint8Array {
  let text = rawHeader ?? JSON.stringify(header);
  while (text.length % 8) text += " ";
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function sample(): Map<string, StateTensor> {
  return new Map<string, StateTensor>([
    ["features.0.weight", { shape: [2, 1, 3, 3], data: Float32Array.from({ length: 18 }, (_, i) => i / 7 - 1), dtype: "F32" }],
    ["features.0.bias", { shape: [2], data: new Float32Array([0.5, -0.25]), dtype: "F32" }],
    ["bn.num_batches_tracked", { shape: [], data: new BigInt64Array([9007199254740993n]), dtype: "I64" }],
    ["empty", { shape: [0, 4], data: new Float32Array(0), dtype: "F32" }],
  ]);
}

describe("reading files written by the reference layout (Python writer)", () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, "safetensors.json"), "utf8"))["mixed.safetensors"] as Record<
    string,
    { shape: number[]; values: number[] }
  >;
  const got = readSafetensors(readFileSync(join(FIXTURES, "mixed.safetensors")), "mixed.safetensors");

  it("holds every tensor with its shape", () => {
    expect([...got.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, e] of Object.entries(expected)) expect(got.get(name)!.shape, name).toEqual(e.shape);
  });

  it("converts F32, F64, F16 and BF16 to float32 and I64, I32 to int64", () => {
    for (const [name, e] of Object.entries(expected)) {
      const t = got.get(name)!;
      const isInt = name === "ints" || name === "bn.num_batches_tracked";
      expect(t.dtype, name).toBe(isInt ? "I64" : "F32");
      expect(values(t), name).toEqual(e.values.map((v) => (isInt ? v : Math.fround(v))));
    }
    expect(got.get("bn.num_batches_tracked")!.data[0]).toBe(12345678901n);
  });
});

describe("writing", () => {
  it("round-trips, in the map's order, with an 8-byte aligned header of spaces", () => {
    const t = sample();
    const bytes = writeSafetensors(t, { format: "pt" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header).toMatch(/^\{.*\} *$/);
    expect(Object.keys(JSON.parse(header))).toEqual(["__metadata__", ...t.keys()]);
    const back = readSafetensors(bytes, "x");
    expect([...back.keys()]).toEqual([...t.keys()]);
    for (const [k, v] of t) expect(back.get(k)).toEqual(v);
  });

  it("is read back exactly by a Python reader written from the specification", () => {
    const path = join(tmp, "ours.safetensors");
    writeFileSync(path, writeSafetensors(sample(), { producer: "netc" }));
    const out = JSON.parse(
      execFileSync(PYTHON, [join(ROOT, "scripts", "gen-runtime-fixtures.py"), "check-safetensors", path], { encoding: "utf8" }),
    ) as { metadata: Record<string, string>; order: string[]; tensors: Record<string, { dtype: string; shape: number[]; values: number[] }> };
    expect(out.metadata).toEqual({ producer: "netc" });
    for (const [k, v] of sample()) {
      expect(out.tensors[k]!.dtype).toBe(v.dtype);
      expect(out.tensors[k]!.shape).toEqual(v.shape);
      if (v.dtype === "F32") expect(out.tensors[k]!.values).toEqual(values(v));
    }
  });

  it("saves atomically: the file appears whole and no temporary file is left", async () => {
    const path = join(tmp, "atomic.safetensors");
    writeFileSync(path, "old");
    await saveSafetensorsAtomically(path, sample());
    expect(readdirSync(tmp).filter((f) => f.includes("atomic"))).toEqual(["atomic.safetensors"]);
    expect([...(await loadSafetensors(path)).keys()]).toEqual([...sample().keys()]);
    await expect(saveSafetensorsAtomically(join(tmp, "no-such-dir", "x.safetensors"), sample())).rejects.toThrow();
    expect(existsSync(join(tmp, "no-such-dir"))).toBe(false);
  });

  it("rejects a tensor whose data does not match its shape", () => {
    expect(() => writeSafetensors(new Map([["a", { shape: [3], data: new Float32Array(2), dtype: "F32" as const }]]))).toThrow(/3 elements/);
  });
});

describe("malformed files give a WeightsError naming the file and the fault", () => {
  const f32 = (n: number) => new Uint8Array(n * 4);
  const ok = { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, RegExp][] = [
    ["too short", new Uint8Array(5), /too short/],
    ["header length past the end", (() => { const b = file(ok, f32(2)); new DataView(b.buffer).setBigUint64(0, 1n << 40n, true); return b; })(), /runs past the end/],
    ["header length 2^64 - 1", (() => { const b = file(ok, f32(2)); new DataView(b.buffer).setBigUint64(0, (1n << 64n) - 1n, true); return b; })(), /runs past the end/],
    ["header not JSON", file(null, f32(0), "{not json}"), /not valid JSON/],
    ["header a JSON list", file(null, f32(0), "[1, 2]"), /not a JSON object/],
    ["header a JSON string", file(null, f32(0), '{"a"'), /not valid JSON/],
    ["invalid UTF-8", file(null, f32(0), "{}").map((b, i) => (i === 8 ? 0xff : b)), /UTF-8/],
    ["unknown dtype", file({ a: { dtype: "F31", shape: [2], data_offsets: [0, 8] } }, f32(2)), /"a": unknown dtype "F31"/],
    ["unsupported dtype", file({ a: { dtype: "U8", shape: [8], data_offsets: [0, 8] } }, f32(2)), /dtype U8 is not supported/],
    ["shape/offset mismatch", file({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, f32(2)), /needs 12 bytes but data_offsets \[0, 8\] hold 8/],
    ["negative dimension", file({ a: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, f32(2)), /non-negative integer/],
    ["fractional offsets", file({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8.5] } }, f32(2)), /not non-negative integers/],
    ["offsets out of bounds", file({ a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, f32(2)), /run past the end of the data/],
    ["reversed offsets", file({ a: { dtype: "F32", shape: [2], data_offsets: [8, 0] } }, f32(2)), /end before they begin/],
    [
      "overlapping offsets",
      file({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, f32(3)),
      /"b".*overlap/,
    ],
    [
      "a gap between tensors",
      file({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }, f32(3)),
      /"b".*gap after byte 4/,
    ],
    ["trailing bytes", file(ok, f32(3)), /trailing bytes/],
    ["truncated data", file({ a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, f32(3)), /past the end of the data/],
    ["an entry that is not an object", file({ a: 3 }), /"a": its header entry is not an object/],
    ["metadata not strings", file({ __metadata__: { n: 1 } }), /"__metadata__" entry "n" is not a string/],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      expect(() => readSafetensors(bytes, "bad.safetensors")).toThrow(WeightsError);
      expect(() => readSafetensors(bytes, "bad.safetensors")).toThrow(/^bad\.safetensors: /);
      expect(() => readSafetensors(bytes, "bad.safetensors")).toThrow(message);
    });
  }

  it("accepts an empty file of no tensors", () => {
    expect(readSafetensors(file({}), "x").size).toBe(0);
  });

  it("a missing file", async () => {
    await expect(loadSafetensors(join(tmp, "missing.safetensors"))).rejects.toThrow(WeightsError);
  });
});

describe("fuzzing: only WeightsError, whatever the bytes", () => {
  const valid = writeSafetensors(sample(), { format: "pt" });
  const fixture = new Uint8Array(readFileSync(join(FIXTURES, "mixed.safetensors")));

  function onlyWeightsError(bytes: Uint8Array): void {
    try {
      readSafetensors(bytes, "fuzz.safetensors");
    } catch (e) {
      if (!(e instanceof WeightsError)) throw e;
    }
  }

  it("random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => onlyWeightsError(b)), { numRuns: 2000 });
  });

  it("random bytes after a plausible header length", () => {
    fc.assert(
      fc.property(fc.nat(300), fc.uint8Array({ maxLength: 300 }), (n, rest) => {
        const b = new Uint8Array(8 + rest.length);
        new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
        b.set(rest, 8);
        onlyWeightsError(b);
      }),
      { numRuns: 2000 },
    );
  });

  it("mutated valid files (byte flips, truncation, insertion)", () => {
    for (const base of [valid, fixture]) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
          fc.nat(base.length),
          fc.uint8Array({ maxLength: 8 }),
          (flips, cut, inserted) => {
            const b = new Uint8Array(base);
            for (const [i, v] of flips) b[i] = v;
            onlyWeightsError(b.subarray(0, cut));
            onlyWeightsError(b);
            const at = Math.min(cut, b.length);
            const c = new Uint8Array(b.length + inserted.length);
            c.set(b.subarray(0, at));
            c.set(inserted, at);
            c.set(b.subarray(at), at + inserted.length);
            onlyWeightsError(c);
          },
        ),
        { numRuns: 1000 },
      );
    }
  });

  it("mutated headers (structured)", () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.integer({ min: -20, max: 1e6 }),
        fc.double(),
        fc.constantFrom("F32", "I64", "F16", "BF16", "F64", "I32", "U8", "X"),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom("dtype", "shape", "data_offsets", "a", "__metadata__"), tie("value"), { maxKeys: 4 }),
        fc.constant(null),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), json.value, { maxKeys: 4 }), fc.uint8Array({ maxLength: 64 }), (h, data) =>
        onlyWeightsError(file(h, data)),
      ),
      { numRuns: 2000 },
    );
  });
});
