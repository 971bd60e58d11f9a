// The PyTorch parity fixtures (test/parity/, scripts/gen-parity-fixtures.py) are
// consistent with the .net files that mirror them: the same tensor names, shapes and
// kinds, the same parameter count, inputs and outputs of the compiled shapes. Checks
// the fixtures and the readers only; running the networks is the executor's test.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { compileFile } from "../../compiler/compile.js";
import { summaryJson } from "../../compiler/summary.js";
import { readNpy } from "../../runtime/npy.js";
import { readSafetensors } from "../../runtime/safetensors.js";

const PARITY = join(import.meta.dirname, "..", "parity");
const NETWORKS = ["lenet5", "tinyres", "convs", "pools", "acts", "deconv"];

describe("parity fixtures match their .net files", () => {
  it("lenet5.net is networks/lenet5.net", () => {
    expect(readFileSync(join(PARITY, "lenet5.net"), "utf8")).toBe(
      readFileSync(join(import.meta.dirname, "..", "..", "networks", "lenet5.net"), "utf8"),
    );
  });

  for (const name of NETWORKS) {
    it(name, async () => {
      const r = await compileFile(join(PARITY, `${name}.net`));
      expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
      const summary = summaryJson(r.graph!, r.counts!);

      const file = `${name}.safetensors`;
      const state = readSafetensors(readFileSync(join(PARITY, file)), file);
      const netc = summary.tensors.map((t) => `${t.name} [${t.shape.join(", ")}] ${t.kind === "counter" ? "I64" : "F32"}`).sort();
      const torch = [...state].map(([k, t]) => `${k} [${t.shape.join(", ")}] ${t.dtype}`).sort();
      expect(netc).toEqual(torch);

      const params = summary.tensors.filter((t) => t.kind === "parameter").reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
      expect(summary.params).toBe(params);
      const bytes = readFileSync(join(PARITY, file));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0)))));
      expect(header.__metadata__.params).toBe(String(summary.params));

      const input = readNpy(readFileSync(join(PARITY, `${name}.input.npy`)), `${name}.input.npy`);
      const output = readNpy(readFileSync(join(PARITY, `${name}.output.npy`)), `${name}.output.npy`);
      expect(input.shape).toEqual([2, ...summary.inputs[0]!.shape]);
      expect(output.shape).toEqual([2, ...summary.outputs[0]!.shape]);
      expect(output.data.every(Number.isFinite)).toBe(true);

      // Batch norm statistics are not the defaults, so that the executor must load them.
      for (const [k, t] of state) {
        if (k.endsWith("running_var")) expect(Array.from(t.data as Float32Array).some((v) => v !== 1)).toBe(true);
        if (k.endsWith("running_mean")) expect(Array.from(t.data as Float32Array).some((v) => v !== 0)).toBe(true);
        if (k.endsWith("num_batches_tracked")) expect(t).toMatchObject({ dtype: "I64", shape: [] });
      }
    });
  }
});
