// Graph building for elaboration: the nodes, inputs and outputs of the graph IR, the
// module tree that names them as PyTorch would, the limits that bound a graph's size,
// and the pass's diagnostics (each reported once, located at the block call that led
// there). Naming follows PyTorch: a label names a module; an unlabelled layer or block
// call takes its position in the enclosing module (from 0); unlabelled braces,
// combinators, repeats and conditions are transparent.
import type * as A from "../syntax/ast.js";
import { Abort, Codes, error, withLabel, type Diagnostic, type Span } from "../syntax/diagnostics.js";
import type { IRNode, ModuleNode, Port } from "./ir.js";
import type { ModuleScope } from "./modules.js";
import { OpError, type Args, type OpResult, type OpSpec } from "./ops.js";
import { EvalError } from "./evaluate.js";
import { formatShape, typeName, type Shape, type Value } from "./values.js";

export const LIMITS = { nodes: 1_100_000, depth: 200, steps: 20_000_000, repeat: 1_000_000 };
export const MAX_DIM = 2 ** 31 - 1;
/** A layer's children: none, one frozen list for every layer. */
const NO_CHILDREN = Object.freeze([]) as unknown as ModuleNode[];

export interface Tensor {
  node: number;
  shape: Shape | null; // null after an upstream error
}

/** Where new modules go: the enclosing module, its name prefix, its child counter. */
export interface Naming {
  prefix: string;
  counter: { n: number };
  module: ModuleNode;
}

/** One network or block body being run: its declarations, its labelled values. */
export interface Frame {
  scope: ModuleScope;
  labels: Map<string, Tensor>;
  depth: number;
  block?: string;
  callSite?: Span;
  parent?: Frame;
}

/** The next child's name: its label, or its position in the enclosing module. */
export function childName(naming: Naming, label: A.Label | undefined, graph: GraphBuilder): string {
  const index = naming.counter.n++;
  const name = naming.prefix + (label ? label.name : String(index));
  // PyTorch's module tree cannot hold two children of one name (their weights' names
  // would collide). Merges are not modules.
  const twin = label && graph.childNamed(naming.module, name);
  // A mistake a loop already reported here is dropped unread: its message is not built.
  if (twin && graph.repeated(Codes.duplicate, label.span)) throw new EvalError("", label.span, Codes.duplicate);
  if (twin)
    throw new EvalError(`the label \`${label.name}\` is used twice in ${naming.module.name ? `\`${naming.module.name}\`` : "this network"}`, label.span, Codes.duplicate,
      "PyTorch's modules cannot have two children of one name: their weights would have the same names", { span: twin.span, message: `\`${name}\` is first used here` });
  return name;
}

/** Opens a child module named by `label` and returns the naming inside it. */
export function openModule(naming: Naming, label: A.Label, type: string, kind: ModuleNode["kind"], span: Span, graph: GraphBuilder): Naming {
  const name = childName(naming, label, graph);
  const module: ModuleNode = { name, label: label.name, type, kind, children: [], span };
  naming.module.children.push(module);
  return { prefix: `${name}.`, counter: { n: 0 }, module };
}

/** A template label's name: its text with each `{expression}` evaluated. */
export function templateLabel(label: A.Label, evaluate: (e: A.Expr) => Value): A.Label {
  const name = label.parts!.map((p) => {
    if (typeof p === "string") return p;
    const v = evaluate(p);
    if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return String(v);
    throw new EvalError(`a label part must be an integer or a string, got ${typeName(v)}`, p.span, Codes.type);
  }).join("");
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new EvalError(`"${name}" is not a valid label (letters, digits, _ and -)`, label.span, Codes.badArgument);
  return { name, span: label.span };
}

