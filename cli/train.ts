// netc train NET --data mnist|DIR: trains a network on a classification data set, with
// a checkpoint after every epoch that --resume continues from.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { outputTask } from "../compiler/tasks.js";
import { backendChoice, backendOptions } from "./backend-flags.js";
import type { BackendName } from "../runtime/backend.js";
import { compileOptionsOf, compileWithFlags, EXIT, UsageError, type Out } from "./io.js";
import { defineCommand, type OptionSpec, type Values, networkOptions } from "./options.js";
import { checkOutputPath, makeFolders } from "../runtime/io-safety.js";
import { CheckpointError, loadCheckpoint, saveCheckpoint } from "../runtime/checkpoint.js";
import { checkMemory, MemoryLimitError } from "../runtime/memory-estimate.js";

const options = [
  { name: "data", value: "mnist|DIR", help: "the data set (above)" },
  ...networkOptions,
  { name: "epochs", value: "E", help: "epochs (default 2; at least 1)" },
  { name: "batch", value: "B", help: "images per step (default 32)" },
  { name: "optimizer", value: "NAME", help: "adam (default) or sgd" },
  { name: "lr", value: "X", help: "learning rate (default 0.002 for adam, 0.01 for sgd)" },
  { name: "momentum", value: "M", help: "sgd momentum (default 0.9)" },
  { name: "weight-decay", value: "W", help: "L2 penalty added to the gradients, as PyTorch's (default 0)" },
  { name: "freeze", value: "PREFIX", multiple: true, help: "keep parameters named PREFIX.* fixed (repeatable: --freeze features)" },
  { name: "freeze-epochs", value: "K", help: "only for the first K epochs (default: all of them)" },
  { name: "weights", value: "FILE", help: "initial weights (safetensors or a PyTorch .pth); --strict false loads what fits" },
  { name: "rename", value: "FROM=TO", multiple: true, help: "rename the checkpoint's tensors: FROM a regular expression (repeatable;\n--rename '^conv1=features.0')" },
  { name: "strict", value: "false", help: "with --weights: load what fits and keep initial weights for the rest" },
  { name: "checkpoint", value: "FILE", help: `save the weights after every epoch (and on Ctrl-C), atomically, as a
safetensors state dict that netc run and PyTorch load; the optimizer
state goes beside it in FILE.optimizer.safetensors` },
  { name: "resume", help: "continue from --checkpoint: weights, optimizer state, epoch count" },
  { name: "augment", value: "LIST", help: "crop (random crop of the image padded by 4), flip (horizontal);\ndetection and segmentation also scale (rescaled by 0.75-1.25, then\ncropped or padded; boxes and masks moved with the image)" },
  { name: "seed", value: "S", help: "shuffling and augmentation seed (default 0)" },
  { name: "workers", value: "N", help: "threads, each a replica computing the gradient of a slice of\nevery batch (data-parallel with onnxruntime, wasm and cpu;\ndefault: every core, at most 4, with at least 16 images each:\n2 for batches of 32)" },
  ...backendOptions,
  { name: "json", help: "end with one JSON object: testAccuracy, trainLoss, epochs, seconds" },
] as const satisfies readonly OptionSpec[];
type TrainValues = Values<typeof options>;

export const trainCommand = defineCommand({
  name: "train",
  args: `NET --data mnist|DIR [--epochs E] [--batch B] [--optimizer adam|sgd]
[--lr X] [--momentum M] [--weight-decay W] [--freeze PREFIX]...
[--freeze-epochs K] [--weights INIT] [--checkpoint OUT] [--resume]
[--augment crop,flip,scale] [--workers N] [--backend B] [--adapter A] [--json]`,
  summary: "train on mnist, class folders, or detection/segmentation data, with checkpoints",
  description: `Trains NET on its first output with the loss of its task: cross-entropy for
classification, YOLO v1's loss for a \`yolo\` output, SSD's (smooth-L1 and cross-entropy
with hard negatives) for an \`ssd\` one, per-pixel cross-entropy for a \`segmentation\`
one (docs/tasks.md); dropout and batch-norm statistics in training mode, then evaluation
on the held-out split after every epoch.

data:
  mnist      the 10,000 digits of the mnist package, every tenth of each class held out
  DIR        one sub-folder of .jpg/.png images per class (ImageFolder), resized to the
             network's input, every fifth of each class held out; for detection and
             segmentation, a PASCAL VOC folder (train.txt / val.txt) or COCO boxes
             (DIR/annotations.json), as \`netc data synth\` writes`,
  options,
  run: ({ values, positionals }, out) => train(values, positionals, out),
});


