// The built-in functions of expressions, with Python's meaning where Python has the
// name: round halves to even, floor and ceil return integers, make_divisible is
// torchvision's _make_divisible (MobileNet, EfficientNet, RegNet widths).
import type { Span } from "../syntax/diagnostics.js";
import { Codes } from "../syntax/diagnostics.js";
import { EvalError, MAX_LIST } from "./evaluate.js";
import { show, typeName, type Value } from "./values.js";

export const builtins: Record<string, (args: Value[], span: Span) => Value> = {
  range(args, span) {
    const nums = args.map((a) => intArg(a, span));
    const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
    if (step === 0 || nums.length === 0 || nums.length > 3) throw new EvalError("range takes (stop), (start, stop) or (start, stop, step) with step != 0", span);
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (n > MAX_LIST) throw new EvalError(`range of ${n} values is too long (at most ${MAX_LIST})`, span, Codes.limit);
    return Array.from({ length: n }, (_, i) => start + i * step);
  },
  len(args, span) {
    if (args.length !== 1 || !Array.isArray(args[0])) throw new EvalError("len takes one list", span);
    return args[0].length;
  },
  min: (args, span) => extreme(args, span, (a, b) => a < b),
  max: (args, span) => extreme(args, span, (a, b) => a > b),
  sum(args, span) {
    const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    return list.reduce<number>((s, v) => s + numArg(v, span), 0);
  },
  floor: (args, span) => Math.floor(numArg(args[0], span)),
  ceil: (args, span) => Math.ceil(numArg(args[0], span)),
  round(args, span) {
    if (args.length !== 1) throw new EvalError("round takes one number (Python's round(x); round(x, n) is not supported)", span);
    return pythonRound(numArg(args[0], span));
  },
  log(args, span) {
    const x = positive(args[0], span, "log");
    if (args.length === 1) return Math.log(x);
    if (args.length !== 2) throw new EvalError("log takes (x) or (x, base), as Python's math.log", span);
    return Math.log(x) / Math.log(positive(args[1], span, "log's base"));
  },
  sqrt: (args, span) => Math.sqrt(nonNegative(args[0], span, "sqrt")),
  pow(args, span) {
    if (args.length !== 2) throw new EvalError("pow takes (x, y): x to the power y", span);
    const r = Math.pow(numArg(args[0], span), numArg(args[1], span));
    if (!Number.isFinite(r)) throw new EvalError(`pow(${show(args[0])}, ${show(args[1])}) is not a finite number`, span);
    return r;
  },
  make_divisible(args, span) {
    if (args.length < 2 || args.length > 3) throw new EvalError("make_divisible takes (value, divisor) or (value, divisor, min_value), as torchvision's _make_divisible", span);
    return makeDivisible(numArg(args[0], span), intArg(args[1], span), args[2] === undefined ? undefined : intArg(args[2], span), span);
  },
  int: (args, span) => Math.trunc(numArg(args[0], span)),
  abs: (args, span) => Math.abs(numArg(args[0], span)),
};

function numArg(v: Value | undefined, span: Span): number {
  if (typeof v !== "number") throw new EvalError(`expected a number, got ${v === undefined ? "nothing" : typeName(v)}`, span);
  return v;
}
function intArg(v: Value, span: Span): number {
  const n = numArg(v, span);
  if (!Number.isInteger(n)) throw new EvalError(`expected an integer, got ${n}`, span);
  return n;
}
function extreme(args: Value[], span: Span, better: (a: number, b: number) => boolean): number {
  const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (list.length === 0) throw new EvalError("min and max need at least one value", span);
  return list.map((v) => numArg(v, span)).reduce((a, b) => (better(b, a) ? b : a));
}


/** Python's round(x): to the nearest integer, halves to the even one (round(2.5) == 2). */
export function pythonRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision's _make_divisible: v to the nearest multiple of divisor, never below 90% of v. */
export function makeDivisible(v: number, divisor: number, minValue: number | undefined, span: Span): number {
  if (divisor < 1) throw new EvalError(`make_divisible's divisor must be at least 1, got ${divisor}`, span);
  const min = minValue ?? divisor;
  let r = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (r < 0.9 * v) r += divisor;
  return r;
}

function positive(v: Value | undefined, span: Span, what: string): number {
  const n = numArg(v, span);
  if (!(n > 0)) throw new EvalError(`${what} needs a positive number, got ${n}`, span);
  return n;
}
function nonNegative(v: Value | undefined, span: Span, what: string): number {
  const n = numArg(v, span);
  if (n < 0) throw new EvalError(`${what} needs a number of 0 or more, got ${n}`, span);
  return n;
}
