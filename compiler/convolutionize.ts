// Convolutionization (the lecture notes' `convolutionize`, OverFeat's dense evaluation):
// a rewrite of a shaped graph in which a `flatten` followed by `linear` becomes a
// convolution as large as the flattened map, and every later `linear` a 1x1
// convolution; elementwise layers (dropout, activations) carry over. The network then
// gives the same answer at its original size and a map of answers on larger images.
// Parameter names are kept, so a checkpoint converts by reshaping (`convertWeights`).
// What cannot become convolutional is handled deliberately: an adaptive pool that is the
// identity at the given size is removed and reported; anything else is an error.
// The result is a syntax tree printed by the printer (no .net text is concatenated here).
import type * as A from "../syntax/ast.js";
import { Codes, error, warning, type Diagnostic, type Span } from "../syntax/diagnostics.js";
import { compileFile, type Compiled } from "./compile.js";
import { printProgram } from "../grammar/printer.js";
import type { Graph, IRNode } from "./ir.js";
import { ops } from "./ops.js";
import type { Pair } from "./op-args.js";
import { findPoolHead, rewritePoolHead, type HeadSource } from "./convolutionize-head.js";
import { formatShape } from "./values.js";

export interface Conversion {
  /** Linear weights to reshape: name -> the convolution weight's PyTorch shape. */
  reshape: Map<string, number[]>;
  /** Nodes left out, and why. */
  removed: { name: string; reason: string }[];
}

export interface Convolutionized {
  program?: A.Program; // the rewritten network, its layers at their original spans
  text?: string; // the same, printed by the printer
  conversion?: Conversion;
  diagnostics: Diagnostic[];
  notes: string[];
}

const ELEMENTWISE = new Set(["relu", "relu6", "leakyrelu", "elu", "sigmoid", "tanh", "silu", "hardswish", "hardsigmoid", "gelu", "identity", "dropout"]);

export interface ConvolutionizeOptions {
  name?: string;
  /**
   * OverFeat's finer map: the last max pooling before the classifier at stride 1, and
   * the classifier's first convolution dilated by the stride it had, so that the map
   * has a cell for every shift of that pooling (twice as dense for AlexNet and VGG).
   */
  fine?: boolean;
}

/** Rewrites a chain-shaped graph (each layer feeding the next) into a fully convolutional network. */
export function convolutionize(g: Graph, opts: ConvolutionizeOptions = {}): Convolutionized {
  const name = opts.name ?? `${g.network}_fcn`;
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  const conversion: Conversion = { reshape: new Map(), removed: [] };
  const chain = g.nodes.filter((n) => n.op !== "input");
  const branchy = g.inputs.length !== 1 || chain.some((n, i) => n.inputs.length !== 1 || n.inputs[0] !== (i === 0 ? g.inputs[0].node : chain[i - 1].id));
  if (branchy || g.outputs.length !== 1) {
    diagnostics.push(error(Codes.usage, `${g.network} is not a chain of layers (it branches or merges) and does not end with a global average pool and linear layers: convolutionize rewrites those two kinds of classifier (alexnet, vgg; resnet, densenet)`, g.root.span));
    return { diagnostics, notes };
  }
  const kept: { node: IRNode; as?: A.CallStmt }[] = [];
  let linearSeen = false;
  let flattened: number[] | undefined; // the map a flatten turned into a vector, until a linear reads it
  const fail = (n: IRNode, message: string) => {
    diagnostics.push(error(Codes.usage, `${n.op} (${n.name}): ${message}`, n.span));
    return { diagnostics, notes };
  };
  for (const n of chain) {
    const inShape = g.nodes[n.inputs[0]].shape as number[];
    if (n.op === "adaptiveavgpool" || n.op === "adaptivemaxpool") {
      const [oh, ow] = n.attrs.size as Pair;
      if (linearSeen || inShape[1] !== oh || inShape[2] !== ow)
        return fail(n, `fixes the output size to ${oh}x${ow} and is not the identity on its input ${inShape.join("x")}; a fully convolutional network cannot keep it`);
      const reason = `the identity at this input size (${inShape.join("x")}); kept, it would fix every larger input to ${oh}x${ow}`;
      conversion.removed.push({ name: n.name, reason });
      notes.push(`removed ${n.op} ${oh}x${ow} (${n.name}): ${reason.replace("; kept, it", ": kept, it")}`);
      continue;
    }
    if (n.op === "flatten") {
      if (inShape.length !== 3) return fail(n, `flattens ${inShape.join("x")}, not an image`);
      flattened = inShape;
      continue; // the convolution that replaces the next linear reads the map itself
    }
    if (n.op === "linear") {
      if (!flattened && !linearSeen) return fail(n, `reads ${inShape.join("x")}, which no flatten produced`);
      const map = flattened ?? [inShape[0], 1, 1];
      flattened = undefined;
      linearSeen = true;
      const out = n.attrs.out as number;
      conversion.reshape.set(`${n.name}.weight`, [out, map[0], map[1], map[2]]);
      const args = [arg(num(out, n.span)), arg(valueExpr([map[1], map[2]], n.span, true))];
      if (!n.attrs.bias) args.push(arg({ kind: "bool", value: false, span: n.span }, "bias"));
      kept.push({ node: n, as: call("conv", args, n.span) });
      continue;
    }
    if ((linearSeen || flattened) && !ELEMENTWISE.has(n.op)) return fail(n, "cannot be carried over into the convolutional classifier");
    if (n.op === "reshape") return fail(n, "a reshape fixes the layout and cannot be made convolutional");
    kept.push({ node: n });
  }
  if (flattened) {
    diagnostics.push(error(Codes.usage, "the network ends with a flatten that no linear layer reads", g.root.span));
    return { diagnostics, notes };
  }
  if (opts.fine) {
    const first = kept.findIndex((k) => k.as !== undefined);
    const pool = kept.slice(0, first).reverse().find((k) => k.node.op === "maxpool");
    if (first < 0 || !pool) {
      diagnostics.push(error(Codes.usage, "--fine needs a max pooling before the classifier", g.root.span));
      return { diagnostics, notes };
    }
    const [sh, sw] = pool.node.attrs.stride as Pair;
    pool.node = { ...pool.node, attrs: { ...pool.node.attrs, stride: [1, 1] } };
    kept[first].as!.args.push(arg(sh === sw ? num(sh, pool.node.span) : valueExpr([sh, sw], pool.node.span, true), "dilation"));
    notes.push(`${pool.node.name}: stride 1 instead of ${sh}, and ${kept[first].node.name} dilated by ${sh}: a map ${sh} times as dense`);
  }
  if (!linearSeen) notes.push(`${g.network} has no linear layer: it is fully convolutional already`);
  const input = g.nodes[g.inputs[0].node].shape as number[];
  const program = emit(name, g.network, input[0], kept, g.root.span);
  return { program, text: printProgram(program, ""), conversion, diagnostics, notes };
}

