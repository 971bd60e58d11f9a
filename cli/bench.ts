// netc bench NET: inference throughput on random input, random weights.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { backendChoice, backendFlags, backendHelp, inferenceChoice } from "./backend-flags.js";
import type { Graph } from "../compiler/ir.js";
import type { BackendName } from "../runtime/backend.js";
import { compileNet, EXIT, UsageError, type Out } from "./io.js";
import { checkMemory, MemoryLimitError } from "../runtime/memory-estimate.js";

export const benchHelp = `usage: netc bench NET [--batch B] [--threads T] [--iterations N] [--backend B] [--adapter A]
                  [--profile] [--json]

Times NET's inference (batch norm folded, activations fused) on random input with
random weights: the median time of a batch over N runs after two warm-up runs. On a
CPU backend a batch is split across T threads (default: every core; the wasm backend
uses one per thread); on webgpu it runs whole on the GPU.

options:
  --network NAME     the network of the file (default: its last)
  --batch B          images per batch (default 1)
  --threads T        threads sharing a batch (default: the number of cores)
  --iterations N     timed runs (default 5)
${backendHelp(21)}
  --profile          webgpu: after warm-up, count one forward pass's GPU work: dispatches
                     by kernel, bytes uploaded and read back, shaders compiled
  --json             print { network, backend, device, batch, msPerBatch, imagesPerSecond, runs }
  -h, --help         show this help`;

export async function bench(argv: string[], out: Out): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      network: { type: "string" }, batch: { type: "string" }, iterations: { type: "string" }, ...backendFlags,
      threads: { type: "string" }, profile: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
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
  const asked = backendChoice(values);
  const compiled = await compileNet(positionals[0], values.network, out);
  if ("code" in compiled) return compiled.code;
  const choice = await inferenceChoice(asked);
  const graph = compiled.graph;
  try {
    checkMemory(graph, compiled.counts, { batch: Math.ceil(batch / Math.min(threads, batch)), backend: choice[0] }); // per thread
  } catch (e) {
    if (!(e instanceof MemoryLimitError)) throw e;
    return out.stderr(`netc bench: ${e.message}`), EXIT.errors;
  }
  if (choice[0].startsWith("onnxruntime")) {
    // the network exported to ONNX and timed in onnxruntime-node (export/onnx/session.ts)
    const ox = await import("../export/onnx/session.js");
    try {
      const r = await ox.benchOnnx(graph, { batch, iterations, backend: choice[0], threads: values.threads === undefined ? undefined : threads });
      return printResult(out, !!values.json, { network: graph.network, backend: r.backend, batch, threads: r.threads, times: r.times });
    } catch (e) {
      if (!(e instanceof ox.OnnxRuntimeError || e instanceof ox.ExportError)) throw e;
      out.stderr(`netc bench: ${e.message}`);
      return EXIT.errors;
    }
  }
  const rt = await import("../runtime/index.js");
  try {
    return await measure(rt, graph, { batch, iterations, threads, choice, profile: !!values.profile, json: !!values.json }, out);
  } catch (e) {
    if (!(e instanceof rt.BackendError || e instanceof rt.RuntimeError)) throw e;
    out.stderr(`netc bench: ${e.message}`);
    return EXIT.errors;
  }
}

type Runtime = typeof import("../runtime/index.js");
interface Settings { batch: number; iterations: number; threads: number; choice: ReturnType<typeof backendChoice>; profile: boolean; json: boolean }

async function measure(rt: Runtime, graph: Graph, o: Settings, out: Out): Promise<number> {
  const { batch, iterations } = o;
  const tf = await rt.useBackend(o.choice[0] as BackendName, o.choice[1]);
  const gpu = tf.getBackend() === "webgpu";
  if (o.profile && !gpu) throw new UsageError("--profile counts GPU work: use it with --backend webgpu");
  const model = new rt.Model(graph);
  const used = gpu ? 1 : Math.min(o.threads, batch);
  const parallel = await rt.ParallelModel.start(model, tf.getBackend() as never, used);
  const inputs = graph.inputs.map((p) => tf.randomNormal([batch, ...(graph.nodes[p.node].shape as number[])]));
  const times: number[] = [];
  let profile: Awaited<ReturnType<typeof rt.profileForward>> | undefined;
  try {
    for (let i = 0; i < iterations + 2; i++) {
      const t = performance.now();
      const ys = await parallel.forward(inputs);
      await Promise.all(ys.map((y) => y.data()));
      tf.dispose(ys);
      if (i >= 2) times.push(performance.now() - t);
    }
    if (o.profile) profile = await rt.profileForward(model, inputs);
  } finally {
    await parallel.close(); // workers would keep the process alive
    tf.dispose(inputs); // and main may run again in this process
    model.dispose();
  }
  return printResult(out, o.json, { network: graph.network, backend: tf.getBackend(), device: rt.backendDescription(), batch, threads: used, times, profile, formatGpuCounts: rt.formatGpuCounts });
}

interface Result {
  network: string;
  backend: string;
  device?: string;
  batch: number;
  threads: number;
  times: number[];
  profile?: import("../runtime/index.js").GpuCounts;
  formatGpuCounts?: (c: import("../runtime/index.js").GpuCounts) => string;
}

function printResult(out: Out, json: boolean, r: Result): number {
  const { network, backend, device, batch, threads: used, times, profile, formatGpuCounts } = r;
  const ms = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const result = { network, backend, ...(device ? { device } : {}), batch, threads: used, msPerBatch: +ms.toFixed(2), imagesPerSecond: +((1000 * batch) / ms).toFixed(2), runs: times.map((t) => +t.toFixed(2)), ...(profile ? { profile } : {}) };
  if (json) out.stdout(JSON.stringify(result));
  else {
    if (profile) out.stdout(formatGpuCounts!(profile));
    out.stdout(`${result.network} on ${device ?? backend}, batch ${batch}, ${used} thread${used > 1 ? "s" : ""}: ${result.msPerBatch} ms per batch, ${result.imagesPerSecond} images/s (median of ${times.length})`);
  }
  return EXIT.ok;
}
