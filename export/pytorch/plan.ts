// What the PyTorch source is made of, read off the module tree of the graph IR: each
// module of the tree becomes a layer (an nn module), an nn.Sequential (numbered
// children in a chain), an instance of a class (a block or a labelled group that can
// be called as a function: values flow in, one value flows out), or, where values
// cross its boundary otherwise, a container whose layers its parent runs itself.
// Modules share a class when their source is the same up to the values of
// constructor arguments; the arguments that differ become the class's parameters.
import type { Graph, IRNode, ModuleNode } from "../../compiler/ir.js";
import type { Value } from "../../compiler/values.js";
import { isAttributeName, layerCtor, type Ctor, type Py } from "./layers.js";

export type Kind = "layer" | "inline" | "seq" | "class" | "container" | "skip";

export interface Mod {
  m: ModuleNode;
  kind: Kind;
  nodes: number[]; // the IR nodes of its subtree, in execution order
  ins: number[]; // values it reads from outside
  out: number;
  children: Mod[];
  ctor?: Ctor; // a layer's module
  weightless: boolean;
  attrs: Map<Mod, string>; // a class's or container's children by attribute ("" for none: run inline)
  key: string; // the template: equal keys share a class
  cls?: Template;
}

export interface Template {
  key: string;
  name: string;
  instances: Mod[];
  params: string[]; // constructor parameters, in order
  slotExpr: (string | undefined)[]; // per slot: a parameter expression, or undefined for a literal
  container: boolean;
}

const MERGES = new Set(["add", "mul", "concat"]);
export const isInlineOp = (op: string) => MERGES.has(op) || op === "crop" || op === "reshape" || op === "permute" || op === "input";
// a class name: `0` (a numbered group, as torchvision's `features.0`) becomes Module0
const pascal = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join("").replace(/^(?=\d|$)/, "Module");
const lastPart = (name: string) => name.slice(name.lastIndexOf(".") + 1);

export class Plan {
  readonly templates = new Map<string, Template>();
  readonly root: Mod;
  private readonly users = new Map<number, number[]>();

  constructor(readonly graph: Graph, readonly extraUses: Map<number, number[]>) {
    for (const n of graph.nodes) for (const i of [...n.inputs, ...(extraUses.get(n.id) ?? [])]) this.users.set(i, [...(this.users.get(i) ?? []), n.id]);
    this.root = this.build(graph.root, true);
    this.nameTemplates();
  }

  node = (id: number): IRNode => this.graph.nodes[id];
  rank = (id: number) => this.node(id).shape!.length;

  private build(m: ModuleNode, root = false): Mod {
    const children = m.children.map((c) => this.build(c));
    const nodes = m.kind === "layer" ? [m.node!] : children.flatMap((c) => c.nodes).sort((a, b) => a - b);
    const inside = new Set(nodes);
    const ins = [...new Set(nodes.flatMap((n) => [...this.node(n).inputs, ...(this.extraUses.get(n) ?? [])]).filter((i) => !inside.has(i)))];
    const out = m.output ?? nodes[nodes.length - 1] ?? -1;
    const weightless = nodes.every((n) => this.node(n).weights.length === 0);
    const mod: Mod = { m, kind: "skip", nodes, ins, out, children, weightless, attrs: new Map(), key: "" };
    if (m.kind === "layer") {
      const n = this.node(m.node!);
      mod.ctor = layerCtor(n, n.inputs.length ? this.rank(n.inputs[0]) : 0);
      mod.kind = n.op === "input" ? "skip" : mod.ctor ? "layer" : "inline";
      mod.key = mod.ctor ? ctorKey(mod.ctor) : "";
      return mod;
    }
    if (!nodes.length) return mod;
    const leaks = nodes.some((n) => n !== out && ((this.users.get(n) ?? []).some((u) => !inside.has(u)) || this.graph.outputs.some((p) => p.node === n)));
    const callable = root || (ins.length > 0 && inside.has(out) && !leaks);
    mod.kind = !callable ? "container" : !root && this.isChain(mod) ? "seq" : "class";
    if (mod.kind === "seq") mod.key = `nn.Sequential[${children.map((c) => c.key).join(", ")}]`;
    else this.classKey(mod, root);
    return mod;
  }

