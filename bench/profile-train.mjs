// Profile (not a test): where an epoch of training goes, per kernel and phase (forward,
// backward, optimizer), the copies between the wasm and cpu backends, and data loading.
// CPU time of this process (process.cpuUsage), so that other load on a shared machine
// counts less than in wall time. Run after `npm run build`:
//   node bench/profile-train.mjs lenet5 [batches]   |   node bench/profile-train.mjs cifar_resnet [batches]
import { compileFile } from "../dist/compiler/compile.js";
import { findLibraryNetwork } from "../dist/compiler/modules.js";
import { useBackend, tf } from "../dist/runtime/backend.js";
import { Model } from "../dist/runtime/model.js";
import { Trainer, loadGradients } from "../dist/runtime/train.js";
import { mnist } from "../dist/runtime/data.js";
import { registerWasmFallbacks } from "../dist/runtime/fallback.js";
import { registerWasmStepKernels } from "../dist/runtime/grad-kernels/wasm-step.js";

const [name = "lenet5", batchesArg] = process.argv.slice(2);
const backend = process.env.BACKEND ?? "wasm";
await useBackend(backend);
await loadGradients();
const added = backend === "wasm" ? new Set(registerWasmFallbacks()) : new Set();
if (backend === "wasm") registerWasmStepKernels(); // before the kernels are wrapped below, as the Trainer would after
const r = await compileFile(findLibraryNetwork(name), { network: name });
const model = new Model(r.graph, { seed: 0 });
const data = name === "lenet5" ? mnist() : synthetic([3, 32, 32], 10, 2048, 256);
if (batchesArg) data.train = { ...data.train, n: Math.min(data.train.n, 32 * Number(batchesArg)) };

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const table = new Map(); // "phase kernel" -> ms
const add = (key, ms) => table.set(key, (table.get(key) ?? 0) + ms);
let phase = "other";
let inFallback = false; // in a kernel that runs on the cpu backend: its reads and writes are copies
for (const k of tf.getKernelsForBackend(tf.getBackend())) {
  const config = tf.getKernel(k.kernelName, tf.getBackend());
  const f = config.kernelFunc;
  const label = added.has(k.kernelName) ? `${k.kernelName} (on cpu, copies included)` : k.kernelName;
  const fallback = added.has(k.kernelName);
  config.kernelFunc = (a) => { const t = cpu(); inFallback = fallback; try { return f(a); } finally { inFallback = false; add(`${phase}\t${label}`, cpu() - t); } };
}
if (backend === "wasm") { // copies between the backends, inside the fallback kernels above
  const wasm = tf.backend(); const [read, write] = [wasm.readSync.bind(wasm), wasm.write.bind(wasm)];
  wasm.readSync = (...a) => { const t = cpu(); const v = read(...a); if (inFallback) add("copies (within the kernels on cpu)\twasm -> cpu", cpu() - t); return v; };
  wasm.write = (v, s, d) => { const t = cpu(); const id = write(v, s, d); if (inFallback) add("copies (within the kernels on cpu)\tcpu -> wasm", cpu() - t); return id; };
}
const forward = model.forward.bind(model);
model.forward = (...a) => { const p = phase; phase = "forward"; try { return forward(...a); } finally { phase = p === "other" ? "backward" : p; } };
const trainer = new Trainer(model, data, { epochs: 1, batch: 32, optimizer: "adam", lr: 0.002, momentum: 0, weightDecay: 0, freeze: [], seed: 0 });
const apply = trainer.optimizer.applyGradients.bind(trainer.optimizer);
trainer.optimizer.applyGradients = (g) => { phase = "optimizer"; try { return apply(g); } finally { phase = "other"; } };
const step = trainer.step.bind(trainer);
let stepMs = 0;
trainer.step = async (...a) => { phase = "other"; const t = cpu(); try { return await step(...a); } finally { stepMs += cpu() - t; } };
trainer.evaluate = async () => ({ loss: 0, accuracy: 0 }); // the epoch only
const [t0, w0] = [cpu(), performance.now()];
await trainer.run();
const [total, wall] = [cpu() - t0, performance.now() - w0];
add("data\tgather, augment, batch loop", total - stepMs);
const rows = [...table].sort((a, b) => b[1] - a[1]);
console.log(`${name}, ${data.train.n} images, batch 32, ${backend}: ${(total / 1000).toFixed(2)} s CPU, ${(wall / 1000).toFixed(2)} s wall`);
console.log("| phase | kernel | CPU ms | share |\n|---|---|---:|---:|");
let shown = 0;
for (const [k, ms] of rows) {
  if (ms / total < 0.005) continue;
  shown += ms;
  const [p, kernel] = k.split("\t");
  console.log(`| ${p} | ${kernel} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)}% |`);
}
console.log(`| | rest (kernels under 0.5% each, tfjs bookkeeping) | ${(total - shown).toFixed(0)} | ${((100 * (total - shown)) / total).toFixed(1)}% |`);

function synthetic(shape, classes, n, nTest) {
  const size = shape.reduce((a, b) => a * b, 1);
  let s = 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const split = (m) => ({ x: Float32Array.from({ length: m * size }, () => rnd() * 2 - 1), y: Int32Array.from({ length: m }, (_, i) => i % classes), n: m });
  return { name: "synthetic", shape, classes: Array.from({ length: classes }, (_, i) => String(i)), train: split(n), test: split(nTest) };
}
