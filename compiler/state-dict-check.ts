// Whether a checkpoint's tensors are exactly a network's state dict: every tensor the
// network has, at its shape (PyTorch's layout), and nothing else. Used before a command
// writes anything derived from the checkpoint (convolutionize --weights wrote converted
// weights, and the .net, from a checkpoint with a missing, misshapen or extra tensor).
import { weightName, type Graph } from "./ir.js";

/** The faults, one line each (empty when the checkpoint fits), at most `max` of them. */
export function stateDictFaults(g: Graph, tensors: ReadonlyMap<string, { shape: readonly number[] }>, max = 5): string[] {
  const expected = new Map<string, readonly number[]>();
  for (const n of g.nodes) for (const w of n.weights) expected.set(weightName(n, w), w.shape);
  const faults: string[] = [];
  const shape = (s: readonly number[]) => `[${s.join(", ")}]`;
  for (const [name, want] of expected) {
    const t = tensors.get(name);
    if (!t) faults.push(`${name} is missing (${g.network} has it, of shape ${shape(want)})`);
    else if (t.shape.join("x") !== want.join("x")) faults.push(`${name} is ${shape(t.shape)}, but ${g.network}'s is ${shape(want)}`);
  }
  for (const name of tensors.keys()) if (!expected.has(name)) faults.push(`${JSON.stringify(name)} is not a tensor of ${g.network}`);
  return faults.length > max ? [...faults.slice(0, max), `and ${faults.length - max} more`] : faults;
}