export class GraphBuilder {
  readonly nodes: IRNode[] = [];
  readonly inputs: Port[] = [];
  readonly outputs: Port[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  /** Each op's last binding (bind-layer.ts shares it with the next identical one). */
  readonly lastBinding = new Map<OpSpec, { attrs: Args; input: Shape; result: OpResult; text?: A.CallStmt }>();
  /** The enclosing loops' places already reported (see onceAcrossIterations), innermost last. */
  readonly loopsSeen: Set<string>[] = [];
  private readonly totals = { values: 0, macs: 0 };
  /** Each module's children by name (merges left out), indexed as they are added. */
  private readonly childIndex = new WeakMap<ModuleNode, { seen: number; names: Map<string, ModuleNode> }>();

  /** The child of `module` named `name`, other than a merge (which is not a module). */
  childNamed(module: ModuleNode, name: string): ModuleNode | undefined {
    let index = this.childIndex.get(module);
    if (!index) this.childIndex.set(module, (index = { seen: 0, names: new Map() }));
    for (; index.seen < module.children.length; index.seen++) {
      const c = module.children[index.seen];
      if (!(c.kind === "layer" && ["add", "mul", "concat"].includes(c.type)) && !index.names.has(c.name)) index.names.set(c.name, c);
    }
    return index.names.get(name);
  }

  /** Adds `node` (its `id` given here) and its entry in the module tree; callers build it whole, `id` first (one object shape for every node). */
  addNode(node: IRNode, naming: Naming, label: string): Tensor {
    if (this.nodes.length >= LIMITS.nodes)
      throw new Abort(error(Codes.limit, `the network has more than ${LIMITS.nodes} layers`, node.span, "while adding this layer"));
    node.id = this.nodes.length;
    this.nodes.push(node);
    naming.module.children.push({ name: node.name, label, type: node.op, kind: "layer", children: NO_CHILDREN, node: node.id, output: node.id, span: node.span });
    return { node: node.id, shape: node.shape };
  }

  /** Totals stay exact in double precision (below 2^53), or elaboration stops. */
  countExactly(r: OpResult, span: Span) {
    for (const w of r.weights ?? []) this.totals.values += w.shape.reduce((p, d) => p * d, 1);
    if (typeof r.macs === "number") this.totals.macs += r.macs;
    if (this.totals.values > Number.MAX_SAFE_INTEGER || this.totals.macs > Number.MAX_SAFE_INTEGER)
      throw new Abort(error(Codes.limit, "the network's parameter or MAC count passes 2^53, where counts stop being exact", span, "at this layer"));
  }

  checkSize(shape: Shape, op: string): Shape {
    let n = 1;
    for (const d of shape) {
      if (typeof d !== "number") continue;
      if (!Number.isInteger(d) || d < 1) throw new OpError(`${op}'s output would have a dimension of ${d}`, undefined, true);
      n *= d;
      if (d > MAX_DIM || n > Number.MAX_SAFE_INTEGER) throw new OpError(`${op}'s output ${formatShape(shape)} is too large`);
    }
    return shape;
  }

  /** Adds a secondary label at the place a tensor's shape comes from. */
  origin(d: Diagnostic, t: Tensor, what = "the input") {
    const n = this.nodes[t.node];
    const shape = t.shape ? formatShape(t.shape) : "?";
    const where = n.op === "input" ? `the network input is ${shape}` : `${what}, ${shape}, comes from this ${n.op}`;
    withLabel(d, n.span, where);
  }

  /** Points a diagnostic raised inside a block at the call that led there too. */
  located(d: Diagnostic, frame: Frame): Diagnostic {
    if (frame.callSite && frame.block && d.labels.length > 0) withLabel(d, frame.callSite, `in this use of ${frame.block}`);
    return d;
  }

  /**
   * Whether an enclosing loop reported a mistake of this code at this place in an earlier
   * iteration, and so will drop it: the caller need not build it (a mistake in a block
   * that a loop runs 65,536 times is built once, not 65,536 times).
   */
  repeated(code: string, span: Span): boolean {
    if (this.loopsSeen.length === 0) return false;
    const key = placeKey(code, span);
    return this.loopsSeen.some((seen) => seen.has(key));
  }

  /** Adds a diagnostic, unless the same one (code, message, place) was reported before. */
  report(d: Diagnostic) {
    d.notes = d.notes.filter((n) => n);
    const p = d.labels[0]?.span;
    const key = `${d.code} ${d.message} ${p?.file}:${p?.start}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(d);
  }
}

/** A diagnostic's code and primary place: what makes two loop iterations' diagnostics one. */
export function placeKey(code: string, at: Span | undefined): string {
  return `${code} ${at?.file}:${at?.start}:${at?.end}`;
}
