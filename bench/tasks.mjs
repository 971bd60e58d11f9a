// node bench/tasks.mjs [ssd_tiny|yolo_tiny] [--epochs E] [-n N]: the full run of a
// library detection network on the synthetic shapes, as docs/tasks.md documents it:
// `netc data synth --task detection -n N` (default 1000), `netc train NET --epochs E
// --batch 32 --augment flip` (default 3), `netc eval`; prints each epoch's clock time
// and the held-out mAP@0.5. Run it niced on a shared machine; it takes minutes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { epochs: { type: "string", default: "3" }, n: { type: "string", short: "n", default: "1000" } } });
const net = positionals[0] ?? "ssd_tiny";
const bin = new URL("../bin/netc.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "netc-bench-tasks-"));
const netc = (args) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`netc ${args.join(" ")}: ${r.stderr}`);
  return { out: r.stdout, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
};
try {
  const data = join(dir, "shapes");
  const weights = join(dir, `${net}.safetensors`);
  netc(["data", "synth", "--task", "detection", "-n", values.n, "-o", data]);
  const train = netc(["train", net, "--data", data, "--epochs", values.epochs, "--batch", "32", "--augment", "flip", "--checkpoint", weights, "--json"]);
  const history = JSON.parse(train.out.trim().split("\n").pop()).history;
  const result = JSON.parse(netc(["eval", net, "--data", data, "--weights", weights, "--json"]).out);
  console.log(`${net}: ${values.n} images, ${values.epochs} epochs in ${train.seconds.toFixed(1)} s (${history.map((h) => `${h.seconds.toFixed(1)} s`).join(", ")} an epoch)`);
  console.log(`mAP@0.5 ${(100 * result.map).toFixed(2)}% on ${result.images} held-out images (${Object.entries(result.ap).map(([c, v]) => `${c} ${(100 * v).toFixed(2)}%`).join(", ")})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