  /** Numbered children 0, 1, … each feeding the next: an nn.Sequential. */
  private isChain(mod: Mod): boolean {
    if (mod.ins.length !== 1) return false;
    let prev = mod.ins[0];
    return mod.children.every((c, i) => {
      const ok = lastPart(c.m.name) === String(i) && (c.kind === "layer" || c.kind === "seq" || c.kind === "class") && c.ins.length === 1 && c.ins[0] === prev;
      prev = c.out;
      return ok;
    }) && prev === mod.out;
  }

  /** Attribute names for a class's children, and the class's template key. */
  private classKey(mod: Mod, root: boolean) {
    const used = new Set<string>();
    const parts: string[] = [];
    for (const c of mod.children) if (c.kind !== "skip" && c.kind !== "inline" && isAttributeName(c.m.label) && lastPart(c.m.name) === c.m.label) used.add(c.m.label);
    const shared = new Map<string, string>();
    for (const c of mod.children) {
      if (c.kind === "skip" || c.kind === "inline") continue;
      const label = lastPart(c.m.name);
      if (c.kind === "layer" && c.m.type === "identity" && /^\d+$/.test(label)) continue; // a name for the same value, in forward
      let attr: string;
      if (used.has(label)) attr = label;
      else if (c.weightless && c.kind === "layer" && /^\d+$/.test(label)) {
        const k = `${c.key}|${JSON.stringify(c.ctor!.args.map((a) => a.value))}`;
        attr = shared.get(k) ?? unique(c.m.type, used);
        shared.set(k, attr);
      } else attr = `#${label}`; // add_module: a number or a reserved word
      mod.attrs.set(c, attr);
      parts.push(`${attr}=${c.key}`);
    }
    // a container's layers run in its parent, with its own literal arguments: never shared
    const own = mod.kind === "container" ? `@${mod.m.name}` : "";
    mod.key = `${root ? "network" : mod.kind}:${mod.m.type}:${parts.join(";")}|${this.shapeKey(mod)}${own}`;
  }

  /** What forward depends on besides attribute names: each inline op and its attributes. */
  private shapeKey(mod: Mod): string {
    return mod.nodes
      .map((id) => this.node(id))
      .filter((n) => isInlineOp(n.op))
      .map((n) => `${n.op}${JSON.stringify(n.attrs)}${n.inputs.map((i) => mod.nodes.indexOf(i)).join(",")}`)
      .join(";");
  }

  private nameTemplates() {
    const all: Mod[] = [];
    const walk = (m: Mod) => (m.children.forEach(walk), (m.kind === "class" || m.kind === "container") && all.push(m));
    walk(this.root);
    const names = new Set<string>();
    const firstOfType = new Map<string, Mod>();
    for (const m of all) {
      let t = this.templates.get(m.key);
      if (!t) {
        const base = m === this.root ? pascal(this.graph.network) : pascal(m.m.kind === "block" ? m.m.type : m.m.label);
        const first = firstOfType.get(base);
        let name = base;
        if (first) {
          const known = new Set(first.children.map((c) => c.m.label));
          const extra = m.children.find((c) => !known.has(c.m.label) && isAttributeName(c.m.label));
          name = extra && !names.has(base + pascal(extra.m.label)) ? base + pascal(extra.m.label) : base;
        } else firstOfType.set(base, m);
        for (let i = 2; names.has(name); i++) name = `${base}${i}`;
        names.add(name);
        t = { key: m.key, name, instances: [], params: [], slotExpr: [], container: m.kind === "container" };
        this.templates.set(m.key, t);
      }
      t.instances.push(m);
      m.cls = t;
    }
    for (const t of this.templates.values()) this.parameterise(t);
  }

  /** The constructor arguments of a module as its parent writes them: a class's parameters' values, or every slot. */
  slots(m: Mod): Py[] {
    if (m.kind === "layer") return m.ctor!.args.map((a) => a.value);
    if (m.kind === "seq") return m.children.flatMap((c) => this.slots(c));
    if (m.kind === "class" && m !== this.root) return m.cls!.params.map((p) => this.paramValue(m, p));
    return this.bodySlots(m);
  }

  /** The slots of a class's own body: its children's, in order. */
  bodySlots(m: Mod): Py[] {
    return this.ownChildren(m).flatMap((c) => this.slots(c));
  }

  /** What each slot of a class's body is called where it is used (`padding`, `in_channels`). */
  private slotNames(m: Mod): string[] {
    const names = (c: Mod): string[] =>
      c.kind === "layer" ? c.ctor!.args.map((a) => a.name ?? a.about ?? "arg")
      : c.kind === "seq" ? c.children.flatMap(names)
      : c.kind === "class" ? c.cls!.params
      : this.ownChildren(c).flatMap(names);
    return this.ownChildren(m).flatMap(names);
  }

