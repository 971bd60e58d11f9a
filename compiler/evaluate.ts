// Evaluation of expressions: arithmetic (exact integer division with //), comparisons,
// logic, lists, `in.channels` of the incoming tensor, built-in functions, and symbolic
// sizes where a computation allows them.
import type { Arg, Expr } from "../syntax/ast.js";
import { Codes, type Span } from "../syntax/diagnostics.js";
import type { ModuleScope } from "./modules.js";
import { add, dimEquals, floorDiv, isSym, mul, sub, Sym, type Dim } from "./symbolic.js";
import { isOp, isTensor, isUnknown, show, typeName, UNKNOWN, type Value } from "./values.js";
import { ops as opNames } from "./ops.js";
import { builtins } from "./builtins.js";
import { pythonConstant } from "./python-names.js";
import { suggest } from "../syntax/suggest.js";

/**
 * A mistake in the user's file, thrown while evaluating and caught by the compiler, which
 * turns it into a diagnostic. Not an Error: it is never a bug, so it captures no stack
 * trace (a mistake repeated by a loop of 65,536 iterations threw once per iteration, and
 * capturing the stacks took a third of `check`'s time).
 */
export class EvalError {
  readonly name = "EvalError";
  constructor(
    readonly message: string,
    readonly span: Span,
    readonly code: string = Codes.type,
    readonly note?: string,
    readonly related?: { span: Span; message: string },
  ) {}
  toString(): string {
    return `EvalError: ${this.message}`;
  }
}

export const MAX_LIST = 1_000_000;

/** Lexical variables: a chain of maps. */
export class Env {
  private vars: Map<string, Value> | undefined; // made on the first set: most scopes (a loop's iterations) bind nothing
  constructor(readonly parent?: Env) {}
  get(name: string): Value | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const v = e.vars?.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  hasOwn(name: string): boolean {
    return this.vars?.has(name) ?? false;
  }
  set(name: string, v: Value) {
    (this.vars ??= new Map()).set(name, v);
  }
  names(): string[] {
    const out: string[] = [];
    for (let e: Env | undefined = this; e; e = e.parent) if (e.vars) out.push(...e.vars.keys());
    return out;
  }
}

export interface EvalContext {
  env: Env;
  scope: ModuleScope;
  incoming: Value; // the value of `in`
  symbols?: boolean; // unknown names become symbolic sizes (input shapes)
  /** The shapes of labelled values in scope (`upscore2.height`); null after an error. */
  labels?: ReadonlyMap<string, { shape: Value[] | null }>;
}

export function evaluate(e: Expr, cx: EvalContext): Value {
  switch (e.kind) {
    case "number":
    case "string":
    case "bool":
      return e.value;
    case "in":
      return cx.incoming;
    case "name":
      return lookup(e.name, e.span, cx);
    case "dims":
      return e.parts.map((p) => evaluate(p, cx));
    case "list":
      return e.items.map((p) => evaluate(p, cx));
    case "index":
      return index(evaluate(e.target, cx), evaluate(e.index, cx), e);
    case "member":
      return member(evaluate(e.target, cx), e.name, e.span);
    case "call":
      return callBuiltin(e, cx);
    case "unary":
      return unary(e.op, evaluate(e.operand, cx), e.span);
    case "cond": {
      const c = evaluate(e.cond, cx);
      if (isUnknown(c)) return UNKNOWN;
      return truth(c, e.cond.span) ? evaluate(e.then, cx) : evaluate(e.else, cx);
    }
    case "binary":
      return binary(e, cx);
    case "comprehension":
      return comprehension(e, cx);
  }
}

/** `[f(i) for i in xs if c]`: the element for each item that passes the filter, the name bound in its own scope. */
function comprehension(e: Expr & { kind: "comprehension" }, cx: EvalContext): Value {
  const items = evaluate(e.iterable, cx);
  if (isUnknown(items)) return UNKNOWN;
  if (!Array.isArray(items)) throw new EvalError(`a list comprehension iterates over a list, this is ${typeName(items)} (${show(items)})`, e.iterable.span);
  const out: Value[] = [];
  for (const item of items) {
    const env = new Env(cx.env);
    env.set(e.variable, item);
    const inner = { ...cx, env };
    if (e.cond) {
      const c = evaluate(e.cond, inner);
      if (isUnknown(c)) return UNKNOWN;
      if (!truth(c, e.cond.span)) continue;
    }
    out.push(evaluate(e.element, inner));
  }
  return out;
}

