// What a kernel is: how one IR op runs on TensorFlow.js tensors, and how its weights
// are laid out for that. The kernels live by op family beside this file, as the ops do
// in compiler/ops/; runtime/kernels.ts is their table.
import * as tf from "@tensorflow/tfjs-core";
import type { IRNode } from "../../compiler/ir.js";
import type { Pair } from "../../compiler/op-args.js";

export interface RunContext {
  training: boolean;
  inputRanks: number[];
  /** Batch-norm statistics measured in training mode, to fold into the running ones. */
  statUpdates?: { node: IRNode; mean: tf.Tensor; variance: tf.Tensor; count: number }[];
  /** When set, dropout masks derive from it (one seed per dropout layer). */
  seed?: number;
}

export type Weights = Record<string, tf.Tensor>;

export interface Kernel {
  run(x: tf.Tensor[], node: IRNode, w: Weights, ctx: RunContext): tf.Tensor;
  /** PyTorch layout to the kernel's, and back, for the weights that differ. */
  layout?(node: IRNode, name: string): WeightLayout | undefined;
}

export interface WeightLayout {
  fromTorch(t: tf.Tensor): tf.Tensor;
  toTorch(t: tf.Tensor): tf.Tensor;
}

export class RuntimeError extends Error {}

export const pair = (a: unknown) => a as Pair;
