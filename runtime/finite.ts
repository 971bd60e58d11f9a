// Non-finite values (NaN, Infinity) in weights, checkpoints and outputs: found and
// counted, so that a run says so instead of printing "NaN%" and succeeding.
import type { StateTensor } from "./state.js";

/** How many values of `data` are NaN or infinite. */
export function countNonFinite(data: ArrayLike<number | bigint>): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v === "number" && !Number.isFinite(v)) n++;
  }
  return n;
}

/** The names of the tensors of a state dict that hold NaN or infinite values, with their counts. */
export function nonFiniteTensors(tensors: ReadonlyMap<string, StateTensor>): string[] {
  const out: string[] = [];
  for (const [name, t] of tensors) {
    const n = countNonFinite(t.data as ArrayLike<number | bigint>);
    if (n) out.push(`${name} (${n} of ${t.data.length})`);
  }
  return out;
}
