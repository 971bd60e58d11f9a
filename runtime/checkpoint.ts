// The checkpoint protocol of `netc train`: FILE holds the weights (a safetensors state
// dict that netc run and PyTorch load, with the network and epoch in its metadata);
// FILE.optimizer.safetensors beside it holds the optimizer's state and the count of
// epochs done (`netc.epoch`). Each file is written atomically; --resume reads both.
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DataError } from "./data.js";
import type { Model } from "./model.js";
import { loadSafetensors, saveSafetensorsAtomically } from "./safetensors.js";
import type { StateTensor } from "./state.js";

/** Where a checkpoint's optimizer state goes: `run.safetensors` -> `run.optimizer.safetensors`. */
export const optimizerFile = (checkpoint: string) => checkpoint.replace(/(\.safetensors)?$/, ".optimizer.safetensors");

/** Saves the model's weights and the optimizer's state after `epoch` epochs. */
export async function saveCheckpoint(file: string, model: Model, optimizerState: Map<string, StateTensor>, epoch: number): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await saveSafetensorsAtomically(file, await model.readStateDict(), { network: model.graph.network, epoch: String(epoch) });
  const state = new Map(optimizerState);
  state.set("netc.epoch", { shape: [], dtype: "I64", data: BigInt64Array.of(BigInt(epoch)) });
  await saveSafetensorsAtomically(optimizerFile(file), state);
}

/** Loads a checkpoint's weights into `model`; returns the epochs done and the optimizer's state. */
export async function loadCheckpoint(file: string, model: Model): Promise<{ epoch: number; optimizerState: Map<string, StateTensor> }> {
  if (!existsSync(file)) throw new DataError(`--resume: there is no checkpoint ${file} yet`);
  model.loadStateDict(await loadSafetensors(file), { source: file });
  const optimizerState = await loadSafetensors(optimizerFile(file));
  const epoch = Number(optimizerState.get("netc.epoch")?.data[0] ?? 0);
  optimizerState.delete("netc.epoch");
  return { epoch, optimizerState };
}