function lookup(name: string, span: Span, cx: EvalContext): Value {
  const v = cx.env.get(name);
  if (v !== undefined) return v;
  const decl = cx.scope.visible.get(name);
  if (decl?.decl.kind === "block") return { kind: "block", decl: decl.decl, scope: decl.scope };
  if (!decl && opNames.has(name)) return { kind: "op", name };
  const labelled = cx.labels?.get(name);
  if (labelled) return { kind: "tensor", shape: labelled.shape as never };
  if (cx.symbols && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return Sym.variable(name);
  throw new EvalError(`\`${name}\` is not defined`, span, Codes.undefinedName, pythonConstant(name) ?? suggest(name, [...cx.env.names(), ...cx.scope.visible.keys()]));
}

export function truth(v: Value, span: Span): boolean {
  if (typeof v !== "boolean") throw new EvalError(`a condition must be true or false, got ${typeName(v)} (${show(v)})`, span);
  return v;
}

function index(target: Value, i: Value, e: Expr & { kind: "index" }): Value {
  if (isUnknown(target) || isUnknown(i)) return UNKNOWN;
  if (!Array.isArray(target)) throw new EvalError(`only lists can be indexed, this is ${typeName(target)}`, e.target.span);
  if (typeof i !== "number" || !Number.isInteger(i)) throw new EvalError(`a list index must be an integer, got ${show(i)}`, e.index.span);
  const k = i < 0 ? target.length + i : i;
  if (k < 0 || k >= target.length)
    throw new EvalError(`index ${i} is out of range for a list of ${target.length}`, e.index.span);
  return target[k];
}

function member(target: Value, name: string, span: Span): Value {
  if (isUnknown(target)) return UNKNOWN;
  if (!isTensor(target)) throw new EvalError(`${typeName(target)} has no field .${name}`, span);
  if (!target.shape) return UNKNOWN;
  const s = target.shape;
  const dims: Record<string, number> = { channels: 0, height: 1, width: 2 };
  if (name in dims) {
    if (s.length !== 3) throw new EvalError(`in.${name} needs a CxHxW input, the input here is ${s.map(String).join("x")}`, span);
    return s[dims[name]];
  }
  if (name === "shape") return [...s];
  if (name === "rank") return s.length;
  if (name === "size") return s.reduce<Dim>((p, d) => mul(p, d), 1);
  throw new EvalError(`a tensor has no field .${name}`, span, Codes.type, "fields: channels, height, width, shape, rank, size");
}

function unary(op: "-" | "not", v: Value, span: Span): Value {
  if (isUnknown(v)) return UNKNOWN;
  if (op === "not") return !truth(v, span);
  if (typeof v === "number") return -v;
  if (isSym(v)) return sub(0, v);
  throw new EvalError(`cannot negate ${typeName(v)}`, span);
}

const isNum = (v: Value): v is number | Sym => typeof v === "number" || isSym(v);

function binary(e: Expr & { kind: "binary" }, cx: EvalContext): Value {
  const l = evaluate(e.left, cx);
  if (e.op === "and" || e.op === "or") {
    if (isUnknown(l)) return UNKNOWN;
    const lb = truth(l, e.left.span);
    if (e.op === "and" ? !lb : lb) return lb;
    const r = evaluate(e.right, cx);
    return isUnknown(r) ? UNKNOWN : truth(r, e.right.span);
  }
  const r = evaluate(e.right, cx);
  if (isUnknown(l) || isUnknown(r)) return UNKNOWN;
  if (e.op === "==" || e.op === "!=") return equal(l, r, e) === (e.op === "==");
  if (e.op === "+" && Array.isArray(l) && Array.isArray(r)) {
    if (l.length + r.length > MAX_LIST) throw new EvalError(`list too long (more than ${MAX_LIST} items)`, e.span, Codes.limit);
    return [...l, ...r];
  }
  if (!isNum(l) || !isNum(r))
    throw new EvalError(`\`${e.op}\` needs numbers, got ${typeName(l)} and ${typeName(r)}`, e.span);
  if (typeof l === "number" && typeof r === "number") return arith(e.op, l, r, e);
  return symbolic(e.op, l, r, e);
}

function arith(op: string, l: number, r: number, e: Expr): Value {
  switch (op) {
    case "+": return l + r;
    case "-": return l - r;
    case "*": return l * r;
    case "/":
      if (r === 0) throw new EvalError("division by zero", e.span);
      return l / r;
    case "//":
      if (r === 0) throw new EvalError("division by zero", e.span);
      return Math.floor(l / r);
    case "%":
      if (r === 0) throw new EvalError("division by zero", e.span);
      return l - Math.floor(l / r) * r;
    case "<": return l < r;
    case "<=": return l <= r;
    case ">": return l > r;
    case ">=": return l >= r;
  }
  throw new EvalError(`unknown operator ${op}`, e.span);
}

function symbolic(op: string, l: Dim, r: Dim, e: Expr): Value {
  switch (op) {
    case "+": return add(l, r);
    case "-": return sub(l, r);
    case "*": return mul(l, r);
    case "//":
    case "/":
      if (typeof r === "number" && Number.isInteger(r) && r > 0) {
        const q = floorDiv(l, r);
        if (op === "//" || dimEquals(mul(q, r), l)) return q;
      }
  }
  throw new EvalError(`cannot compute \`${op}\` on the symbolic size ${String(isSym(l) ? l : r)}`, e.span, Codes.notConcrete,
    "symbolic sizes allow +, -, *, and // by a positive integer");
}

function equal(l: Value, r: Value, e: Expr): boolean {
  if (isSym(l) || isSym(r)) {
    if (dimEquals(l as Dim, r as Dim)) return true;
    throw new EvalError(`cannot decide whether ${show(l)} equals ${show(r)} for every input size`, e.span, Codes.notConcrete);
  }
  if (Array.isArray(l) && Array.isArray(r)) return l.length === r.length && l.every((x, i) => equal(x, r[i], e));
  if (isOp(l) && isOp(r)) return l.name === r.name;
  if (typeof l === "object" && typeof r === "object") return l === r;
  return l === r;
}

function callBuiltin(e: Expr & { kind: "call" }, cx: EvalContext): Value {
  if (e.callee.kind !== "name" || !(e.callee.name in builtins))
    throw new EvalError(
      e.callee.kind === "name" ? `\`${e.callee.name}\` is not a function` : "only built-in functions can be called in an expression",
      e.callee.span, Codes.notCallable, `functions: ${Object.keys(builtins).join(", ")}`,
    );
  const named = e.args.find((a: Arg) => a.name);
  if (named) throw new EvalError(`${e.callee.name} takes no named arguments`, named.span);
  const args = e.args.map((a) => evaluate(a.value, cx));
  if (args.some(isUnknown)) return UNKNOWN;
  if (args.some(isSym)) throw new EvalError(`${e.callee.name} needs concrete numbers`, e.span, Codes.notConcrete);
  return builtins[e.callee.name](args, e.span);
}

export { suggest };