  /** A class's children, each attribute once (shared weightless modules are built once). */
  private ownChildren(m: Mod): Mod[] {
    const seen = new Set<string>();
    return [...m.attrs].filter(([, a]) => !seen.has(a) && seen.add(a)).map(([c]) => c);
  }

  private paramValue(m: Mod, p: string): Py {
    const v = m.m.args?.[p];
    if (v === undefined && p === "in_channels") return this.node(m.ins[0]).shape![0] as number;
    return v === undefined ? (this.fallback.get(m)!.get(p) as Py) : (v as Py);
  }
  private readonly fallback = new Map<Mod, Map<string, Py>>();

  /** Which slots differ between a template's instances, and the parameter expression of each. */
  private parameterise(t: Template) {
    if (t.container) return;
    const vectors = t.instances.map((m) => this.bodySlots(m));
    const slotNames = this.slotNames(t.instances[0]);
    const n = vectors[0].length;
    const same = (a: Py, b: Py) => JSON.stringify(a) === JSON.stringify(b);
    const params: string[] = [];
    const candidates = this.candidates(t);
    const byVector = new Map<string, string>();
    for (let s = 0; s < n; s++) {
      const column = vectors.map((v) => v[s]);
      if (column.every((v) => same(v, column[0]))) {
        t.slotExpr.push(undefined);
        continue;
      }
      const k = JSON.stringify(column);
      let expr = byVector.get(k) ?? matchExpression(column, candidates);
      if (!expr) {
        expr = unique(slotNames[s] ?? "arg", new Set([...params, ...candidates.keys()]));
        t.instances.forEach((m, i) => {
          if (!this.fallback.has(m)) this.fallback.set(m, new Map());
          this.fallback.get(m)!.set(expr!, column[i]);
        });
        candidates.set(expr, column);
      }
      byVector.set(k, expr);
      for (const name of candidates.keys()) if (new RegExp(`^${name}\\b`).test(expr) && !params.includes(name)) params.push(name);
      t.slotExpr.push(expr);
    }
    const order = [...candidates.keys()];
    t.params = params.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }

  /** A block's arguments that are plain values, and its input's channels: what a parameter may be named after. */
  private candidates(t: Template): Map<string, Py[]> {
    const out = new Map<string, Py[]>();
    const m0 = t.instances[0];
    if (m0.ins.length === 1 && this.rank(m0.ins[0]) >= 1 && !(m0.m.args && "in_channels" in m0.m.args))
      out.set("in_channels", t.instances.map((m) => this.node(m.ins[0]).shape![0] as Py));
    const first = t.instances[0].m.args ?? {};
    for (const p of Object.keys(first)) {
      const column = t.instances.map((m) => m.m.args?.[p]);
      if (column.every(isPy)) out.set(p, column as Py[]);
    }
    return out;
  }
}

const isPy = (v: Value | undefined): boolean =>
  typeof v === "number" || typeof v === "boolean" || typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "number"));

/** `p`, `p * k` or `p // k` for a parameter p whose values give the column. */
function matchExpression(column: Py[], candidates: Map<string, Py[]>): string | undefined {
  const eq = (a: Py, b: Py) => JSON.stringify(a) === JSON.stringify(b) || (Array.isArray(b) && b.length === 2 && b[0] === b[1] && a === b[0]);
  for (const [p, values] of candidates) if (column.every((v, i) => eq(v, values[i]))) return p;
  for (const [p, values] of candidates) {
    if (!column.every((v, i) => typeof v === "number" && typeof values[i] === "number" && values[i] !== 0)) continue;
    const r = (column[0] as number) / (values[0] as number);
    if (Number.isInteger(r) && r > 1 && column.every((v, i) => (v as number) === (values[i] as number) * r)) return `${p} * ${r}`;
    const q = (values[0] as number) / (column[0] as number);
    if (Number.isInteger(q) && q > 1 && column.every((v, i) => (v as number) === Math.floor((values[i] as number) / q))) return `${p} // ${q}`;
  }
  return undefined;
}

function unique(base: string, used: Set<string>): string {
  let name = isAttributeName(base) ? base : `m_${base}`;
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  used.add(name);
  return name;
}

export const ctorKey = (c: Ctor) => `${c.fn}(${c.args.map((a) => a.name ?? "_").join(",")})`;
