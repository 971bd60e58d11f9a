// Inference fusion, a pass over the IR: a convolution whose only consumer is a batch
// norm (on running statistics) and, optionally, a ReLU or ReLU6 after it, runs as one
// fused convolution: the batch norm folded into the filter and bias,
//   w' = w * g / sqrt(v + eps),   b' = (b - m) * g / sqrt(v + eps) + beta,
// and the activation applied by the convolution kernel itself (tfjs fused.conv2d).
// A residual connection, conv [→ batch norm] → add(shortcut) [→ ReLU], fuses too when
// the shortcut is computed before the convolution: the GPU adds it in the convolution's
// epilogue, as a bias of the output's full shape.
// Exact up to float rounding; test/runtime/fuse.test.ts checks it against the unfused run.
import type { Graph, IRNode } from "../compiler/ir.js";
import { liveness } from "../compiler/liveness.js";

export interface Fusion {
  conv: IRNode;
  bn?: IRNode;
  activation?: "relu" | "relu6";
  /** The node whose value is added to the convolution's (a residual shortcut). */
  residual?: number;
  last: number; // the node whose value the fused step produces
  skipped: number[]; // nodes it replaces after the convolution
}

export function planFusions(g: Graph): Map<number, Fusion> {
  const { users, outputs } = liveness(g);
  const only = (id: number): IRNode | undefined => {
    const u = users[id];
    return u.length === 1 && !outputs.has(id) ? g.nodes[u[0]] : undefined;
  };
  const plan = new Map<number, Fusion>();
  for (const conv of g.nodes) {
    if (conv.op !== "conv") continue;
    const f: Fusion = { conv, last: conv.id, skipped: [] };
    const bn = only(conv.id);
    if (bn?.op === "batchnorm" && bn.attrs.stats && bn.attrs.affine) {
      f.bn = bn;
      f.last = bn.id;
      f.skipped.push(bn.id);
    }
    const add = only(f.last);
    if (add?.op === "add" && add.inputs.length === 2) {
      const other = add.inputs[0] === f.last ? add.inputs[1] : add.inputs[0];
      const same = (a: IRNode, b: IRNode) => a.shape!.length === 3 && a.shape!.every((d, i) => d === b.shape![i]);
      if (other < conv.id && other !== f.last && same(g.nodes[other], add) && same(g.nodes[f.last], add)) {
        f.residual = other;
        f.last = add.id;
        f.skipped.push(add.id);
      }
    }
    const act = only(f.last);
    if (act && (act.op === "relu" || act.op === "relu6")) {
      f.activation = act.op;
      f.last = act.id;
      f.skipped.push(act.id);
    }
    if (f.skipped.length) plan.set(conv.id, f);
  }
  return plan;
}
