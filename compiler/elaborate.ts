// Block elaboration: runs a network's statements, expanding blocks, repeats and
// conditions, into the graph IR. Shapes are inferred on the way, because a block may
// read the shape of what flows into it (`in.channels`). Graph building and naming live
// in graph-builder.ts, layer calls in bind-layer.ts; names were resolved before
// (resolve.ts).
import type * as A from "../syntax/ast.js";
import { Abort, Codes, error, withLabel, withNote, type Diagnostic, type Span } from "../syntax/diagnostics.js";
import { bindArgs } from "./bind-args.js";
import { bindLayer, bindMerge } from "./bind-layer.js";
import { Env, EvalError, evaluate, suggest, truth, type EvalContext } from "./evaluate.js";
import { childName, GraphBuilder, LIMITS, MAX_DIM, openModule, templateLabel, type Frame, type Naming, type Tensor } from "./graph-builder.js";
import type { Graph, ModuleNode } from "./ir.js";
import type { ModuleScope } from "./modules.js";
import { loopItems, loopVariable, onceAcrossIterations } from "./loop-items.js";
import { torchModule } from "./python-names.js";
import { ops, type OpSpec } from "./ops.js";
import { isSym, type Dim } from "./symbolic.js";
import { isBlock, isOp, isUnknown, show, typeName, UNKNOWN, type BlockRef, type Value } from "./values.js";

