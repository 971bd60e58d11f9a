// convolutionize --weights checks the checkpoint against the network before writing
// anything: a missing, misshapen or extra (`__proto__`) tensor wrote converted weights,
// and the -o .net before failing.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { weightName } from "../../compiler/ir.js";
import { writeSafetensors } from "../../runtime/safetensors.js";
import type { StateTensor } from "../../runtime/state.js";
import { clean, netc, scratch } from "./cli-support.js";

const dir = scratch("convw");
const net = join(dir, "v.net");
const text = "network v {\n  input 3x8x8\n  conv 4, 3x3, pad = 1\n  flatten\n  fc: linear 10\n}\n";
writeFileSync(net, text);

async function checkpoint(): Promise<Map<string, StateTensor>> {
  const g = (await compileFile(net, { text })).graph!;
  const m = new Map<string, StateTensor>();
  for (const n of g.nodes) for (const w of n.weights) m.set(weightName(n, w), { shape: [...w.shape], dtype: "F32", data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)) });
  return m;
}

async function attempt(name: string, bytes: Uint8Array) {
  const w = join(dir, `${name}.safetensors`);
  writeFileSync(w, bytes);
  const o = join(dir, `${name}_fcn.net`);
  const wo = join(dir, `${name}_fcn.safetensors`);
  const r = await netc("convolutionize", net, "-o", o, "--weights", w, "--weights-out", wo);
  return { r, wrote: existsSync(o) || existsSync(wo) };
}

describe("convolutionize --weights", () => {
  it("a good checkpoint converts", async () => {
    const { r, wrote } = await attempt("good", writeSafetensors(await checkpoint()));
    expect(r.code, r.stderr).toBe(0);
    expect(wrote).toBe(true);
  }, 60_000);

  it("a missing tensor: nothing written", async () => {
    const m = await checkpoint();
    m.delete("fc.bias");
    const { r, wrote } = await attempt("missing", writeSafetensors(m));
    expect(clean(r), r.stderr).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("fc.bias is missing");
    expect(wrote).toBe(false);
  }, 60_000);

  it("a tensor of the wrong shape: nothing written", async () => {
    const m = await checkpoint();
    m.set("fc.weight", { shape: [10, 255], dtype: "F32", data: new Float32Array(2550) });
    const { r, wrote } = await attempt("shape", writeSafetensors(m));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("fc.weight is [10, 255], but v's is [10, 256]");
    expect(wrote).toBe(false);
  }, 60_000);

  it("an extra __proto__ tensor: nothing written", async () => {
    const m = await checkpoint();
    m.set("zzproto__", { shape: [1], dtype: "F32", data: new Float32Array(1) });
    const bytes = writeSafetensors(m);
    const at = Buffer.from(bytes).indexOf("zzproto__");
    bytes.set(Buffer.from("__proto__"), at);
    const { r, wrote } = await attempt("proto", bytes);
    expect(clean(r), r.stderr).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"__proto__" is not a tensor of v');
    expect(wrote).toBe(false);
  }, 60_000);
});
