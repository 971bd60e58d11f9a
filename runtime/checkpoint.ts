// Checkpoints as a pair: the weights (a state dict PyTorch loads) and the optimizer's
// state beside them, saved so that a resume can tell whether they belong together, and
// validated on resume before anything trains.
//
// Atomicity: each file is written to a temporary file and renamed, but a kill between
// the two renames left weights at epoch N and the optimizer at N-1, and --resume went
// on silently. Both files now carry the same generation (the epoch and a random tag) in
// their metadata; the optimizer file is renamed first, the weights file last (the weights
// are what `netc run` and PyTorch read), and a resume refuses a pair whose generations differ.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { countNonFinite, nonFiniteTensors } from "./finite.js";
import { readSafetensors, saveSafetensorsAtomically } from "./safetensors.js";
import type { StateTensor } from "./state.js";

export class CheckpointError extends Error {}

/** The most epochs a checkpoint may say it has done. */
export const MAX_EPOCH = 1_000_000;

export const optimizerFileOf = (checkpoint: string) => checkpoint.replace(/(\.safetensors)?$/, ".optimizer.safetensors");

/** The `__metadata__` of a safetensors file (the header is checked by readSafetensors). */
export function safetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  if (bytes.length < 8) return {};
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    return (header?.__metadata__ as Record<string, string>) ?? {};
  } catch {
    return {};
  }
}

/** Saves the pair for `epoch`: the optimizer state first, the weights last. */
export async function saveCheckpoint(
  checkpoint: string,
  weights: Map<string, StateTensor>,
  optimizer: Map<string, StateTensor>,
  meta: { network: string; epoch: number },
) {
  const generation = `${meta.epoch}-${randomBytes(8).toString("hex")}`;
  const state = new Map(optimizer);
  state.set("netc.epoch", { shape: [], dtype: "I64", data: BigInt64Array.of(BigInt(meta.epoch)) });
  await saveSafetensorsAtomically(optimizerFileOf(checkpoint), state, { "netc.generation": generation });
  await saveSafetensorsAtomically(checkpoint, weights, { network: meta.network, epoch: String(meta.epoch), "netc.generation": generation });
}

export interface Resumed {
  weights: Map<string, StateTensor>;
  optimizer: Map<string, StateTensor>;
  epoch: number;
}

/**
 * Loads and validates a checkpoint pair for a run with `optimizer` over `parameters`
 * (their shapes by state-dict name): the two files from the same save, a sane epoch
 * count, no NaN or infinite values, and optimizer slots that are this optimizer's, for
 * these parameters, at their shapes.
 */
export async function loadCheckpoint(checkpoint: string, optimizer: "adam" | "sgd" | "momentum", parameters: ReadonlyMap<string, readonly number[]>): Promise<Resumed> {
  const optimizerFile = optimizerFileOf(checkpoint);
  const read = async (path: string, what: string) => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
      throw new CheckpointError(`--resume: ${missing ? `there is no ${what} ${path}` : `cannot read ${what} ${path}: ${(e as Error).message}`}`);
    }
    return { tensors: readSafetensors(bytes, path), meta: safetensorsMetadata(bytes) };
  };
  const w = await read(checkpoint, "checkpoint");
  const o = await read(optimizerFile, "optimizer file");
  const fail = (m: string): never => {
    throw new CheckpointError(`--resume: ${m}`);
  };

  const stored = o.tensors.get("netc.epoch");
  const epochValue = stored && stored.data.length === 1 ? Number(stored.data[0]) : Number.NaN;
  if (!Number.isSafeInteger(epochValue) || epochValue < 0 || epochValue > MAX_EPOCH)
    fail(`${optimizerFile} says ${stored ? String(stored.data[0]) : "nothing"} epochs are done: not a whole number from 0 to ${MAX_EPOCH.toLocaleString("en-US")}`);
  o.tensors.delete("netc.epoch");

  const wg = w.meta["netc.generation"];
  const og = o.meta["netc.generation"];
  const wEpoch = w.meta.epoch;
  const together = wg !== undefined || og !== undefined ? wg === og : wEpoch === undefined || Number(wEpoch) === epochValue;
  if (!together)
    fail(`${checkpoint} (epoch ${wEpoch ?? "?"}) and ${optimizerFile} (epoch ${epochValue}) are not from the same save (one was interrupted between the two files); ` +
      `start again, or from the weights alone with --weights ${checkpoint} and no --resume`);

  const badW = nonFiniteTensors(w.tensors);
  if (badW.length) fail(`${checkpoint} holds NaN or infinite values in ${badW.length} tensor${badW.length > 1 ? "s" : ""}: ${badW.slice(0, 3).join(", ")}${badW.length > 3 ? ", …" : ""}`);
  const badO = nonFiniteTensors(o.tensors);
  if (badO.length) fail(`${optimizerFile} holds NaN or infinite values in ${badO.slice(0, 3).join(", ")}${badO.length > 3 ? ", …" : ""}`);

  const slots = optimizer === "adam" ? ["/m", "/v"] : optimizer === "momentum" ? ["/momentum"] : [];
  const counts = new Map<string, number>();
  const names = [...o.tensors.keys()];
  if (names[0] !== "iter") fail(`${optimizerFile} does not start with the optimizer's step count (iter): it is not an optimizer state netc saved`);
  for (const [name, t] of o.tensors) {
    if (name.endsWith("/m") && (counts.get("/v") ?? 0) > 0) fail(`${optimizerFile} holds ${name} after the /v slots: adam's slots are all /m, then all /v`);
    if (name === "iter") {
      if (t.data.length !== 1 || countNonFinite(t.data as Float32Array) || Number(t.data[0]) < 0) fail(`${optimizerFile}: its step count is not a count`);
      continue;
    }
    const cut = name.indexOf("/");
    const param = cut < 0 ? name : name.slice(0, cut);
    const slot = cut < 0 ? "" : name.slice(cut);
    if (!slots.includes(slot))
      fail(`${optimizerFile} holds ${name}, which is not ${optimizer === "sgd" ? "plain sgd's (it keeps no state)" : `${optimizer}'s (its state is ${slots.map((s) => `PARAM${s}`).join(" and ")})`}: was it saved by another optimizer?`);
    const shape = parameters.get(param);
    if (!shape) fail(`${optimizerFile} holds ${name}, for a parameter ${param} this network does not have`);
    if (shape!.join("x") !== t.shape.join("x")) fail(`${optimizerFile} holds ${name} of shape [${t.shape.join(", ")}], but ${param} is [${shape!.join(", ")}]`);
    counts.set(slot, (counts.get(slot) ?? 0) + 1);
  }
  if (slots.length > 1 && new Set(slots.map((s) => counts.get(s) ?? 0)).size > 1)
    fail(`${optimizerFile} holds ${slots.map((s) => `${counts.get(s) ?? 0} ${s.slice(1)}`).join(" and ")} slots: they come in pairs`);
  return { weights: w.tensors, optimizer: o.tensors, epoch: epochValue };
}
