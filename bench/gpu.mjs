// Benchmark (not a test): inference on the webgpu backend, fp32, median ms per batch
// after warm-up, beside PyTorch CUDA (eager, cudnn.benchmark) on the same machine when
// its Python has torch with CUDA, as ratios. Run after `npm run build`:
//   npm run bench -- --backend webgpu [--adapter software] [--networks a,b] [--batches 1,8]
// PyTorch is looked for in $NETC_BENCH_PYTHON, else python3 on the PATH.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { compileFile } from "../dist/compiler/compile.js";
import { findLibraryNetwork } from "../dist/compiler/modules.js";
import { useBackend, backendDescription, Model, BackendError } from "../dist/runtime/index.js";

const { values } = parseArgs({ options: { backend: { type: "string" }, adapter: { type: "string" }, networks: { type: "string" }, batches: { type: "string" }, iterations: { type: "string" } } });
const networks = (values.networks ?? "resnet50,mobilenet_v2,densenet121,efficientnet_b0,vgg16,resnet18,googlenet,squeezenet1_1").split(",");
const batches = (values.batches ?? "1,8,32").split(",").map(Number);
const ITER = Number(values.iterations ?? 20);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tf = await useBackend("webgpu", { adapter: values.adapter ?? "hardware" });
console.log(`netc on ${backendDescription()}, fp32, median of ${ITER} after 3 warm-up runs`);
const netc = {};
for (const name of networks) {
  const r = await compileFile(findLibraryNetwork(name), { network: name });
  let model;
  try {
    model = new Model(r.graph);
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    console.log(`${name}: skipped: ${e.message}`);
    continue;
  }
  const shape = r.graph.nodes[r.graph.inputs[0].node].shape;
  for (const b of batches) {
    const x = tf.randomNormal([b, ...shape]);
    const times = [];
    try {
      for (let i = 0; i < ITER + 3; i++) {
        const s = performance.now();
        const [y] = model.forward([x]);
        await y.data();
        y.dispose();
        if (i >= 3) times.push(performance.now() - s);
      }
      netc[`${name}/${b}`] = median(times);
    } catch (e) {
      console.log(`${name} b${b}: ${e.message}`);
    }
    x.dispose();
  }
  model.dispose();
}

const py = `
import json, sys, time
try:
    import torch, torchvision
except Exception as e:
    print(json.dumps({"error": "no torch: %s" % e})); sys.exit(0)
if not torch.cuda.is_available():
    print(json.dumps({"error": "torch %s has no CUDA device here" % torch.__version__})); sys.exit(0)
torch.backends.cudnn.benchmark = True
out = {"device": torch.cuda.get_device_name(0)}
for name in ${JSON.stringify(networks)}:
    if not hasattr(torchvision.models, name): continue
    m = getattr(torchvision.models, name)().eval().cuda()
    size = 299 if name.startswith("inception") else 224
    with torch.no_grad():
        for b in ${JSON.stringify(batches)}:
            x = torch.randn(b, 3, size, size, device="cuda")
            ts = []
            for i in range(${ITER} + 3):
                torch.cuda.synchronize(); s = time.perf_counter(); m(x).cpu(); torch.cuda.synchronize()
                ts.append((time.perf_counter() - s) * 1000)
            ts = sorted(ts[3:]); out["%s/%d" % (name, b)] = ts[len(ts) // 2]
print(json.dumps(out))`;
const r = spawnSync(process.env.NETC_BENCH_PYTHON ?? "python3", ["-c", py], { encoding: "utf8" });
let torch = {};
try {
  torch = JSON.parse(r.stdout.trim().split("\n").pop());
} catch {
  torch = { error: `python3 failed: ${(r.stderr || r.error?.message || "").split("\n").slice(-2).join(" ")}` };
}
console.log(torch.error ? `PyTorch CUDA: not measured (${torch.error})` : `PyTorch CUDA on ${torch.device}`);
console.log("network            batch   netc ms   torch ms   ratio");
for (const key of Object.keys(netc)) {
  const [name, b] = key.split("/");
  const t = torch[key];
  console.log(`${name.padEnd(18)} ${b.padStart(5)} ${netc[key].toFixed(2).padStart(9)} ${t ? t.toFixed(2).padStart(10) : "         -"} ${t ? (netc[key] / t).toFixed(2).padStart(7) : "      -"}`);
}
process.exit(0);
