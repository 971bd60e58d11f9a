// npm run parity: the large torchvision networks of the library, run by netc's runtime
// and by PyTorch on the same random weights (batch-norm statistics random too) and the
// same input; prints the largest difference relative to the output's scale.
// Needs /usr/bin/python3 with torch and torchvision; builds nothing (run npm run build first).
// usage: npm run parity -- [--backend wasm|cpu|webgpu] [--adapter hardware|software] [NAME...]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileFile } from "../dist/compiler/compile.js";
import { findLibraryNetwork } from "../dist/compiler/modules.js";
import { useBackend, backendDescription, BackendError, Model, readNpy, loadSafetensors } from "../dist/runtime/index.js";

import { parseArgs } from "node:util";
const { values: flags, positionals } = parseArgs({ allowPositionals: true, options: { backend: { type: "string" }, adapter: { type: "string" } } });
const names = positionals.length
  ? positionals
  : ["alexnet", "vgg11_bn", "resnet50", "resnext50_32x4d", "wide_resnet50_2", "densenet121", "googlenet", "inception_v3",
     "squeezenet1_0", "squeezenet1_1", "mobilenet_v2", "efficientnet_b0",
     "mobilenet_v3_large", "mobilenet_v3_small", "shufflenet_v2_x1_0", "regnet_x_400mf", "regnet_y_400mf", "mnasnet1_0"];
const dir = mkdtempSync(join(tmpdir(), "netc-parity-"));
const py = spawnSync("/usr/bin/python3", [new URL("./parity-torchvision.py", import.meta.url).pathname, dir, ...names], { stdio: ["ignore", "ignore", "inherit"] });
if (py.status !== 0) {
  console.log("parity: /usr/bin/python3 with torch and torchvision is needed (Debian: python3-torch python3-torchvision)");
  process.exit(py.status ?? 1);
}
const tf = await useBackend(flags.backend ?? process.env.NETC_BACKEND ?? "wasm", { adapter: flags.adapter });
let worst = 0;
console.log(`network              max |netc - torch| / max |torch|   (${backendDescription()}, batch 2, random weights)`);
for (const name of names) {
  const r = await compileFile(findLibraryNetwork(name), { network: name });
  let model;
  try {
    model = new Model(r.graph);
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    console.log(`${name.padEnd(20)} skipped: ${e.message}`); // too large for this adapter
    continue;
  }
  model.loadStateDict(await loadSafetensors(join(dir, `${name}.safetensors`)));
  const x = readNpy(readFileSync(join(dir, `${name}.input.npy`)), "input");
  const want = readNpy(readFileSync(join(dir, `${name}.output.npy`)), "output").data;
  const input = tf.tensor(x.data, x.shape);
  const [y] = model.forward([input]);
  const got = await y.data();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) [diff, scale] = [Math.max(diff, Math.abs(got[i] - want[i])), Math.max(scale, Math.abs(want[i]))];
  worst = Math.max(worst, diff / scale);
  console.log(`${name.padEnd(20)} ${(diff / scale).toExponential(2).padStart(10)}   ${diff / scale < 1e-4 ? "ok" : "DIFFERS"}`);
  tf.dispose([input, y]);
  model.dispose();
}
rmSync(dir, { recursive: true, force: true });
process.exitCode = worst < 1e-4 ? 0 : 1;