async function train(values: TrainValues, positionals: string[], out: Out): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("netc train needs exactly one NET");
  if (!values.data) throw new UsageError("netc train needs --data (mnist, or a directory of class folders)");
  const num = (name: string, v: string | undefined, def: number, int = false) => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (int && !Number.isInteger(n))) throw new UsageError(`--${name} takes a ${int ? "whole " : ""}number of 0 or more, got ${v}`);
    return n;
  };
  const optimizer = (values.optimizer ?? "adam") as "adam" | "sgd";
  if (!["adam", "sgd"].includes(optimizer)) throw new UsageError("--optimizer is adam or sgd");
  const epochs = num("epochs", values.epochs, 2, true);
  if (epochs < 1) throw new UsageError("--epochs must be at least 1 (0 would train nothing)");
  const batch = num("batch", values.batch, compileOptionsOf(values).batch ?? 32, true);
  if (batch < 1) throw new UsageError("--batch must be at least 1");
  const augmentList = (values.augment ?? "").split(",").filter(Boolean);
  if (augmentList.some((a) => !["crop", "flip", "scale"].includes(a))) throw new UsageError("--augment takes crop, flip and/or scale");
  const settings = {
    lr: num("lr", values.lr, optimizer === "adam" ? 0.002 : 0.01),
    momentum: num("momentum", values.momentum, optimizer === "sgd" ? 0.9 : 0),
    weightDecay: num("weight-decay", values["weight-decay"], 0),
    freezeEpochs: values["freeze-epochs"] === undefined ? undefined : num("freeze-epochs", values["freeze-epochs"], 0, true),
    seed: num("seed", values.seed, 0, true),
  }; // every flag checked before the network compiles or the data loads
  if (values.resume && !values.checkpoint) throw new UsageError("--resume needs --checkpoint FILE to resume from");

  const [backend, backendOptions] = backendChoice(values);
  if (backend.startsWith("onnxruntime") && !["onnxruntime", "onnxruntime-cpu"].includes(backend))
    throw new UsageError(`netc trains with onnxruntime on the CPU only (--backend onnxruntime): train on a GPU with --backend webgpu`);
  if (values.checkpoint) checkOutputPath(values.checkpoint, "the checkpoint", { makeFolder: !values.resume }); // before training, not after an epoch
  const compiled = await compileWithFlags(positionals[0], values, out);
  if ("code" in compiled) return compiled.code;
  const graph = compiled.graph;
  if (augmentList.includes("scale") && outputTask(graph).kind === "classification")
    throw new UsageError("--augment scale moves boxes and masks with the image: detection and segmentation only (classification: crop, flip)");

  const rt = await import("../runtime/index.js");
  const { Trainer } = await import("../runtime/train.js");
  const { ParallelTrainer, defaultTrainWorkers } = await import("../runtime/train-parallel.js");
  const { DataError } = await import("../runtime/data.js");
  const { trainingSetup } = await import("../runtime/tasks/setup.js");
  const { TaskDataError } = await import("../runtime/tasks/voc.js");
  const made: { dispose(): void }[] = []; // freed at the end: main may run again in this process
  try {
    const { SCALE_RANGE } = await import("../runtime/tasks/scale.js");
    const augment = augmentList.length ? { crop: augmentList.includes("crop") ? 4 : 0, flip: augmentList.includes("flip"), ...(augmentList.includes("scale") ? { scale: SCALE_RANGE } : {}) } : undefined;
    // the data set, its shape and classes checked before anything loads, and the loss of the first output's task (docs/tasks.md)
    const { data, objective } = trainingSetup(graph, values.data, augment);
    const tf = await rt.useBackend(backend.startsWith("onnxruntime") ? "wasm" : (backend as BackendName), backendOptions);
    const native = await nativeTraining(backend, tf.getBackend(), graph, !!objective); // onnxruntime's whole-step graph, on the CPU
    const device = native.use ? "onnxruntime-node (CPU, the whole step as one graph)" : rt.backendDescription();
    if (!values.json) out.stderr(`netc train: on ${device}${native.why ? ` (onnxruntime cannot train this network: ${native.why})` : ""}`);

    checkMemory(graph, compiled.counts, { batch, backend: tf.getBackend(), training: true }); // before allocating
    const model = new rt.Model(graph, { seed: settings.seed });
    made.push(model);
    let startEpoch = 0;
    let optimizerState;
    if (values.resume) {
      if (!existsSync(values.checkpoint!)) throw new DataError(`--resume: there is no checkpoint ${values.checkpoint} yet`);
      const kind = optimizer === "sgd" && num("momentum", values.momentum, 0.9) > 0 ? "momentum" : optimizer;
      const shapes = new Map([...model.parameters()].map(([k, v]) => [k, v.shape]));
      const resumed = await loadCheckpoint(values.checkpoint!, kind, shapes); // validated: one save, sane epoch, finite, this optimizer's
      model.loadStateDict(resumed.weights, { source: values.checkpoint });
      optimizerState = resumed.optimizer;
      startEpoch = resumed.epoch;
    } else if (values.weights) {
      model.loadStateDict(await rt.loadWeights(values.weights, { rename: values.rename }), { strict: values.strict !== "false", source: values.weights });
    }

    let stop = false;
    const onSigint = () => {
      if (stop) process.exit(130);
      stop = true;
      out.stderr("\nnetc train: stopping after this batch (Ctrl-C again to quit at once)");
    };
    process.on("SIGINT", onSigint);
    const progress = progressPrinter(out, !!values.json);
    const started = performance.now();
    let done = startEpoch;
    const cpuBackend = ["wasm", "cpu"].includes(tf.getBackend());
    const workers = num("workers", values.workers, cpuBackend && !objective ? defaultTrainWorkers(batch) : 1, true);
    if (workers < 1) throw new UsageError("--workers must be at least 1");
    if (workers > 1 && objective) throw new UsageError("--workers splits classification training only; detection and segmentation train on one thread");
    if (workers > 1 && !cpuBackend) throw new UsageError(`--workers splits batches across CPU threads: use it with --backend wasm or cpu, not ${tf.getBackend()}`);
    const trainerOptions: import("../runtime/train.js").TrainOptions = {
      epochs, batch, optimizer,
      ...settings,
      freeze: values.freeze ?? [],
      augment,
      objective,
      startEpoch,
      optimizerState,
      onBatch: progress.batch,
      onEpoch: async (e) => {
        done = e.epoch;
        progress.epoch(e);
        if (values.checkpoint) await save(e.epoch);
      },
      shouldStop: () => stop,
    };
    const trainer = native.use
      ? new (await import("../export/onnx/native-train.js")).NativeTrainer(model, data, trainerOptions, workers)
      : workers > 1 ? new ParallelTrainer(model, data, trainerOptions, workers, tf.getBackend()) : new Trainer(model, data, trainerOptions);
    made.push(trainer.optimizer);
    async function save(epoch: number) {
      makeFolders(dirname(values.checkpoint!), values.checkpoint!, "the checkpoint"); // not Node's recursive mkdir: it loops on /proc
      await saveCheckpoint(values.checkpoint!, await model.readStateDict(), await trainer.optimizerState(), { network: graph.network, epoch }); // one generation in both files
    }
    const result = await trainer.run();
    process.off("SIGINT", onSigint);
    if (result.stopped && values.checkpoint) {
      await save(done);
      out.stderr(`netc train: stopped; saved ${values.checkpoint} (epoch ${done} complete; --resume continues from there)`);
    }
    const last = result.epochs[result.epochs.length - 1];
    const summary = {
      network: graph.network, data: values.data, backend: native.use ? "onnxruntime" : tf.getBackend(), device, workers, epochs: done, stopped: result.stopped,
      testAccuracy: last?.testAccuracy ?? null, trainLoss: last?.trainLoss ?? null,
      seconds: +((performance.now() - started) / 1000).toFixed(2), history: result.epochs,
    };
    if (values.json) out.stdout(JSON.stringify(summary));
    return result.stopped ? 130 : EXIT.ok;
  } catch (e) {
    const known = [DataError, TaskDataError, rt.WeightsError, rt.WeightsMismatchError, rt.ImageError, rt.RuntimeError, rt.BackendError, MemoryLimitError, CheckpointError];
    if (known.some((k) => e instanceof k)) {
      out.stderr(`netc train: ${(e as Error).message}`);
      return EXIT.errors;
    }
    throw e;
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * Whether the step runs in onnxruntime: asked for (then the network must be one it can
 * train), or under auto on the CPU when onnxruntime-node is installed and the network is
 * a classifier of layers it knows; `why` says what kept auto (or the request) from it.
 */
async function nativeTraining(backend: string, tfBackend: string, graph: import("../compiler/ir.js").Graph, task: boolean): Promise<{ use: boolean; why?: string }> {
  const asked = backend.startsWith("onnxruntime");
  if (!asked && (backend !== "auto" || tfBackend !== "wasm")) return { use: false };
  const { nativeTrainingBlocker } = await import("../export/onnx/train-graph.js");
  const { onnxRuntimeAvailable } = await import("../export/onnx/session.js");
  const why = task ? "it trains classifiers only" : !(await onnxRuntimeAvailable()) ? "onnxruntime-node is not installed" : nativeTrainingBlocker(graph);
  if (why && asked) throw new UsageError(`onnxruntime cannot train ${graph.network}: ${why}; train with --backend wasm`);
  return why ? { use: false, why } : { use: true };
}

/** A progress line redrawn in place on a terminal; one line per epoch otherwise. */
function progressPrinter(out: Out, json: boolean) {
  const tty = !!process.stderr.isTTY && !json;
  const time = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`);
  return {
    batch(p: import("../runtime/train.js").BatchProgress) {
      if (!tty) return;
      const width = 24;
      const filled = Math.round((width * p.batch) / p.batches);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      process.stderr.write(
        `\r\x1b[Kepoch ${p.epoch}/${p.epochs} ${bar} ${p.batch}/${p.batches}  loss ${p.loss.toFixed(4)}  acc ${(100 * p.accuracy).toFixed(1)}%  ${p.imagesPerSecond.toFixed(0)} img/s  ${time(p.secondsLeft)} left`,
      );
    },
    epoch(e: import("../runtime/train.js").EpochStats) {
      if (tty) process.stderr.write("\r\x1b[K");
      const line = `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, accuracy ${(100 * e.trainAccuracy).toFixed(2)}%; test loss ${e.testLoss.toFixed(4)}, accuracy ${(100 * e.testAccuracy).toFixed(2)}% (${e.seconds.toFixed(1)}s)`;
      if (json) out.stderr(line);
      else out.stdout(line);
    },
  };
}
