// netc train NET --data mnist|DIR: trains a network on a classification data set, with
// a checkpoint after every epoch that --resume continues from.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { backendChoice, backendFlags, backendHelp } from "./backend-flags.js";
import type { BackendName } from "../runtime/backend.js";
import { compileNet, EXIT, UsageError, type Out } from "./io.js";
import { checkOutputPath, makeFolders } from "../runtime/io-safety.js";
import { CheckpointError, loadCheckpoint, saveCheckpoint } from "../runtime/checkpoint.js";
import { checkMemory, MemoryLimitError } from "../runtime/memory-estimate.js";

export const trainHelp = `usage: netc train NET --data mnist|DIR [--epochs E] [--batch B] [--optimizer adam|sgd]
                  [--lr X] [--momentum M] [--weight-decay W] [--freeze PREFIX]...
                  [--freeze-epochs K] [--weights INIT] [--checkpoint OUT] [--resume]
                  [--augment crop,flip] [--backend B] [--adapter A] [--json]

Trains NET on its first output with the loss of its task: cross-entropy for
classification, YOLO v1's loss for a \`yolo\` output, per-pixel cross-entropy for a
\`segmentation\` one (docs/tasks.md); dropout and batch-norm statistics in training
mode, then evaluation on the held-out split after every epoch.

data:
  mnist      the 10,000 digits of the mnist package, every tenth of each class held out
  DIR        one sub-folder of .jpg/.png images per class (ImageFolder), resized to the
             network's input, every fifth of each class held out; for detection and
             segmentation, a PASCAL VOC folder (train.txt / val.txt) or COCO boxes
             (DIR/annotations.json), as \`netc data synth\` writes

options:
  --epochs E           epochs (default 2)
  --batch B            images per step (default 32)
  --optimizer NAME     adam (default) or sgd
  --lr X               learning rate (default 0.002 for adam, 0.01 for sgd)
  --momentum M         sgd momentum (default 0.9)
  --weight-decay W     L2 penalty added to the gradients, as PyTorch's (default 0)
  --freeze PREFIX      keep parameters named PREFIX.* fixed (repeatable: --freeze features)
  --freeze-epochs K    only for the first K epochs (default: all of them)
  --weights FILE       initial weights (safetensors); --strict false loads what fits
  --checkpoint FILE    save the weights after every epoch (and on Ctrl-C), atomically, as a
                       safetensors state dict that netc run and PyTorch load; the optimizer
                       state goes beside it in FILE.optimizer.safetensors
  --resume             continue from --checkpoint: weights, optimizer state, epoch count
  --augment LIST       crop (random crop of the image padded by 4) and/or flip (horizontal);
                       boxes and masks move with the image
  --seed S             shuffling and augmentation seed (default 0)
${backendHelp(23)}
  --json               end with one JSON object: testAccuracy, trainLoss, epochs, seconds
  -h, --help           show this help`;

export async function train(argv: string[], out: Out): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      network: { type: "string" }, data: { type: "string" }, epochs: { type: "string" }, batch: { type: "string" },
      optimizer: { type: "string" }, lr: { type: "string" }, momentum: { type: "string" }, "weight-decay": { type: "string" },
      freeze: { type: "string", multiple: true }, "freeze-epochs": { type: "string" }, weights: { type: "string" }, strict: { type: "string" },
      checkpoint: { type: "string" }, resume: { type: "boolean" }, augment: { type: "string" }, seed: { type: "string" },
      ...backendFlags, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return out.stdout(trainHelp), EXIT.ok;
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
  const batch = num("batch", values.batch, 32, true);
  if (batch < 1) throw new UsageError("--batch must be at least 1");
  const augmentList = (values.augment ?? "").split(",").filter(Boolean);
  if (augmentList.some((a) => a !== "crop" && a !== "flip")) throw new UsageError("--augment takes crop and/or flip");
  if (values.resume && !values.checkpoint) throw new UsageError("--resume needs --checkpoint FILE to resume from");

  const [backend, backendOptions] = backendChoice(values);
  if (backend.startsWith("onnxruntime")) throw new UsageError("onnxruntime runs inference only: train with auto, webgpu, wasm or cpu");
  if (values.checkpoint) checkOutputPath(values.checkpoint, "the checkpoint", { makeFolder: !values.resume }); // before training, not after an epoch
  const compiled = await compileNet(positionals[0], values.network, out);
  if ("code" in compiled) return compiled.code;
  const graph = compiled.graph;

  const rt = await import("../runtime/index.js");
  const { Trainer } = await import("../runtime/train.js");
  const { DataError } = await import("../runtime/data.js");
  const { trainingSetup } = await import("../runtime/tasks/setup.js");
  const { TaskDataError } = await import("../runtime/tasks/voc.js");
  const made: { dispose(): void }[] = []; // freed at the end: main may run again in this process
  try {
    const tf = await rt.useBackend(backend as BackendName, backendOptions);
    if (!values.json) out.stderr(`netc train: on ${rt.backendDescription()}`);
    const augment = augmentList.length ? { crop: augmentList.includes("crop") ? 4 : 0, flip: augmentList.includes("flip") } : undefined;
    const { data, objective } = trainingSetup(graph, values.data, augment); // the loss of the first output's task (docs/tasks.md)

    checkMemory(graph, compiled.counts, { batch, backend: tf.getBackend(), training: true }); // before allocating
    const model = new rt.Model(graph, { seed: num("seed", values.seed, 0, true) });
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
      model.loadStateDict(await rt.loadSafetensors(values.weights), { strict: values.strict !== "false", source: values.weights });
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
    const trainer = new Trainer(model, data, {
      epochs, batch, optimizer,
      lr: num("lr", values.lr, optimizer === "adam" ? 0.002 : 0.01),
      momentum: num("momentum", values.momentum, optimizer === "sgd" ? 0.9 : 0),
      weightDecay: num("weight-decay", values["weight-decay"], 0),
      freeze: values.freeze ?? [],
      freezeEpochs: values["freeze-epochs"] === undefined ? undefined : num("freeze-epochs", values["freeze-epochs"], 0, true),
      augment,
      objective,
      seed: num("seed", values.seed, 0, true),
      startEpoch,
      optimizerState,
      onBatch: progress.batch,
      onEpoch: async (e) => {
        done = e.epoch;
        progress.epoch(e);
        if (values.checkpoint) await save(e.epoch);
      },
      shouldStop: () => stop,
    });
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
      network: graph.network, data: values.data, backend: tf.getBackend(), device: rt.backendDescription(), epochs: done, stopped: result.stopped,
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
