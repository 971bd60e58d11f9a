// Benchmark (not a test): prints times and ratios, asserts nothing.
//   1. a whole `netc summary resnet152 --json` process, against `node -e 0`, with the
//      parse cache warm (the usual case) and with it off (NETC_NO_CACHE=1);
//   2. compiling generated networks of 10,000 and 20,000 layers (parse + elaborate +
//      count), written out line by line, and the ratio of the two;
//   3. whole `netc check`, `summary` and `summary --json` processes on 100,000, 250,000
//      and 1,000,000 written-out layers and on a million in one `repeat` (no parse
//      cache): wall and CPU time and peak RSS by /usr/bin/time, the million against the
//      goal of 10 s and 2 GB. Wall time moves with the machine's other work; CPU less.
//      History: 29 November (load 20) 250,000 layers took 17 s CPU and 0.9 GB (3.9 KB
//      a layer); a written-out million was refused. 30 November, quiet machine, a
//      million written out: check 4.9 s, summary 5.6 s, --json 6.4-7.1 s, 0.55-0.59 GB
//      (docs/architecture.md, Robustness). Limits: 10,000,000 tokens before reading,
//      4,000,000 in lines that do not repeat an earlier one, 1,100,000 layers.
// Run after `npm run build`: npm run bench
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileFile } from "../dist/compiler/compile.js";

const root = new URL("..", import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeProcess(args, env = {}, runs = 15) {
  const times = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}`);
    if (i >= 2) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { median: median(times), min: Math.min(...times) };
}

function generated(layers) {
  // A plain stack of 3x3 convolutions with batch norm and ReLU, three lines a unit.
  const lines = ["network deep {", "  input 16x32x32"];
  for (let i = 0; lines.length - 2 < layers; i++) lines.push("  conv 16, 3x3, pad = 1, bias = false", "  batchnorm", "  relu");
  lines.length = layers + 2;
  lines.push("}");
  return lines.join("\n") + "\n";
}

async function timeCompile(layers, runs = 5) {
  const dir = mkdtempSync(join(tmpdir(), "netc-bench-"));
  const file = join(dir, `deep${layers}.net`);
  const text = generated(layers);
  writeFileSync(file, text);
  process.env.NETC_NO_CACHE = "1";
  const times = [];
  for (let i = 0; i < runs + 1; i++) {
    const t = performance.now();
    const r = await compileFile(file);
    if (!r.graph || r.graph.nodes.length !== layers + 1) throw new Error(`expected ${layers} layers`);
    if (i > 0) times.push(performance.now() - t);
  }
  delete process.env.NETC_NO_CACHE;
  return median(times);
}

const node = timeProcess(["-e", "0"]);
const warm = timeProcess(["bin/netc.js", "summary", "resnet152", "--json"]);
const cold = timeProcess(["bin/netc.js", "summary", "resnet152", "--json"], { NETC_NO_CACHE: "1" }, 8);
const t10 = await timeCompile(10_000);
const t20 = await timeCompile(20_000);

/** Wall and CPU seconds (user + sys) and peak RSS of one netc process on `layers` layers, written out or as one repeat. */
function cpuOfWritten(layers, command, repeat = false) {
  const dir = mkdtempSync(join(tmpdir(), "netc-bench-"));
  const file = join(dir, `written${layers}.net`);
  const body = repeat ? `  repeat ${layers} { conv 3, 3x3, pad = 1 }\n` : "  conv 3, 3x3, pad = 1\n".repeat(layers);
  writeFileSync(file, `network long {\n  input 3x8x8\n${body}}\n`);
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", process.execPath, "bin/netc.js", ...command, file], {
    cwd: root, env: { ...process.env, NETC_NO_CACHE: "1" }, encoding: "utf8", maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`netc ${command.join(" ")} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const [wall, user, sys, kb] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { wall, cpu: user + sys, mb: kb / 1024 };
}
const written = [];
for (const layers of [100_000, 250_000, 1_000_000])
  for (const command of [["check"], ["summary"], ["summary", "--json"]]) written.push({ layers, command: command.join(" "), ...cpuOfWritten(layers, command) });
for (const command of [["check"], ["summary"], ["summary", "--json"]]) written.push({ layers: 1_000_000, command: command.join(" "), repeat: true, ...cpuOfWritten(1_000_000, command, true) });

const f = (x) => `${x.toFixed(1)} ms`;
console.log(`machine: ${execFileSync("nproc").toString().trim()} cores, node ${process.version}`);
console.log(`node -e 0 (the floor)                       ${f(node.median)}  (min ${f(node.min)})`);
console.log(`netc summary resnet152 --json               ${f(warm.median)}  (min ${f(warm.min)})  netc's own share ${f(warm.median - node.median)}`);
console.log(`  same, parse cache off (NETC_NO_CACHE=1)   ${f(cold.median)}  (min ${f(cold.min)})  netc's own share ${f(cold.median - node.median)}`);
console.log(`compile 10,000 layers (parse+elaborate+count) ${f(t10)}`);
console.log(`compile 20,000 layers                         ${f(t20)}`);
console.log(`ratio 20,000 / 10,000                         ${(t20 / t10).toFixed(2)}  (linear: 2.00)`);
// The goal (issue 13): a million layers in under 10 s and 2 GB on the 2-core machine.
for (const w of written)
  console.log(`netc ${w.command.padEnd(14)} ${String(w.layers).padStart(7)} ${w.repeat ? "layers in one repeat" : "written-out layers"}: ${w.wall.toFixed(1)} s wall, ${w.cpu.toFixed(1)} s CPU, ${w.mb.toFixed(0)} MB peak` +
    (w.layers === 1_000_000 ? `  (goal 10 s, 2,048 MB: ${(w.wall / 10).toFixed(2)}x, ${(w.mb / 2048).toFixed(2)}x)` : ""));
