// Resolution and block elaboration: runs a network's statements, expanding blocks,
// repeats and conditions, into the graph IR. Shapes are inferred on the way, because a
// block may read the shape of what flows into it (`in.channels`). Naming follows
// PyTorch: a label names a module; an unlabelled layer or block call takes its position
// in the enclosing module (from 0); unlabelled braces, combinators, repeats and
// conditions are transparent.
import type * as A from "../syntax/ast.js";
import { Abort, Codes, error, withLabel, withNote, type Diagnostic, type Span } from "../syntax/diagnostics.js";
import { bindArgs } from "./bind-args.js";
import { Env, EvalError, evaluate, suggest, truth, type EvalContext } from "./evaluate.js";
import type { Graph, IRNode, ModuleNode, Port } from "./ir.js";
import type { ModuleScope } from "./modules.js";
import { convertArg, ArgTypeError } from "./op-args.js";
import { OpError, ops, type Args, type OpResult, type OpSpec } from "./ops.js";
import { isSym, type Dim } from "./symbolic.js";
import { formatShape, isBlock, isOp, isUnknown, show, typeName, UNKNOWN, type BlockRef, type Shape, type Value } from "./values.js";
import { mergeShapes, MergeError } from "./merge.js";

export const LIMITS = { nodes: 1_000_000, depth: 200, steps: 20_000_000, repeat: 1_000_000 };
const MAX_DIM = 2 ** 31 - 1;

export interface Tensor {
  node: number;
  shape: Shape | null; // null after an upstream error
}

interface Naming {
  prefix: string;
  counter: { n: number };
  module: ModuleNode;
}

interface Frame {
  scope: ModuleScope;
  labels: Map<string, Tensor>;
  depth: number;
  block?: string;
  callSite?: Span;
  parent?: Frame;
}

interface Ctx {
  env: Env;
  naming: Naming;
  frame: Frame;
}

export interface ElaborateOptions {
  args?: Map<string, Value>; // network arguments (variant arguments, then --set)
  input?: Value; // replaces the first input's shape (--input)
  inputSpan?: Span;
}