/** Where NET's source is, for the rewrite of a global-average-pool head (made on the source). */
export type NetSource = Omit<HeadSource, "output" | "name">;

/**
 * Convolutionizes and checks the result: the printed network must compile (on its
 * symbolic input) with as many parameters as the original, or an internal error says
 * what went wrong; a parameter count that differs is a warning. A network ending with a
 * global average pool and linear layers (ResNet's head) is rewritten on its source.
 */
export async function convolutionizeChecked(g: Graph, params: number, opts: ConvolutionizeOptions & { file?: string; source?: NetSource } = {}): Promise<Convolutionized & { sources?: Compiled["sources"] }> {
  const file = opts.file ?? `${g.network}_fcn.net`;
  const head = findPoolHead(g);
  let result: Convolutionized;
  if (head && "why" in head) result = { diagnostics: [error(Codes.usage, head.why, head.span)], notes: [] };
  else if (head && (opts.fine || !opts.source)) {
    const why = opts.fine ? "--fine applies to a flatten-and-linear classifier (alexnet, vgg), not to a global average pool head" : "the head's rewrite needs the network's source file";
    result = { diagnostics: [error(Codes.usage, why, g.root.span)], notes: [] };
  } else if (head) {
    const r = await rewritePoolHead(g, head, { ...opts.source!, output: file, name: opts.name });
    result = { program: r.program, text: r.text, conversion: { reshape: r.reshape, removed: r.removed }, diagnostics: r.diagnostics, notes: r.notes };
  } else if (!g.nodes.some((n) => n.op === "linear")) {
    result = { diagnostics: [error(Codes.usage, `${g.network} has no linear layer: it is fully convolutional already, nothing to rewrite`, g.root.span)], notes: [] };
  } else result = convolutionize(g, opts);
  if (!result.text) return result;
  const check = await compileFile(file, { text: result.text });
  if (!check.counts) {
    const d = error(Codes.internal, "the rewritten network does not compile (a bug in netc convolutionize)", g.root.span);
    return { diagnostics: [d, ...check.diagnostics], notes: result.notes, sources: check.sources };
  }
  if (check.counts.params !== params)
    result.diagnostics.push(warning(Codes.internal, `the rewritten network has ${check.counts.params} parameters, the original ${params}`, g.root.span));
  const out = check.graph!.nodes[check.graph!.outputs[0].node].shape;
  if (head && out) result.notes.push(`the output is ${formatShape(out)}`);
  return result;
}

/**
 * The rewritten chain as a syntax tree: labelled groups following the original names,
 * each layer keeping the span of the layer it came from, so that a later error in the
 * rewritten network still points at the user's text.
 */
