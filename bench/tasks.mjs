// Benchmark (not a test): the full runs of docs/tasks.md's commands, from synthetic data
// to the held-out metric, against the goals of issue 18 (mAP@0.5 >= 0.7 for yolo_tiny and
// ssd_tiny, mean IoU >= 0.8 for seg_tiny). Prints, for each step, the epochs, the CPU time (user +
// system, of the netc process and its threads) and the clock time. Run after `npm run build`:
//   nice node bench/tasks.mjs                 the three networks, into a temporary folder
//   BENCH_NETS=ssd_tiny node bench/tasks.mjs  (some of yolo_tiny, ssd_tiny, seg_tiny)
//   BENCH_AUGMENT=flip,scale node bench/tasks.mjs   (netc train's --augment; default flip)
// NETC=path/to/netc.js runs another build of the CLI (default: bin/netc.js).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const netcBin = process.env.NETC ?? join(root, "bin/netc.js");
const only = process.env.BENCH_NETS?.split(",");
const augment = process.env.BENCH_AUGMENT ?? "flip";
const dir = mkdtempSync(join(tmpdir(), "netc-bench-tasks-"));

/** The documented commands, run as written (with the folders in `dir`). */
const runs = [
  {
    task: "detection", data: "detection", net: "yolo_tiny", goal: 0.7, metric: "map", name: "mAP@0.5",
    synth: ["--task", "detection", "-n", "2000"],
    train: ["--epochs", "3", "--batch", "32", "--augment", augment],
  },
  {
    task: "detection", data: "shapes", net: "ssd_tiny", goal: 0.7, metric: "map", name: "mAP@0.5",
    synth: ["--task", "detection", "-n", "1000"],
    train: ["--epochs", "3", "--batch", "32", "--augment", augment],
  },
  {
    task: "segmentation", data: "segmentation", net: "seg_tiny", goal: 0.8, metric: "meanIou", name: "mean IoU",
    synth: ["--task", "segmentation", "-n", "400", "--seed", "1"],
    train: ["--epochs", "2", "--batch", "16", "--augment", augment],
  },
];

/** Runs `netc ARGS` under /usr/bin/time: its stdout, CPU seconds (user + system) and clock seconds. */
function netc(args) {
  console.log(`  $ netc ${args.join(" ").replaceAll(dir + "/", "")}`);
  const timeFile = join(dir, "time.txt");
  // netc's progress (one line per epoch) shows as it runs: stderr passed through
  const r = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "TIME %U %S %e", process.execPath, netcBin, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"] });
  const t = /TIME ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(timeFile, "utf8"));
  if (r.status !== 0 || !t) throw new Error(`netc ${args.join(" ")} failed (exit ${r.status})`);
  const cpu = Number(t[1]) + Number(t[2]);
  const wall = Number(t[3]);
  console.log(`    CPU ${cpu.toFixed(1)} s, wall ${wall.toFixed(1)} s`);
  return { stdout: r.stdout, cpu, wall };
}

console.log(`netc bench/tasks.mjs, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(", ")} before the runs`);
let failed = false;
try {
  for (const run of runs.filter((r) => !only || only.includes(r.net))) {
    console.log(`\n${run.net} (${run.task})`);
    const data = join(dir, run.data);
    const weights = join(dir, `${run.net}.safetensors`);
    netc(["data", "synth", ...run.synth, "-o", data]);
    const train = netc(["train", run.net, "--data", data, ...run.train, "--checkpoint", weights, "--json"]);
    const summary = JSON.parse(train.stdout.trim().split("\n").pop());
    for (const e of summary.history) console.log(`    epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, test loss ${e.testLoss.toFixed(4)} (${e.seconds.toFixed(1)} s)`);
    const ev = netc(["eval", run.net, "--data", data, "--weights", weights, "--json"]);
    const r = JSON.parse(ev.stdout.trim().split("\n").pop());
    const value = r[run.metric];
    const ok = value >= run.goal;
    failed ||= !ok;
    const per = r.ap ?? r.iou;
    console.log(`  ${run.name} ${(100 * value).toFixed(2)}% on ${r.images} held-out images (goal ${100 * run.goal}%: ${ok ? "reached" : "NOT reached"})`);
    console.log(`    ${Object.entries(per).map(([c, v]) => `${c} ${v === null ? "—" : (100 * v).toFixed(2) + "%"}`).join(", ")}`);
    console.log(`  ${summary.epochs} epochs; train CPU ${train.cpu.toFixed(0)} s, wall ${train.wall.toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
