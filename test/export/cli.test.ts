// `netc export` and `--backend onnxruntime`, run as the built command line: the file
// written, its names and batch, the outputs against the wasm backend's, and clean
// errors (exit 1 or 2, no stack trace, no file left behind).
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeModel } from "../../export/onnx/index.js";
import { checkModels, onnxChecker, relativeError } from "./support.js";
import { readNpy } from "../../runtime/npy.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "netc.js");
const PARITY = join(ROOT, "test", "parity");
const TIMEOUT = 180_000; // a loaded 2-core machine

let dir: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "bundle", "netc.js"))) execSync("npm run build", { cwd: ROOT, stdio: "inherit" });
  dir = mkdtempSync(join(tmpdir(), "netc-export-cli-"));
}, TIMEOUT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function netc(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", timeout: TIMEOUT, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

const clean = (s: string) => {
  expect(s).not.toMatch(/^\s+at /m);
  expect(s).not.toMatch(/internal error/);
};

describe("netc export", () => {
  it("writes a bundled network with a dynamic batch, names from the network and the state dict", () => {
    const r = netc(["export", "resnet18", "--format", "onnx", "-o", "r18.onnx"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote r18\.onnx: resnet18, ONNX opset 17, batch dynamic/);
    const model = decodeModel(new Uint8Array(readFileSync(join(dir, "r18.onnx"))));
    expect(model.opset_import[0].version).toBe(17);
    const g = model.graph;
    expect(g.input.map((i) => i.name)).toEqual(["input"]);
    expect(g.output.map((o) => o.name)).toEqual(["output"]);
    expect(g.input[0].type.tensor_type.shape.dim[0]).toEqual({ dim_param: "batch" });
    const names = g.initializer.map((t) => t.name);
    expect(names).toContain("conv1.weight");
    expect(names).toContain("layer1.0.bn1.running_var");
    expect(names).toContain("fc.bias");
    expect(names.some((n) => n.endsWith("num_batches_tracked"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }, TIMEOUT);

  it("takes --weights, --input, --batch, --opset, --fold-batchnorm; the file passes the checker", () => {
    const r = netc(["export", join(PARITY, "tinyres.net"), "-o", "tiny.onnx", "--weights", join(PARITY, "tinyres.safetensors"), "--batch", "2", "--opset", "13", "--fold-batchnorm"]);
    expect(r.code, r.stderr).toBe(0);
    const g = decodeModel(new Uint8Array(readFileSync(join(dir, "tiny.onnx")))).graph;
    expect(g.input[0].type.tensor_type.shape.dim.map((d) => ("dim_value" in d ? d.dim_value : d.dim_param))).toEqual([2, 3, 32, 32]);
    expect(g.node.some((n) => n.op_type === "BatchNormalization")).toBe(false);
    const wider = netc(["export", join(PARITY, "tinyres.net"), "--input", "3x48x40", "-o", "wider.onnx"]);
    expect(wider.code, wider.stderr).toBe(0);
    const dims = decodeModel(new Uint8Array(readFileSync(join(dir, "wider.onnx")))).graph.input[0].type.tensor_type.shape.dim;
    expect(dims.slice(1)).toEqual([{ dim_value: 3 }, { dim_value: 48 }, { dim_value: 40 }]);
    const ext = netc(["export", join(PARITY, "tinyres.net"), "-o", "ext.onnx", "--weights", join(PARITY, "tinyres.safetensors"), "--external-data"]);
    expect(ext.code, ext.stderr).toBe(0);
    expect(existsSync(join(dir, "ext.onnx.data"))).toBe(true);
    if (onnxChecker()) expect(checkModels([join(dir, "tiny.onnx"), join(dir, "wider.onnx"), join(dir, "ext.onnx")])).toEqual({});
  }, TIMEOUT);

  it.each([
    [["export", "lenet5", "-o", "x.onnx", "--opset", "9"], 1, /opset 9 is not supported: netc writes opsets 13 to 21/],
    [["export", "lenet5", "-o", "x.onnx", "--batch", "0"], 2, /--batch takes a positive whole number or dynamic/],
    [["export", "lenet5", "-o", "x.onnx", "--format", "tflite"], 2, /--format takes onnx, pytorch or pytorch-train; got tflite/],
    [["export", "lenet5"], 2, /needs -o FILE/],
    [["export", "fcn8s", "-o", "x.onnx"], 1, /takes any input size .*--input 3x224x224/],
    [["export", "lenet5", "-o", "x.onnx", "--weights", "missing.safetensors"], 1, /missing\.safetensors/],
    [["export", "lenet5", "-o", "x.onnx", "--weights", join(PARITY, "tinyres.safetensors")], 1, /do not fit lenet5 .*missing: conv1\.weight|missing: /s],
    [["export", "lenet5", "-o", join("no", "such", "dir", "x.onnx")], 1, /cannot write no\/such\/dir\/x\.onnx/],
    [["export", "nosuchnet", "-o", "x.onnx"], 2, /no network named nosuchnet/],
  ] as const)("netc %j fails cleanly", (args, code, message) => {
    const r = netc([...args]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(message);
    clean(r.stderr);
    expect(existsSync(join(dir, "x.onnx"))).toBe(false);
  }, TIMEOUT);

  it("replaces an existing file only when the export succeeded", () => {
    mkdirSync(join(dir, "keep"), { recursive: true });
    writeFileSync(join(dir, "keep", "m.onnx"), "old");
    const r = netc(["export", "lenet5", "-o", join("keep", "m.onnx"), "--opset", "99"]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, "keep", "m.onnx"), "utf8")).toBe("old");
  }, TIMEOUT);
});

describe("--backend onnxruntime", () => {
  it("netc run gives the wasm backend's output (and PyTorch's)", () => {
    const args = ["run", join(PARITY, "tinyres.net"), "--weights", join(PARITY, "tinyres.safetensors"), "--input", join(PARITY, "tinyres.input.npy")];
    const a = netc([...args, "--backend", "onnxruntime", "--output", "ort.npy"]);
    expect(a.code, a.stderr).toBe(0);
    const b = netc([...args, "--backend", "wasm", "--output", "wasm.npy"]);
    expect(b.code, b.stderr).toBe(0);
    const read = (f: string) => readNpy(new Uint8Array(readFileSync(join(dir, f))), f).data;
    expect(relativeError(read("ort.npy"), read("wasm.npy"))).toBeLessThan(1e-5);
    expect(relativeError(read("ort.npy"), readNpy(new Uint8Array(readFileSync(join(PARITY, "tinyres.output.npy"))), "want").data)).toBeLessThan(1e-5);
  }, TIMEOUT);

  it("netc bench times it", () => {
    const r = netc(["bench", "lenet5", "--backend", "onnxruntime", "--batch", "4", "--iterations", "2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ network: "lenet5", backend: "onnxruntime (cpu)", batch: 4 });
    expect(result.runs).toHaveLength(2);
  }, TIMEOUT);

  it("reports weights that do not fit, and an unknown provider, without a stack trace", () => {
    const bad = netc(["run", "lenet5", "--weights", join(PARITY, "tinyres.safetensors"), "--input", join(PARITY, "lenet5.input.npy"), "--backend", "onnxruntime"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/do not fit lenet5/);
    clean(bad.stderr);
    const unknown = netc(["bench", "lenet5", "--backend", "onnxruntime-tpu"]);
    expect(unknown.code).toBe(2); // a usage error: the flag's values are listed
    expect(unknown.stderr).toMatch(/--backend takes .*onnxruntime-cuda; got onnxruntime-tpu/);
    clean(unknown.stderr);
  }, TIMEOUT);
});