function emit(name: string, original: string, channels: number, kept: { node: IRNode; as?: A.CallStmt }[], at: Span): A.Program {
  const header = [
    `# ${original}, convolutionized by netc: each linear layer became a convolution, so the network`,
    `# takes any input size and gives a map of outputs. Parameter names are ${original}'s.`,
  ];
  // Comments sit before every offset of the original file: the printer places them first.
  const comments = header.map((text, i) => ({ text, span: { ...at, start: i - header.length, end: i - header.length + 1 } }));
  const input: A.InputStmt = { kind: "input", shape: { kind: "dims", parts: [num(channels, at), nameExpr("H", at), nameExpr("W", at)], span: at }, span: at };
  const body: A.Stmt[] = [input];
  const open: { part: string; body: A.Stmt[] }[] = [];
  for (const { node, as } of kept) {
    const path = node.name.split(".");
    const label = path.pop()!;
    let common = 0;
    while (common < open.length && common < path.length && open[common].part === path[common]) common++;
    open.length = common;
    for (const part of path.slice(common)) {
      const group: A.GroupStmt = { kind: "group", label: labelOf(part, node.span), body: [], bodySpan: node.span, span: node.span };
      (open.at(-1)?.body ?? body).push(group);
      open.push({ part, body: group.body });
    }
    const call = as ?? layerCall(node);
    (open.at(-1)?.body ?? body).push({ ...call, label: labelOf(label, node.span) });
  }
  const decl: A.NetworkDecl = { kind: "network", name, params: [], body, bodySpan: at, nameSpan: at, span: at };
  return { file: at.file, items: [decl], comments, span: at };
}

const KEYWORDS = new Set(["block", "network", "let", "input", "import", "repeat", "as", "for", "in", "if", "else", "residual", "shortcut", "when", "concat", "add", "mul", "from", "head", "and", "or", "not", "true", "false"]);
/** A module name as a label; one that is not a plain name is written quoted (a template without holes). */
const labelOf = (l: string, span: Span): A.Label =>
  /^[A-Za-z_][A-Za-z0-9_]*$|^[0-9]+$/.test(l) && !KEYWORDS.has(l) ? { name: l, span } : { name: l, span, parts: [l] };

const num = (v: number, span: Span): A.Expr =>
  v < 0 ? { kind: "unary", op: "-", operand: num(-v, span), span } : { kind: "number", value: v, text: String(v), span };
const nameExpr = (name: string, span: Span): A.Expr => ({ kind: "name", name, span });
const call = (callee: string, args: A.Arg[], span: Span): A.CallStmt => ({ kind: "call", callee, calleeSpan: span, args, parens: false, span });
const arg = (value: A.Expr, name?: string): A.Arg => ({ name, value, span: value.span });

/** A layer as a call: its arguments that differ from their defaults. */
function layerCall(n: IRNode): A.CallStmt {
  const spec = ops.get(n.op)!;
  const args: A.Arg[] = [];
  let named = false;
  for (const a of spec.args) {
    const v = n.attrs[a.name];
    const def = a.defaultFrom ? n.attrs[a.defaultFrom] : a.default;
    if (def !== undefined && same(v, def)) {
      named = true; // once one is left out, the rest must be named
      continue;
    }
    const value = valueExpr(v, n.span, a.name === "kernel" || a.name === "size");
    args.push(arg(value, named || def !== undefined ? a.name : undefined));
    if (def !== undefined) named = true;
  }
  return call(n.op, args, n.span);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An argument's value: sizes as 3x3 for kernels, a single number for equal strides and pads. */
function valueExpr(v: unknown, span: Span, size = false): A.Expr {
  if (!size && Array.isArray(v) && v.length === 2 && v[0] === v[1] && typeof v[0] === "number") return num(v[0], span);
  if (Array.isArray(v))
    return v.every((x) => typeof x === "number" && x >= 0) && v.length > 1
      ? { kind: "dims", parts: v.map((x) => num(x as number, span)), span }
      : { kind: "list", items: v.map((x) => valueExpr(x, span)), span };
  if (typeof v === "string") return { kind: "string", value: v, span };
  if (typeof v === "boolean") return { kind: "bool", value: v, span };
  return num(v as number, span);
}

/** Reshapes a checkpoint's linear weights into the convolutions' layout (flatten order is C, H, W). */
export function convertWeights<T extends { shape: number[] }>(tensors: Map<string, T>, conversion: Conversion): Map<string, T> {
  const out = new Map<string, T>();
  for (const [name, t] of tensors) {
    const shape = conversion.reshape.get(name);
    if (shape && t.shape.reduce((a, b) => a * b, 1) !== shape.reduce((a, b) => a * b, 1))
      throw new Error(`${name} is ${t.shape.join("x")}, which does not reshape to ${shape.join("x")}`);
    out.set(name, shape ? { ...t, shape } : t);
  }
  return out;
}
