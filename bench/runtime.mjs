// Benchmark (not a test): ResNet-50 inference at batch 1 and 8 on the default backend
// (wasm), with netc's runtime (every core), a plain hand-written tfjs graph (one
// thread), and PyTorch when /usr/bin/python3 has it (2 threads), with the ratios.
// Run after `npm run build`: npm run bench
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { compileFile } from "../dist/compiler/compile.js";
import { findLibraryNetwork } from "../dist/compiler/modules.js";
import { useBackend, Model, ParallelModel } from "../dist/runtime/index.js";
import { buildPlainResnet50 } from "./plain-resnet50.mjs";

const ITER = Number(process.env.BENCH_ITERATIONS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(run) {
  const t = [];
  for (let i = 0; i < ITER + 2; i++) {
    const s = performance.now();
    await run();
    if (i >= 2) t.push(performance.now() - s);
  }
  return median(t);
}

const tf = await useBackend("wasm");
const r = await compileFile(findLibraryNetwork("resnet50"), { network: "resnet50" });
const model = new Model(r.graph);
const threads = availableParallelism();
const parallel = await ParallelModel.start(model, "wasm", threads);
const plain = buildPlainResnet50();
const results = {};
for (const batch of [1, 8]) {
  const x = tf.randomNormal([batch, 3, 224, 224]);
  const xNhwc = tf.transpose(x, [0, 2, 3, 1]);
  results[batch] = {
    netc: await time(async () => tf.dispose(await Promise.all((await parallel.forward([x])).map(async (y) => (await y.data(), y))))),
    netc1: await time(async () => tf.dispose(await Promise.all(model.forward([x]).map(async (y) => (await y.data(), y))))),
    plain: await time(async () => {
      const y = plain(xNhwc);
      await y.data();
      y.dispose();
    }),
  };
  tf.dispose([x, xNhwc]);
}
await parallel.close();

const py = `
import time, torch, torchvision, json
torch.set_num_threads(${threads})
m = torchvision.models.resnet50().eval()
out = {}
with torch.no_grad():
    for b in (1, 8):
        x = torch.randn(b, 3, 224, 224)
        ts = []
        for i in range(${ITER} + 2):
            s = time.perf_counter(); m(x); ts.append((time.perf_counter() - s) * 1000)
        ts = sorted(ts[2:]); out[b] = ts[len(ts) // 2]
print(json.dumps(out))`;
const torch = spawnSync("/usr/bin/python3", ["-c", py], { encoding: "utf8" });
const pytorch = torch.status === 0 ? JSON.parse(torch.stdout.trim().split("\n").pop()) : null;

const f = (x) => `${x.toFixed(0).padStart(6)} ms`;
console.log(`\nResNet-50 inference, random weights, ${threads} cores, tfjs ${tf.version_core} ${tf.getBackend()}; median of ${ITER}`);
console.log(`                                          batch 1      batch 8`);
console.log(`netc runtime (${threads} threads)                 ${f(results[1].netc)}    ${f(results[8].netc)}`);
console.log(`netc runtime (1 thread)                   ${f(results[1].netc1)}    ${f(results[8].netc1)}`);
console.log(`plain hand-written tfjs graph (1 thread)  ${f(results[1].plain)}    ${f(results[8].plain)}`);
if (pytorch) console.log(`PyTorch ${threads} threads (Debian's torch)         ${f(pytorch[1])}    ${f(pytorch[8])}`);
else console.log(`PyTorch: not available (${(torch.stderr || "").trim().split("\n").pop()})`);
console.log(`ratio netc / plain tfjs                   ${(results[1].netc / results[1].plain).toFixed(2).padStart(9)}    ${(results[8].netc / results[8].plain).toFixed(2).padStart(9)}`);
if (pytorch) console.log(`ratio netc / PyTorch                      ${(results[1].netc / pytorch[1]).toFixed(2).padStart(9)}    ${(results[8].netc / pytorch[8]).toFixed(2).padStart(9)}   (target at batch 8: 2.5)`);