export { LIMITS, type Tensor } from "./graph-builder.js";

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
  private readonly graph = new GraphBuilder();
  private readonly inputs = this.graph.inputs;
  private readonly outputs = this.graph.outputs;
  readonly diagnostics: Diagnostic[] = this.graph.diagnostics;
  private steps = 0;
  private lastHeadInput = -1; // the value the last head forked from

  constructor(private readonly opts: ElaborateOptions = {}) {}

  network(decl: A.NetworkDecl, scope: ModuleScope): Graph {
    const root: ModuleNode = { name: "", label: decl.name, type: "network", kind: "network", children: [], span: decl.span };
    const frame: Frame = { scope, labels: new Map(), depth: 0 };
    const env = new Env();
    const given = this.opts.args ?? new Map();
    for (const name of given.keys())
      if (!decl.params.some((p) => p.name === name))
        this.graph.report(withNote(error(Codes.unknownArgument, `network ${decl.name} has no parameter \`${name}\``, decl.nameSpan),
          suggest(name, decl.params.map((p) => p.name)) ?? `parameters: ${decl.params.map((p) => p.name).join(", ") || "none"}`));
    let last: Tensor | undefined;
    try {
      for (const p of decl.params) {
        const v = given.get(p.name) ?? (p.default ? evaluate(p.default, { env, scope, incoming: UNKNOWN }) : undefined);
        if (v === undefined) this.graph.report(error(Codes.missingArgument, `network ${decl.name} needs a value for \`${p.name}\``, p.span));
        env.set(p.name, v ?? UNKNOWN);
      }
      last = this.body(decl.body, { env, naming: { prefix: "", counter: { n: 0 }, module: root }, frame }, undefined);
    } catch (e) {
      if (e instanceof Abort) this.graph.report(e.diagnostic);
      else if (e instanceof EvalError) this.graph.report(error(e.code, e.message, e.span));
      else if (e instanceof RangeError) this.graph.report(error(Codes.limit, `${decl.name} nests too deeply to elaborate`, decl.nameSpan));
      else throw e;
    }
    if (this.inputs.length === 0 && this.diagnostics.length === 0)
      this.graph.report(withNote(error(Codes.noInput, `network ${decl.name} declares no input`, decl.nameSpan), "add a line such as `input 3x224x224`"));
    // Outputs are the heads; the last value is one too when the flow goes on after the
    // last head (GoogLeNet's auxiliary heads), and comes first.
    if (last && (this.outputs.length === 0 || this.lastHeadInput !== last.node)) this.outputs.unshift({ name: "output", node: last.node });
    root.output = this.outputs[0]?.node;
    return { network: decl.name, nodes: this.graph.nodes, inputs: this.inputs, outputs: this.outputs, root };
  }

  // ---- statements ----------------------------------------------------------------
  private body(stmts: A.Stmt[], ctx: Ctx, cur: Tensor | undefined): Tensor | undefined {
    for (const s of stmts) {
      this.tick(s.span);
      try {
        cur = this.stmt(s, ctx, cur);
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        if (cur) cur = { node: cur.node, shape: null };
        if (this.graph.repeated(e.code, e.span)) continue; // a loop reported it already
        const d = withNote(error(e.code, e.message, e.span), e.note ?? "");
        if (e.related) withLabel(d, e.related.span, e.related.message);
        this.graph.report(this.graph.located(d, ctx.frame));
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
    if (s.label?.parts) s = { ...s, label: templateLabel(s.label, (e) => this.eval(e, ctx, cur)) };
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
      case "for":
        return this.loop(s, ctx, cur);
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

  private need(cur: Tensor | undefined, s: A.Stmt): Tensor {
    if (cur) return cur;
    throw new EvalError("no input yet: declare the network's input first, e.g. `input 3x224x224`", s.span, Codes.noInput);
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
    return { env, frame: ctx.frame, naming: openModule(ctx.naming, label, type, "group", s.span, this.graph) };
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
    const t = this.graph.addNode({ id: -1, op: "input", name, attrs: {}, inputs: [], shape, weights: [], macs: 0, span: override ? span : s.span }, ctx.naming, name); // --input: errors point at the flag
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
    throw new EvalError(`unknown layer or block \`${s.callee}\``, s.calleeSpan, Codes.undefinedName, torchModule(s.callee) ?? suggest(s.callee, known));
  }

  private layer(op: OpSpec, s: A.CallStmt, ctx: Ctx, input: Tensor): Tensor {
    return bindLayer(op, s, { graph: this.graph, naming: ctx.naming, frame: ctx.frame, evaluate: (e) => this.eval(e, ctx, input) }, input);
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
    const name = childName(ctx.naming, s.label, this.graph);
    const module: ModuleNode = { name, label: s.label?.name ?? name.slice(name.lastIndexOf(".") + 1), type: decl.name, kind: "block", children: [], span: s.span, args: Object.fromEntries(decl.params.map((p) => [p.name, env.get(p.name)!])) };
    ctx.naming.module.children.push(module);
    const frame: Frame = { scope, labels: new Map([["input", input]]), depth: ctx.frame.depth + 1, block: decl.name, callSite: s.span, parent: ctx.frame };
    const out = this.body(decl.body, { env, naming: { prefix: `${name}.`, counter: { n: 0 }, module }, frame }, input) ?? input;
    module.output = out.node;
    return out;
  }

  private loop(s: A.RepeatStmt | A.ForStmt, ctx: Ctx, cur: Tensor | undefined): Tensor | undefined {
    const items = loopItems(s, this.eval(s.kind === "for" ? s.iterable : s.count, ctx, cur));
    if (!items) return cur ? { node: cur.node, shape: null } : cur;
    const inner = this.enter(s, s.kind, ctx);
    const variable = loopVariable(s);
    const seen = new Set<string>();
    this.graph.loopsSeen.push(seen);
    try {
      for (const [k, item] of items.entries()) {
        this.tick(s.span);
        const env = new Env(inner.env);
        if (variable) env.set(variable, item);
        const before = this.diagnostics.length;
        cur = this.body(s.body, { ...inner, env }, cur);
        onceAcrossIterations(this.diagnostics, before, seen, variable ? `in the iteration where ${variable} = ${show(item)}` : `in repetition ${k + 1} of ${items.length}`);
      }
    } finally {
      this.graph.loopsSeen.pop();
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
    return bindMerge("add", [main, short], s, { graph: this.graph, naming: inner.naming, frame: inner.frame }, true);
  }

  private combine(s: A.CombineStmt, ctx: Ctx, input: Tensor): Tensor {
    const inner = this.enter(s, s.op, ctx);
    const results: Tensor[] = [];
    for (const b of s.branches) {
      if (b.kind === "let") this.stmt(b, inner, input);
      else if (b.kind === "head" || b.kind === "input")
        throw new EvalError(`a ${b.kind} cannot be a branch of ${s.op}`, b.span, Codes.misplaced);
      else if (b.kind === "for" || b.kind === "repeat" || b.kind === "if") results.push(...this.branchesOf(b, inner, input));
      else results.push(this.stmt(b, { ...inner, env: new Env(inner.env) }, input) ?? input);
    }
    if (results.length === 0) throw new EvalError(`${s.op} needs at least one branch`, s.span, Codes.badArgument);
    return bindMerge(s.op, results, s, { graph: this.graph, naming: inner.naming, frame: inner.frame }, false);
  }

  /** In a combinator, each iteration of a loop is one branch; an `if` is one branch, or none. */
  private branchesOf(b: A.ForStmt | A.RepeatStmt | A.IfStmt, ctx: Ctx, input: Tensor): Tensor[] {
    const inner = this.enter(b, b.kind, ctx);
    const one = (body: A.Stmt[], env: Env) => this.body(body, { ...inner, env }, input) ?? input;
    if (b.kind === "if") {
      const body = this.cond(b.cond, ctx, input) ? b.then : b.else;
      return body ? [one(body, new Env(inner.env))] : [];
    }
    const list = loopItems(b, this.eval(b.kind === "for" ? b.iterable : b.count, ctx, input));
    if (!list) return [{ node: input.node, shape: null }];
    const variable = loopVariable(b);
    return list.map((item) => {
      this.tick(b.span);
      const env = new Env(inner.env);
      if (variable) env.set(variable, item);
      return one(b.body, env);
    });
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
}
