// netc bench NET: inference throughput on random input, random weights.
import { availableParallelism } from "node:os";
import { backendChoice, backendOptions, inferenceChoice } from "./backend-flags.js";
import type { Graph } from "../compiler/ir.js";
import type { BackendName } from "../runtime/backend.js";
import { compileOptionsOf, compileWithFlags, EXIT, UsageError, type Out } from "./io.js";
import { defineCommand, intFlag, networkOptions } from "./options.js";
import { checkMemory, MemoryLimitError } from "../runtime/memory-estimate.js";

export const benchCommand = defineCommand({
  name: "bench",
  args: `NET [--batch B] [--threads T] [--iterations N] [--backend B] [--adapter A]
[--profile] [--json]`,
  summary: "inference throughput (--batch, --backend, --profile, --json)",
  description: `Times NET's inference (batch norm folded, activations fused) on random input with
random weights: the median time of a batch over N runs after two warm-up runs. On a
CPU backend a batch is split across T threads (default: every core; the wasm backend
uses one per thread); on webgpu it runs whole on the GPU.`,
  options: [
    ...networkOptions,
    { name: "batch", value: "B", help: "images per batch (default 1, or the batch of a 4-dimensional --input)" },
    { name: "threads", value: "T", help: "threads sharing a batch (default: the number of cores)" },
    { name: "iterations", value: "N", help: "timed runs (default 5)" },
    ...backendOptions,
    { name: "profile", help: `webgpu: after warm-up, count one forward pass's GPU work: dispatches
by kernel, bytes uploaded and read back, shaders compiled` },
    { name: "json", help: "print { network, backend, device, batch, msPerBatch, imagesPerSecond, runs }" },
  ],
  async run({ values, positionals }, out) {
  const threads = intFlag("threads", values.threads, 1) ?? availableParallelism();
  if (positionals.length !== 1) throw new UsageError("netc bench needs exactly one NET");
  const batch = intFlag("batch", values.batch, 1) ?? compileOptionsOf(values).batch ?? 1;
  const iterations = intFlag("iterations", values.iterations, 1) ?? 5;
  const asked = backendChoice(values);
  const compiled = await compileWithFlags(positionals[0], values, out);
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
      const progress = progressLine(!values.json && !!process.stderr.isTTY);
      const onRun = (i: number, times: readonly number[]) => progress(progressText(i, iterations, times));
      const r = await ox.benchOnnx(graph, { batch, iterations, backend: choice[0], threads: values.threads === undefined ? undefined : threads, onRun });
      progress(undefined);
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
  },
});

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
  const progress = progressLine(!o.json && !!process.stderr.isTTY);
  try {
    for (let i = 0; i < iterations + 2; i++) {
      progress(progressText(i, iterations, times));
      const t = performance.now();
      const ys = await parallel.forward(inputs);
      await Promise.all(ys.map((y) => y.data()));
      tf.dispose(ys);
      if (i >= 2) times.push(performance.now() - t);
    }
    progress(undefined);
    if (o.profile) profile = await rt.profileForward(model, inputs);
  } finally {
    await parallel.close(); // workers would keep the process alive
    tf.dispose(inputs); // and main may run again in this process
    model.dispose();
  }
  return printResult(out, o.json, { network: graph.network, backend: tf.getBackend(), device: rt.backendDescription(), batch, threads: used, times, profile, formatGpuCounts: rt.formatGpuCounts });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Where the timing loop is: warm-up runs 0 and 1, then the timed runs with the time left. */
function progressText(i: number, iterations: number, times: readonly number[]): string {
  if (i < 2) return `warm-up ${i + 1}/2`;
  return `run ${i - 1}/${iterations}${times.length ? `, about ${Math.ceil(((iterations - times.length) * median(times)) / 1000)}s left` : ""}`;
}

/** A line redrawn in place on a terminal (stderr), nothing when piped; undefined clears it. */
function progressLine(tty: boolean) {
  return (text: string | undefined) => {
    if (tty) process.stderr.write(text === undefined ? "\r\x1b[K" : `\r\x1b[Knetc bench: ${text}`);
  };
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
  const ms = median(times);
  const result = { network, backend, ...(device ? { device } : {}), batch, threads: used, msPerBatch: +ms.toFixed(2), imagesPerSecond: +((1000 * batch) / ms).toFixed(2), runs: times.map((t) => +t.toFixed(2)), ...(profile ? { profile } : {}) };
  if (json) out.stdout(JSON.stringify(result));
  else {
    if (profile) out.stdout(formatGpuCounts!(profile));
    out.stdout(`${result.network} on ${device ?? backend}, batch ${batch}, ${used} thread${used > 1 ? "s" : ""}: ${result.msPerBatch} ms per batch, ${result.imagesPerSecond} images/s (median of ${times.length})`);
  }
  return EXIT.ok;
}
