// Benchmark (not a test): ResNet-50 and MobileNetV2 inference at batch 1 and 8 through
// onnxruntime (`netc bench --backend onnxruntime`: the network exported to ONNX and run by
// onnxruntime-node's CPU provider), netc's wasm backend (`netc bench`), and PyTorch when
// /usr/bin/python3 has torch and torchvision, every engine on every core; with the
// ratios. Random weights. Run after `npm run build`: npm run bench (or node bench/onnx.mjs).
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const ITER = Number(process.env.BENCH_ITERATIONS ?? 5);
const threads = availableParallelism();
const BIN = fileURLToPath(new URL("../bin/netc.js", import.meta.url));
const NETWORKS = ["resnet50", "mobilenet_v2"];
const BATCHES = [1, 8];

function netcBench(network, batch, backend) {
  const args = [BIN, "bench", network, "--batch", String(batch), "--iterations", String(ITER), "--threads", String(threads), "--backend", backend, "--json"];
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) return { error: (r.stderr || "").trim().split("\n").pop() };
  return { ms: JSON.parse(r.stdout).msPerBatch };
}

const py = `
import time, json, torch, torchvision
torch.set_num_threads(${threads})
out = {}
with torch.no_grad():
    for name in ${JSON.stringify(NETWORKS)}:
        m = getattr(torchvision.models, name)().eval()
        for b in ${JSON.stringify(BATCHES)}:
            x = torch.randn(b, 3, 224, 224)
            ts = []
            for i in range(${ITER} + 2):
                s = time.perf_counter(); m(x); ts.append((time.perf_counter() - s) * 1000)
            ts = sorted(ts[2:]); out[f"{name}/{b}"] = ts[len(ts) // 2]
print(json.dumps(out))`;

const rows = [];
for (const network of NETWORKS)
  for (const batch of BATCHES)
    rows.push({ network, batch, ort: netcBench(network, batch, "onnxruntime"), wasm: netcBench(network, batch, "wasm") });
const torch = spawnSync("/usr/bin/python3", ["-c", py], { encoding: "utf8" });
const pytorch = torch.status === 0 ? JSON.parse(torch.stdout.trim().split("\n").pop()) : null;

const ms = (r) => (r.ms === undefined ? "error".padStart(9) : `${r.ms.toFixed(1)}`.padStart(9));
const ratio = (a, b) => (a === undefined || b === undefined ? "-".padStart(8) : (a / b).toFixed(2).padStart(8));
console.log(`\nInference, random weights, 224x224, ${threads} threads each, median of ${ITER} (ms per batch)`);
console.log(`network        batch  onnxruntime     wasm  PyTorch   ort/PyTorch  wasm/PyTorch  ort/wasm`);
for (const r of rows) {
  const t = pytorch?.[`${r.network}/${r.batch}`];
  console.log(
    `${r.network.padEnd(14)} ${String(r.batch).padStart(5)}  ${ms(r.ort).padStart(11)} ${ms(r.wasm)} ${t === undefined ? "      n/a" : t.toFixed(1).padStart(8)}` +
      `   ${ratio(r.ort.ms, t).padStart(11)}  ${ratio(r.wasm.ms, t).padStart(12)}  ${ratio(r.ort.ms, r.wasm.ms)}`,
  );
}
for (const r of rows) for (const [k, v] of Object.entries({ onnxruntime: r.ort, wasm: r.wasm })) if (v.error) console.log(`${r.network} b${r.batch} ${k}: ${v.error}`);
if (!pytorch) console.log(`PyTorch: not available (${(torch.stderr || "").trim().split("\n").pop()})`);
console.log(`target (issue 16): onnxruntime at most 0.8x PyTorch's time at batch 1 and 8`);
