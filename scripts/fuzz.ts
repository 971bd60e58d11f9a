// npm run fuzz [-- --count N --seed S --jobs J --timeout SECONDS]: the grammar-mutation
// fuzzer's long run (scripts/fuzz-lib.ts). Mutants are checked in worker processes, a
// batch each, every one compiled; a worker that does not finish a mutant within the
// timeout, in CPU seconds (scripts/cpu-time.ts), is a hang: it is killed, the mutant is reported, and the run goes on after it.
// Failures are written to fuzz-failures/ (the mutant's text and what went wrong); the
// exit status is 1 if there are any.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { check, mutant, seeds } from "./fuzz-lib.js";
import { cpuSecondsOf } from "./cpu-time.js";

process.env.NETC_NO_CACHE = "1";
const { values } = parseArgs({
  options: {
    count: { type: "string" }, seed: { type: "string" }, jobs: { type: "string" }, timeout: { type: "string" },
    worker: { type: "boolean" }, from: { type: "string" }, to: { type: "string" }, out: { type: "string" },
  },
});
const seed = Number(values.seed ?? 1);

if (values.worker) {
  // One line per mutant: "ok I" or "fail I <json>", so the parent knows where a hang is.
  const all = seeds();
  for (let i = Number(values.from); i < Number(values.to); i++) {
    process.stdout.write(`start ${i}\n`);
    const m = mutant(all, seed, i);
    const bad = await check(m.text, m.file, { compile: true });
    process.stdout.write(bad ? `fail ${i} ${JSON.stringify(bad)}\n` : `ok ${i}\n`);
  }
} else {
  const count = Number(values.count ?? 100_000);
  const jobs = Number(values.jobs ?? Math.max(1, cpus().length - 1));
  const timeout = 1000 * Number(values.timeout ?? 30);
  const out = values.out ?? "fuzz-failures";
  const BATCH = 500;
  const script = fileURLToPath(import.meta.url);
  const all = seeds();
  let next = 0;
  let done = 0;
  const failures: { i: number; what: string }[] = [];
  const hangs: number[] = [];
  const started = Date.now();
  const report = (i: number, what: string) => {
    failures.push({ i, what });
    mkdirSync(out, { recursive: true });
    const m = mutant(all, seed, i);
    writeFileSync(join(out, `seed${seed}-mutant${i}-${basename(m.file)}`), m.text);
    writeFileSync(join(out, `seed${seed}-mutant${i}.txt`), `${m.file}\n${what}\n`);
    console.error(`mutant ${i} (seed ${seed}, of ${basename(m.file)}): ${what.slice(0, 300)}`);
  };

  /** Runs mutants [from, to) in one worker; resolves with the index after the last one checked. */
  const runBatch = (from: number, to: number) =>
    new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [script, "--worker", "--seed", String(seed), "--from", String(from), "--to", String(to)], { stdio: ["ignore", "pipe", "inherit"] });
      let current = from;
      // The watchdog counts the worker's CPU time on the current mutant (a loaded machine
      // only slows it down), and wall time as well, ten times longer, for a worker that
      // hangs without running; without /proc, wall time alone.
      let cpuMark = 0;
      let wallMark = Date.now();
      const arm = () => {
        cpuMark = cpuSecondsOf(child.pid) ?? 0;
        wallMark = Date.now();
      };
      const timer = setInterval(() => {
        const cpu = cpuSecondsOf(child.pid);
        const wall = Date.now() - wallMark;
        if (cpu === undefined ? wall > timeout : cpu - cpuMark > timeout / 1000 || wall > 10 * timeout) child.kill("SIGKILL");
      }, 250);
      arm();
      let buffer = "";
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const [kind, index, ...rest] = line.split(" ");
          if (kind === "start") {
            current = Number(index);
            arm();
          } else {
            done++;
            if (kind === "fail") report(Number(index), JSON.parse(rest.join(" ")));
          }
        }
      });
      child.on("exit", (code, signal) => {
        clearInterval(timer);
        if (signal === "SIGKILL" || code !== 0) {
          // a hang (killed by the watchdog) or a crash of the process itself
          done++;
          if (signal === "SIGKILL") hangs.push(current);
          report(current, signal === "SIGKILL" ? `hang: no result in ${timeout / 1000} s of CPU time` : `the worker exited with ${code}`);
          if (current + 1 < to) return runBatch(current + 1, to).then(resolve);
        }
        resolve();
      });
    });

  const progress = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    console.error(`${done} of ${count} mutants, ${failures.length} failures, ${hangs.length} hangs, ${(done / s).toFixed(0)}/s`);
  }, 30_000);
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + BATCH);
        await runBatch(from, next);
      }
    }),
  );
  clearInterval(progress);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(JSON.stringify({ seed, mutants: done, failures: failures.length, hangs: hangs.length, crashes: failures.filter((f) => /threw|internal|exited/.test(f.what)).length, seconds }));
  process.exitCode = failures.length ? 1 : 0;
}