export class Elaborator {
  readonly nodes: IRNode[] = [];
  readonly inputs: Port[] = [];
  readonly outputs: Port[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  private steps = 0;
  private lastHeadInput = -1; // the value the last head forked from
  private readonly totals = { values: 0, macs: 0 };

  constructor(private readonly opts: ElaborateOptions = {}) {}

  network(decl: A.NetworkDecl, scope: ModuleScope): Graph {
    const root: ModuleNode = { name: "", label: decl.name, type: "network", kind: "network", children: [], span: decl.span };
    const frame: Frame = { scope, labels: new Map(), depth: 0 };
    const env = new Env();
    const given = this.opts.args ?? new Map();
    for (const name of given.keys())
      if (!decl.params.some((p) => p.name === name))
        this.report(withNote(error(Codes.unknownArgument, `network ${decl.name} has no parameter \`${name}\``, decl.nameSpan),
          suggest(name, decl.params.map((p) => p.name)) ?? `parameters: ${decl.params.map((p) => p.name).join(", ") || "none"}`));
    let last: Tensor | undefined;
    try {
      for (const p of decl.params) {
        const v = given.get(p.name) ?? (p.default ? evaluate(p.default, { env, scope, incoming: UNKNOWN }) : undefined);
        if (v === undefined) this.report(error(Codes.missingArgument, `network ${decl.name} needs a value for \`${p.name}\``, p.span));
        env.set(p.name, v ?? UNKNOWN);
      }
      last = this.body(decl.body, { env, naming: { prefix: "", counter: { n: 0 }, module: root }, frame }, undefined);
    } catch (e) {
      if (e instanceof Abort) this.report(e.diagnostic);
      else if (e instanceof EvalError) this.report(error(e.code, e.message, e.span));
      else if (e instanceof RangeError) this.report(error(Codes.limit, `${decl.name} nests too deeply to elaborate`, decl.nameSpan));
      else throw e;
    }
    if (this.inputs.length === 0 && this.diagnostics.length === 0)
      this.report(withNote(error(Codes.noInput, `network ${decl.name} declares no input`, decl.nameSpan), "add a line such as `input 3x224x224`"));
    // Outputs are the heads; the last value is one too when the flow goes on after the
    // last head (GoogLeNet's auxiliary heads), and comes first.
    if (last && (this.outputs.length === 0 || this.lastHeadInput !== last.node)) this.outputs.unshift({ name: "output", node: last.node });
    root.output = this.outputs[0]?.node;
    return { network: decl.name, nodes: this.nodes, inputs: this.inputs, outputs: this.outputs, root };
  }

  // ---- statements ----------------------------------------------------------------
  private body(stmts: A.Stmt[], ctx: Ctx, cur: Tensor | undefined): Tensor | undefined {
    for (const s of stmts) {
      this.tick(s.span);
      try {
        cur = this.stmt(s, ctx, cur);
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        this.report(this.located(withNote(error(e.code, e.message, e.span), e.note ?? ""), ctx.frame));
        if (cur) cur = { node: cur.node, shape: null };
      }
    }
    return cur;
  }

  /** Counts one step of elaboration (a statement, a loop iteration); bounds the total. */
  private tick(span: Span) {
    if (++this.steps > LIMITS.steps)
      throw new Abort(error(Codes.limit, `the network takes more than ${LIMITS.steps} steps to elaborate`, span));
  }

  private stmt(s: A.Stmt, ctx: Ctx, cur: Tensor | undefined): Tensor | undefined {
    if (s.label?.parts) s = { ...s, label: this.labelName(s.label, ctx, cur) };
    const result = this.dispatch(s, ctx, cur);
    if (s.label && result) ctx.frame.labels.set(s.label.name, result);
    return result;
  }

  private dispatch(s: A.Stmt, ctx: Ctx, cur: Tensor | undefined): Tensor | undefined {
    switch (s.kind) {
      case "let":
        if (ctx.env.hasOwn(s.name)) throw new EvalError(`\`${s.name}\` is already defined here`, s.span, Codes.duplicate);
        ctx.env.set(s.name, this.eval(s.value, ctx, cur));
        return cur;
      case "input":
        return this.input(s, ctx);
      case "call":
        return this.call(s, ctx, this.need(cur, s));
      case "group":
        return this.body(s.body, this.enter(s, "sequence", ctx), cur);
      case "repeat":
        return this.repeat(s, ctx, cur);
      case "for":
        return this.forLoop(s, ctx, cur);
      case "if": {
        const inner = this.enter(s, "if", ctx);
        const branch = this.cond(s.cond, ctx, cur) ? s.then : s.else;
        return branch ? this.body(branch, inner, cur) : cur;
      }
      case "residual":
        return this.residual(s, ctx, this.need(cur, s));
      case "combine":
        return this.combine(s, ctx, this.need(cur, s));
      case "from":
        return this.from(s, ctx);
      case "head":
        this.head(s, ctx, this.need(cur, s));
        return cur;
    }
  }

  /** A template label's name: its text with each `{expression}` evaluated. */
  private labelName(label: A.Label, ctx: Ctx, cur: Tensor | undefined): A.Label {
    const name = label.parts!.map((p) => {
      if (typeof p === "string") return p;
      const v = this.eval(p, ctx, cur);
      if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return String(v);
      throw new EvalError(`a label part must be an integer or a string, got ${typeName(v)}`, p.span, Codes.type);
    }).join("");
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new EvalError(`"${name}" is not a valid label (letters, digits, _)`, label.span, Codes.badArgument);
    return { name, span: label.span };
  }

  private need(cur: Tensor | undefined, s: A.Stmt): Tensor {
    if (!cur) throw new EvalError("no input yet: declare the network's input first, e.g. `input 3x224x224`", s.span, Codes.noInput);
    return cur;
  }

  private eval(e: A.Expr, ctx: Ctx, cur: Tensor | undefined, symbols = false): Value {
    const cx: EvalContext = { env: ctx.env, scope: ctx.frame.scope, incoming: cur ? { kind: "tensor", shape: cur.shape } : UNKNOWN, symbols, labels: ctx.frame.labels };
    return evaluate(e, cx);
  }

  private cond(e: A.Expr, ctx: Ctx, cur: Tensor | undefined): boolean {
    const v = this.eval(e, ctx, cur);
    return isUnknown(v) ? false : truth(v, e.span);
  }

  /** A labelled statement opens a module named by its label; otherwise naming goes on unchanged. */
  private enter(s: { label?: A.Label; span: Span }, type: string, ctx: Ctx, label = s.label): Ctx {
    const env = new Env(ctx.env);
    if (!label) return { ...ctx, env };
    const name = this.childName(ctx.naming, label);
    const module: ModuleNode = { name, label: label.name, type, kind: "group", children: [], span: s.span };
    ctx.naming.module.children.push(module);
    return { env, frame: ctx.frame, naming: { prefix: `${name}.`, counter: { n: 0 }, module } };
  }

  private childName(naming: Naming, label?: A.Label): string {
    const index = naming.counter.n++;
    return naming.prefix + (label ? label.name : String(index));
  }

  private input(s: A.InputStmt, ctx: Ctx): Tensor {
    if (ctx.frame.depth > 0) throw new EvalError("`input` belongs in a network, not in a block", s.span, Codes.misplaced);
    const override = this.inputs.length === 0 ? this.opts.input : undefined;
    const v = override ?? this.eval(s.shape, ctx, undefined, true);
    const span = override && this.opts.inputSpan ? this.opts.inputSpan : s.shape.span;
    const list = Array.isArray(v) ? v : [v];
    const shape: Dim[] = list.map((d) => {
      if (isSym(d) || (typeof d === "number" && Number.isInteger(d) && d >= 1 && d <= MAX_DIM)) return d as Dim;
      throw new EvalError(`an input size must be a positive integer or a size name, got ${show(d)}`, span, Codes.shapeInvalid);
    });
    const name = s.name ?? (this.inputs.length === 0 ? "input" : `input${this.inputs.length}`);
    if (this.inputs.some((i) => i.name === name)) throw new EvalError(`two inputs are named ${name}`, s.span, Codes.duplicate);
    const t = this.addNode({ op: "input", name, attrs: {}, inputs: [], shape, weights: [], macs: 0, span: s.span }, ctx.naming, name);
    this.inputs.push({ name, node: t.node });
    ctx.frame.labels.set(name, t);
    return t;
  }

  private call(s: A.CallStmt, ctx: Ctx, input: Tensor): Tensor {
    const local = ctx.env.get(s.callee);
    const global = ctx.frame.scope.visible.has(s.callee) || ops.has(s.callee);
    if (local !== undefined && (isBlock(local) || isOp(local) || !global)) {
      if (isBlock(local)) return this.block(local, s, ctx, input);
      if (isOp(local)) return this.layer(ops.get(local.name)!, s, ctx, input);
      if (isUnknown(local)) return { node: input.node, shape: null };
      throw new EvalError(`\`${s.callee}\` is ${typeName(local)} (${show(local)}), not a layer or a block`, s.calleeSpan, Codes.notCallable);
    }
    const decl = ctx.frame.scope.visible.get(s.callee);
    if (decl?.decl.kind === "block") return this.block({ kind: "block", decl: decl.decl, scope: decl.scope }, s, ctx, input);
    if (decl) throw new EvalError(`\`${s.callee}\` is a network; only blocks and layers can be used inside a network`, s.calleeSpan, Codes.notCallable);
    const op = ops.get(s.callee);
    if (op) return this.layer(op, s, ctx, input);
    const known = [...ops.keys(), ...ctx.frame.scope.visible.keys()];
    throw new EvalError(`unknown layer or block \`${s.callee}\``, s.calleeSpan, Codes.undefinedName, suggest(s.callee, known));
  }

  private layer(op: OpSpec, s: A.CallStmt, ctx: Ctx, input: Tensor): Tensor {
    const params = op.args.map((a) => ({ name: a.name, required: a.default === undefined && !a.defaultFrom }));
    const bound = bindArgs(op.name, params, s.args, s.calleeSpan);
    const attrs: Args = {};
    let unknown = false;
    for (const spec of op.args) {
      const a = bound.get(spec.name);
      if (!a) {
        attrs[spec.name] = spec.defaultFrom ? attrs[spec.defaultFrom] : spec.default;
        continue;
      }
      try {
        attrs[spec.name] = convertArg(spec.type, this.eval(a.value, ctx, input), `${op.name}'s ${spec.name}`);
      } catch (e) {
        if (e instanceof ArgTypeError) throw new EvalError(e.message, a.value.span, Codes.badArgument);
        throw e;
      }
      if (isUnknown(attrs[spec.name] as Value)) unknown = true;
    }
    let result: OpResult = { shape: [] };
    let shape: Shape | null = null;
    if (input.shape && !unknown) {
      try {
        result = op.infer(attrs, input.shape);
        shape = this.checkSize(result.shape, op.name);
      } catch (e) {
        if (!(e instanceof OpError)) throw e;
        this.report(this.located(this.opError(e, op, s, bound, input), ctx.frame));
      }
    }
    this.countExactly(result, s.span);
    const node = { op: op.name, name: "", attrs, inputs: [input.node], shape, weights: result.weights ?? [], macs: result.macs ?? 0, span: s.span };
    node.name = this.childName(ctx.naming, s.label);
    return this.addNode(node, ctx.naming, s.label?.name ?? op.name);
  }

  /** Totals stay exact in double precision (below 2^53), or elaboration stops. */
  private countExactly(r: OpResult, span: Span) {
    for (const w of r.weights ?? []) this.totals.values += w.shape.reduce((p, d) => p * d, 1);
    if (typeof r.macs === "number") this.totals.macs += r.macs;
    if (this.totals.values > Number.MAX_SAFE_INTEGER || this.totals.macs > Number.MAX_SAFE_INTEGER)
      throw new Abort(error(Codes.limit, "the network's parameter or MAC count passes 2^53, where counts stop being exact", span, "at this layer"));
  }

  private checkSize(shape: Shape, op: string): Shape {
    let n = 1;
    for (const d of shape) {
      if (typeof d !== "number") continue;
      if (!Number.isInteger(d) || d < 1) throw new OpError(`${op}'s output would have a dimension of ${d}`, undefined, true);
      n *= d;
      if (d > MAX_DIM || n > Number.MAX_SAFE_INTEGER) throw new OpError(`${op}'s output ${formatShape(shape)} is too large`);
    }
    return shape;
  }

  private opError(e: OpError, op: OpSpec, s: A.CallStmt, bound: Map<string, A.Arg>, input: Tensor): Diagnostic {
    const argSpan = e.arg ? bound.get(e.arg)?.span : undefined;
    const code = e.inputProblem ? Codes.shapeRank : Codes.shapeInvalid;
    const d = error(code, e.message, argSpan ?? s.span, e.inputProblem ? `${op.name} gets ${formatShape(input.shape!)} here` : undefined);
    if (e.inputProblem) this.origin(d, input);
    return d;
  }

  /** Adds a secondary label at the place a tensor's shape comes from. */
  private origin(d: Diagnostic, t: Tensor, what = "the input") {
    const n = this.nodes[t.node];
    const shape = t.shape ? formatShape(t.shape) : "?";
    const where = n.op === "input" ? `the network input is ${shape}` : `${what}, ${shape}, comes from this ${n.op}`;
    withLabel(d, n.span, where);
  }

  private block(ref: BlockRef, s: A.CallStmt, ctx: Ctx, input: Tensor): Tensor {
    const decl = ref.decl;
    if (ctx.frame.depth >= LIMITS.depth)
      throw new Abort(withNote(error(Codes.recursion, `blocks nest more than ${LIMITS.depth} deep`, s.calleeSpan, `calling ${decl.name}`),
        `does \`${decl.name}\` call itself without a condition that stops it?`));
    const bound = bindArgs(decl.name, decl.params.map((p) => ({ name: p.name, required: !p.default })), s.args, s.calleeSpan);
    const scope = ref.scope as ModuleScope;
    const env = new Env();
    for (const p of decl.params) {
      const a = bound.get(p.name);
      const v = a ? this.eval(a.value, ctx, input) : evaluate(p.default!, { env, scope, incoming: { kind: "tensor", shape: input.shape } });
      env.set(p.name, v);
    }
    const name = this.childName(ctx.naming, s.label);
    const module: ModuleNode = { name, label: s.label?.name ?? name.slice(name.lastIndexOf(".") + 1), type: decl.name, kind: "block", children: [], span: s.span };
    ctx.naming.module.children.push(module);
    const frame: Frame = { scope, labels: new Map([["input", input]]), depth: ctx.frame.depth + 1, block: decl.name, callSite: s.span, parent: ctx.frame };
    const out = this.body(decl.body, { env, naming: { prefix: `${name}.`, counter: { n: 0 }, module }, frame }, input) ?? input;
    module.output = out.node;
    return out;
  }

  private repeat(s: A.RepeatStmt, ctx: Ctx, cur: Tensor | undefined): Tensor | undefined {
    const n = this.eval(s.count, ctx, cur);
    if (isUnknown(n)) return cur ? { node: cur.node, shape: null } : cur;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
      throw new EvalError(`repeat needs a count of 0 or more, got ${show(n)}`, s.count.span, Codes.badArgument);
    if (n > LIMITS.repeat) throw new EvalError(`repeat ${n} is more than the limit of ${LIMITS.repeat}`, s.count.span, Codes.limit);
    const inner = this.enter(s, "repeat", ctx);
    for (let i = 0; i < n; i++) {
      this.tick(s.span);
      const env = new Env(inner.env);
      if (s.index) env.set(s.index, i);
      cur = this.body(s.body, { ...inner, env }, cur);
    }
    return cur;
  }

  private forLoop(s: A.ForStmt, ctx: Ctx, cur: Tensor | undefined): Tensor | undefined {
    const list = this.eval(s.iterable, ctx, cur);
    if (isUnknown(list)) return cur ? { node: cur.node, shape: null } : cur;
    if (!Array.isArray(list)) throw new EvalError(`for needs a list, got ${typeName(list)}`, s.iterable.span, Codes.type);
    const inner = this.enter(s, "for", ctx);
    for (const item of list) {
      this.tick(s.span);
      const env = new Env(inner.env);
      env.set(s.variable, item);
      cur = this.body(s.body, { ...inner, env }, cur);
    }
    return cur;
  }

  private residual(s: A.ResidualStmt, ctx: Ctx, input: Tensor): Tensor {
    const inner = this.enter(s, "residual", ctx);
    if (s.when && !this.cond(s.when, ctx, input)) return this.body(s.body, inner, input) ?? input;
    const main = this.body(s.body, inner, input) ?? input;
    let short = input;
    const sc = s.shortcut;
    if (sc && (!sc.when || this.cond(sc.when, inner, input))) {
      const scCtx = this.enter(sc, "shortcut", inner, sc.label);
      short = this.body(sc.body, scCtx, input) ?? input;
    }
    return this.merge("add", [main, short], s, inner, true);
  }

  private combine(s: A.CombineStmt, ctx: Ctx, input: Tensor): Tensor {
    const inner = this.enter(s, s.op, ctx);
    const results: Tensor[] = [];
    for (const b of s.branches) {
      if (b.kind === "let") this.stmt(b, inner, input);
      else if (b.kind === "head" || b.kind === "input")
        throw new EvalError(`a ${b.kind} cannot be a branch of ${s.op}`, b.span, Codes.misplaced);
      else results.push(this.stmt(b, { ...inner, env: new Env(inner.env) }, input) ?? input);
    }
    if (results.length === 0) throw new EvalError(`${s.op} needs at least one branch`, s.span, Codes.badArgument);
    return this.merge(s.op, results, s, inner, false);
  }

  private merge(op: "add" | "mul" | "concat", parts: Tensor[], s: A.Stmt, ctx: Ctx, exact: boolean): Tensor {
    let shape: Shape | null = null;
    if (parts.every((p) => p.shape)) {
      try {
        shape = mergeShapes(op, parts.map((p) => p.shape!), exact);
      } catch (e) {
        if (!(e instanceof MergeError)) throw e;
        const d = error(Codes.shapeMismatch, e.message, s.span, `${op} of ${parts.length} branches`);
        for (const i of e.culprits) this.origin(d, parts[i], `branch ${i + 1}`);
        if (exact) withNote(d, "a residual adds its body to its input: give it a `shortcut { ... }` that makes the shapes agree");
        this.report(this.located(d, ctx.frame));
      }
    }
    const node = { op, name: ctx.naming.prefix + op, attrs: {}, inputs: parts.map((p) => p.node), shape, weights: [], macs: 0, span: s.span };
    return this.addNode(node, ctx.naming, op);
  }

  private from(s: A.FromStmt, ctx: Ctx): Tensor | undefined {
    const source = ctx.frame.labels.get(s.source);
    if (!source)
      throw new EvalError(`no value is labelled \`${s.source}\` here`, s.sourceSpan, Codes.undefinedName,
        suggest(s.source, ctx.frame.labels.keys()) ?? "label a statement (`pool4: maxpool 2x2`) to refer to its output");
    return s.body ? this.body(s.body, this.enter(s, "from", ctx), source) : source;
  }

  private head(s: A.HeadStmt, ctx: Ctx, input: Tensor) {
    if (s.when && !this.cond(s.when, ctx, input)) return;
    if (this.outputs.some((o) => o.name === s.name)) throw new EvalError(`two heads are named ${s.name}`, s.span, Codes.duplicate);
    const out = this.body(s.body, this.enter(s, "head", ctx), input) ?? input;
    this.outputs.push({ name: s.name, node: out.node });
    this.lastHeadInput = input.node;
  }

  // ---- graph building -------------------------------------------------------------
  private addNode(n: Omit<IRNode, "id">, naming: Naming, label: string): Tensor {
    if (this.nodes.length >= LIMITS.nodes)
      throw new Abort(error(Codes.limit, `the network has more than ${LIMITS.nodes} layers`, n.span, "while adding this layer"));
    const node: IRNode = { id: this.nodes.length, ...n };
    this.nodes.push(node);
    naming.module.children.push({ name: n.name, label, type: n.op, kind: "layer", children: [], node: node.id, output: node.id, span: n.span });
    return { node: node.id, shape: n.shape };
  }

  /** Points a diagnostic raised inside a block at the call that led there too. */
  private located(d: Diagnostic, frame: Frame): Diagnostic {
    if (frame.callSite && frame.block && d.labels.length > 0) withLabel(d, frame.callSite, `in this use of ${frame.block}`);
    return d;
  }

  private report(d: Diagnostic) {
    d.notes = d.notes.filter((n) => n);
    const p = d.labels[0]?.span;
    const key = `${d.code} ${d.message} ${p?.file}:${p?.start}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(d);
  }
}
