// Shapes of the merging combinators: concat (along channels), add and mul (PyTorch
// broadcasting; a residual's add must match exactly).
import { add, dimEquals, type Dim } from "./symbolic.js";
import { formatShape, type Shape } from "./values.js";

export class MergeError extends Error {
  constructor(message: string, readonly culprits: number[]) {
    super(message);
  }
}

export function mergeShapes(op: "add" | "mul" | "concat", shapes: Shape[], exact: boolean): Shape {
  const first = shapes[0];
  if (op === "concat") {
    let channels: Dim = 0;
    shapes.forEach((s, i) => {
      const same = s.length === first.length && s.every((d, k) => k === 0 || dimEquals(d, first[k]));
      if (!same || s.length === 0)
        throw new MergeError(`concat needs branches that differ only in channels: ${formatShape(first)} and ${formatShape(s)}`, [0, i]);
      channels = add(channels, s[0]);
    });
    return [channels, ...first.slice(1)];
  }
  let out = first;
  shapes.slice(1).forEach((s, i) => {
    const b = exact ? (same(out, s) ? out : null) : broadcast(out, s);
    if (!b) throw new MergeError(`${op} needs equal${exact ? "" : " (or broadcastable)"} shapes: ${formatShape(out)} and ${formatShape(s)}`, [0, i + 1]);
    out = b;
  });
  return out;
}

const same = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => dimEquals(d, b[i]));

function broadcast(a: Shape, b: Shape): Shape | null {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (dimEquals(x, y) || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return null;
  }
  return out;
}
