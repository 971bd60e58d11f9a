// netc bench NET: inference throughput on random input, random weights.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { compileNet, EXIT, UsageError, type Out } from "./io.js";
import { checkMemory, MemoryLimitError } from "../runtime/memory-estimate.js";

export const benchHelp = `usage: netc bench NET [--batch B] [--threads T] [--iterations N] [--backend wasm|cpu|tensorflow] [--json]

Times NET's inference (batch norm folded, activations fused) on random input with
random weights: the median time of a batch over N runs after two warm-up runs. A batch
is split across T threads (default: every core; the wasm backend uses one per thread).

options:
  --network NAME     the network of the file (default: its last)
  --batch B          images per batch (default 1)
  --threads T        threads sharing a batch (default: the number of cores)
  --iterations N     timed runs (default 5)
  --backend NAME     wasm (default), cpu, or tensorflow
  --json             print { network, backend, batch, msPerBatch, imagesPerSecond, runs }
  -h, --help         show this help`;

export async function bench(argv: string[], out: Out): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      network: { type: "string" }, batch: { type: "string" }, iterations: { type: "string" }, backend: { type: "string" },
      threads: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return out.stdout(benchHelp), EXIT.ok;
  const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
  if (!(Number.isInteger(threads) && threads > 0)) throw new UsageError("--threads takes a positive whole number");
  if (positionals.length !== 1) throw new UsageError("netc bench needs exactly one NET");
  const batch = Number(values.batch ?? 1);
  const iterations = Number(values.iterations ?? 5);
  if (!(Number.isInteger(batch) && batch > 0)) throw new UsageError("--batch takes a positive whole number");
  if (!(Number.isInteger(iterations) && iterations > 0)) throw new UsageError("--iterations takes a positive whole number");
  const compiled = await compileNet(positionals[0], values.network, out);
  if ("code" in compiled) return compiled.code;
  const graph = compiled.graph;
  try {
    checkMemory(graph, compiled.counts, { batch: Math.ceil(batch / Math.min(threads, batch)), backend: values.backend }); // per thread
  } catch (e) {
    if (!(e instanceof MemoryLimitError)) throw e;
    return out.stderr(`netc bench: ${e.message}`), EXIT.errors;
  }
  const rt = await import("../runtime/index.js");
  let tf;
  try {
    tf = await rt.useBackend((values.backend ?? "wasm") as never);
  } catch (e) {
    if (!(e instanceof rt.BackendError)) throw e;
    out.stderr(`netc bench: ${e.message}`);
    return EXIT.errors;
  }
  const model = new rt.Model(graph);
  const used = Math.min(threads, batch);
  const parallel = await rt.ParallelModel.start(model, tf.getBackend() as never, used);
  const inputs = graph.inputs.map((p) => tf.randomNormal([batch, ...(graph.nodes[p.node].shape as number[])]));
  const times: number[] = [];
  try {
    for (let i = 0; i < iterations + 2; i++) {
      const t = performance.now();
      const ys = await parallel.forward(inputs);
      await Promise.all(ys.map((y) => y.data()));
      tf.dispose(ys);
      if (i >= 2) times.push(performance.now() - t);
    }
  } finally {
    await parallel.close(); // workers would keep the process alive
    tf.dispose(inputs); // and main may run again in this process
    model.dispose();
  }
  const ms = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const result = { network: graph.network, backend: tf.getBackend(), batch, threads: used, msPerBatch: +ms.toFixed(2), imagesPerSecond: +((1000 * batch) / ms).toFixed(2), runs: times.map((t) => +t.toFixed(2)) };
  if (values.json) out.stdout(JSON.stringify(result));
  else out.stdout(`${result.network} on ${result.backend}, batch ${batch}, ${used} thread${used > 1 ? "s" : ""}: ${result.msPerBatch} ms per batch, ${result.imagesPerSecond} images/s (median of ${iterations})`);
  return EXIT.ok;
}
