// Evaluation with onnxruntime, beside native training: the network's ONNX export
// (export.ts, evaluation mode: batch norm on running statistics, dropout off) with its
// weights and buffers as graph inputs instead of initializers, so one session serves
// every epoch's weights. Loss (mean cross-entropy) and hits as the Trainer counts them.
import type { Graph } from "../../compiler/ir.js";
import { weightName } from "../../compiler/ir.js";
import type { StateTensor } from "../../runtime/state.js";
import { onnxModel } from "./export.js";
import { DataType, encodeModel } from "./proto.js";
import { countHits } from "../../runtime/train.js";
import { syncSession, type SyncSession, type SyncTensor } from "./sync-session.js";

export class NativeEvaluator {
  private readonly session: SyncSession;
  private readonly weights: { name: string; shape: number[] }[] = [];
  private readonly input: string;
  private readonly output: string;

  constructor(graph: Graph, threads?: number) {
    const state = new Map<string, StateTensor>();
    for (const node of graph.nodes)
      for (const w of node.weights) {
        if (w.kind === "counter") continue;
        const name = weightName(node, w);
        this.weights.push({ name, shape: w.shape });
        state.set(name, { shape: w.shape, dtype: "F32", data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)) });
      }
    const { model } = onnxModel(graph, state);
    const names = new Set(this.weights.map((w) => w.name));
    model.graph.initializer = model.graph.initializer.filter((t) => !names.has(t.name));
    model.graph.input.push(...this.weights.map((w) => ({ name: w.name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: w.shape.map((d) => ({ dim_value: d })) } } } })));
    this.input = graph.inputs[0].name;
    this.output = graph.outputs[0].name;
    this.session = syncSession(encodeModel(model), threads);
  }

  /** Mean cross-entropy and the number of correct top-1 predictions over `x` ([n, ...shape]). */
  evaluate(x: Float32Array, y: Int32Array, shape: number[], classes: number, weights: (name: string) => Float32Array): { loss: number; hits: number } {
    const size = shape.reduce((a, b) => a * b, 1);
    const fed: Record<string, SyncTensor> = {};
    for (const w of this.weights) fed[w.name] = { shape: w.shape, data: weights(w.name) };
    let [loss, hits] = [0, 0];
    for (let start = 0; start < y.length; start += 256) {
      const n = Math.min(256, y.length - start);
      fed[this.input] = { shape: [n, ...shape], data: x.subarray(start * size, (start + n) * size) };
      const logits = this.session.run(fed, [this.output])[this.output].data;
      const labels = y.subarray(start, start + n);
      hits += countHits(logits, labels, classes);
      for (let r = 0; r < n; r++) {
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]);
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += Math.exp(logits[r * classes + c] - max);
        loss += max + Math.log(sum) - logits[r * classes + labels[r]];
      }
    }
    return { loss: loss / Math.max(1, y.length), hits };
  }

  release() {
    this.session.release();
  }
}
