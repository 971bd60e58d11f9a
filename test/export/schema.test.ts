// The ONNX schema the exporter encodes with is onnx.proto's, and the encoding is what
// the onnx package reads: generated from the shipped .proto, and a broken model is
// caught by the checker (so that the checker tests can fail).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel, exportOnnx, onnxModel } from "../../export/onnx/index.js";
import { randomStateDict } from "../../export/onnx/session.js";
import { checkModels, compileNetwork, onnxChecker } from "./support.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("the ONNX schema", () => {
  it("export/onnx/schema.ts is generated from export/onnx/onnx.proto", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "gen-onnx-schema.mjs"), "--check"], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, `${r.stderr}\nregenerate: node scripts/gen-onnx-schema.mjs`).toBe(0);
  }, 120_000);

  it("round-trips a model through protobufjs", async () => {
    const graph = await compileNetwork("lenet5");
    const bytes = exportOnnx(graph, randomStateDict(graph));
    const model = decodeModel(bytes);
    expect(model.ir_version).toBe(8);
    expect(model.graph.node.map((n) => n.op_type)).toContain("Conv");
    expect(model.graph.initializer.find((t) => t.name === "features.0.weight")?.dims).toEqual([6, 1, 5, 5]);
  }, 60_000);

  it.skipIf(!onnxChecker())("a broken model fails the checker", async () => {
    const graph = await compileNetwork("lenet5");
    const { model } = onnxModel(graph, randomStateDict(graph));
    model.graph.node[0].input[1] = "no_such_value";
    const dir = mkdtempSync(join(tmpdir(), "netc-onnx-broken-"));
    try {
      writeFileSync(join(dir, "broken.onnx"), encodeModel(model));
      const failed = checkModels([join(dir, "broken.onnx")]);
      expect(Object.values(failed)[0]).toMatch(/no_such_value/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
