// Layer binding: a layer call's arguments bound to the op's parameters and converted to
// their types; then the op's output shape, weights and MACs, inferred from its input,
// become a node of the graph. Merges (add, mul, concat) likewise, from their branches. An op's complaint about its input or arguments becomes a
// diagnostic located at the argument (or the call) and at where the input came from.
import * as A from "../syntax/ast.js";
import { Codes, error, warning, withNote, type Diagnostic } from "../syntax/diagnostics.js";
import { bindArgs } from "./bind-args.js";
import { EvalError } from "./evaluate.js";
import { childName, type Frame, type GraphBuilder, type Naming, type Tensor } from "./graph-builder.js";
import { mergeShapes, MergeError } from "./merge.js";
import { convertArg, ArgTypeError } from "./op-args.js";
import { OpError, paramsOf, type Args, type OpResult, type OpSpec } from "./ops.js";
import { formatShape, isUnknown, type Shape, type Value } from "./values.js";

export interface GraphContext {
  graph: GraphBuilder;
  naming: Naming;
  frame: Frame;
}

export interface LayerContext extends GraphContext {  /** Evaluates an argument's expression where the call stands. */
  evaluate(e: A.Expr): Value;
}

export function bindLayer(op: OpSpec, s: A.CallStmt, cx: LayerContext, input: Tensor): Tensor {
  const g = cx.graph;
  // The same text as the op's last layer, its arguments all literals, on the same input
  // shape: the same binding (a long written-out run's lines are views of its first).
  const text = (s as { [A.sameText]?: A.CallStmt })[A.sameText] ?? s;
  const last = g.lastBinding.get(op);
  if (last?.text === text && input.shape && sameValue(last.input, input.shape)) return addLayer(op, s, cx, input, last.attrs, last.result, last.result.shape);
  const bound = bindArgs(op.name, paramsOf(op), s.args, s.calleeSpan, op.positionalHint);
  let attrs: Args = {};
  let unknown = false;
  for (const spec of op.args) {
    const a = bound.get(spec.name);
    if (!a) {
      attrs[spec.name] = spec.defaultFrom ? attrs[spec.defaultFrom] : spec.default;
      continue;
    }
    try {
      attrs[spec.name] = convertArg(spec.type, cx.evaluate(a.value), `${op.name}'s ${spec.name}`);
    } catch (e) {
      if (e instanceof ArgTypeError) throw new EvalError(e.message, a.value.span, Codes.badArgument);
      throw e;
    }
    if (isUnknown(attrs[spec.name] as Value)) unknown = true;
  }
  let result: OpResult = { shape: [] };
  let shape: Shape | null = null;
  // A layer with the same arguments and input shape as the op's last one (a loop's, or a
  // long written-out run's) shares its attributes, shape and weights: inference is a
  // function of them, and a million layers then hold one copy, not a million.
  if (last && sameValue(last.attrs, attrs)) attrs = last.attrs;
  const literal = [...bound.values()].every((a) => isLiteral(a.value)); // its values do not depend on where it stands
  if (input.shape && !unknown && last?.attrs === attrs && sameValue(last.input, input.shape)) {
    [result, shape] = [last.result, last.result.shape];
    last.text = literal ? text : undefined;
  } else if (input.shape && !unknown) {
    try {
      result = op.infer(attrs, input.shape);
      shape = g.checkSize(result.shape, op.name);
      g.lastBinding.set(op, { attrs, input: input.shape, result, text: literal ? text : undefined });
    } catch (e) {
      if (!(e instanceof OpError)) throw e;
      g.report(g.located(opError(g, e, op, s, bound, input), cx.frame));
    }
  }
  return addLayer(op, s, cx, input, attrs, result, shape);
}

/** Numbers, booleans and sizes of numbers: values that are the same wherever they are written. */
function isLiteral(e: A.Expr): boolean {
  return e.kind === "number" || e.kind === "bool" || (e.kind === "dims" && e.parts.every((p) => p.kind === "number"));
}

/** The layer's node, its warnings and counts, once its binding is known. */
function addLayer(op: OpSpec, s: A.CallStmt, cx: LayerContext, input: Tensor, attrs: Args, result: OpResult, shape: Shape | null): Tensor {
  const g = cx.graph;
  if (op.name === "linear" && shape && input.shape?.length === 3 && !afterPermute(g, input)) g.report(linearOnImage(g, s, input));
  g.countExactly(result, s.span);
  const node = { id: -1, op: op.name, name: childName(cx.naming, s.label, cx.graph), attrs, inputs: [input.node], shape, weights: result.weights ?? [], macs: result.macs ?? 0, span: s.span };
  return g.addNode(node, cx.naming, s.label?.name ?? op.name);
}

/** nn.Linear on CxHxW acts on the last axis (the width), as PyTorch's does; rarely what is meant. */
function linearOnImage(g: GraphBuilder, s: A.CallStmt, input: Tensor): Diagnostic {
  const d = warning(Codes.linearOnImage, `linear acts on the last dimension of ${formatShape(input.shape!)}: each row of width ${input.shape![2]} separately`, s.span, "flatten first?");
  g.origin(d, input);
  return withNote(d, "as PyTorch's nn.Linear, this keeps the channels and rows; write `flatten` before it for one vector per image");
}

/** Whether the value comes from a permute through layers that keep the axes (channels last on purpose). */
function afterPermute(g: GraphBuilder, t: Tensor): boolean {
  for (let n = g.nodes[t.node]; n; n = g.nodes[n.inputs[0]]) {
    if (n.op === "permute") return true;
    if (n.inputs.length !== 1 || ["flatten", "reshape", "conv", "input"].includes(n.op)) return false;
  }
  return false;
}

function opError(g: GraphBuilder, e: OpError, op: OpSpec, s: A.CallStmt, bound: Map<string, A.Arg>, input: Tensor): Diagnostic {
  const argSpan = e.arg ? bound.get(e.arg)?.span : undefined;
  const code = e.inputProblem ? Codes.shapeRank : Codes.shapeInvalid;
  const d = error(code, e.message, argSpan ?? s.span, e.inputProblem ? `${op.name} gets ${formatShape(input.shape!)} here` : undefined);
  if (e.inputProblem) g.origin(d, input);
  return d;
}

export function bindMerge(op: "add" | "mul" | "concat", parts: Tensor[], s: A.Stmt, cx: GraphContext, exact: boolean): Tensor {
  const g = cx.graph;
  let shape: Shape | null = null;
  if (parts.every((p) => p.shape)) {
    try {
      shape = mergeShapes(op, parts.map((p) => p.shape!), exact);
    } catch (e) {
      if (!(e instanceof MergeError)) throw e;
      const d = error(Codes.shapeMismatch, e.message, s.span, `${op} of ${parts.length} branches`);
      for (const i of e.culprits) g.origin(d, parts[i], `branch ${i + 1}`);
      if (exact) withNote(d, "a residual adds its body to its input: give it a `shortcut { ... }` that makes the shapes agree");
      g.report(g.located(d, cx.frame));
    }
  }
  const node = { id: -1, op, name: cx.naming.prefix + op, attrs: {}, inputs: parts.map((p) => p.node), shape, weights: [], macs: 0, span: s.span };
  return g.addNode(node, cx.naming, op);
}

/** Equal as arguments and shapes are: numbers, strings, booleans, lists and plain records of them; anything else (a symbolic size) only if identical. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const isRecord = (x: unknown): x is object => typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;
