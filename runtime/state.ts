/**
 * The state dict shared by the weight readers and the executor: tensors named and laid
 * out as PyTorch's `state_dict()` (conv weight [out, in/groups, kh, kw], linear
 * [out, in], batch-norm `running_mean`/`running_var`, and `num_batches_tracked` as an
 * I64 scalar with shape []). Data is row-major; a scalar has shape [] and one element.
 */
export interface StateTensor {
  shape: number[];
  data: Float32Array | BigInt64Array;
  dtype: "F32" | "I64";
}

export type StateDict = Map<string, StateTensor>;

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
