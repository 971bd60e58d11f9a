// The Python source of a plan (plan.ts): one class per template, children first, the
// network last; constructor calls broken as black breaks them; forward passes that
// name each value once and reuse a name when its value is dead.
import type { IRNode } from "../../compiler/ir.js";
import { pyLiteral, type Py } from "./layers.js";
import { isInlineOp, type Mod, type Plan, type Template } from "./plan.js";

const LINE = 88;
const same = (a: Py, b: Py) => JSON.stringify(a) === JSON.stringify(b);

/** A call in the source: a function and its arguments, some of them calls. */
export type Expr = string | { fn: string; args: { kw?: string; value: Expr }[] };

const flat = (e: Expr): string => (typeof e === "string" ? e : `${e.fn}(${e.args.map((a) => (a.kw ? `${a.kw}=` : "") + flat(a.value)).join(", ")})`);

/** On one line when it fits after `prefix` columns, else one argument a line with a trailing comma, as black does. */
export function format(e: Expr, indent: number, prefix: number): string {
  const one = flat(e);
  if (typeof e === "string" || indent + prefix + one.length <= LINE) return one;
  const pad = " ".repeat(indent + 4);
  const lines = e.args.map((a) => `${pad}${a.kw ? `${a.kw}=` : ""}${format(a.value, indent + 4, (a.kw?.length ?? -1) + 1)},`);
  return `${e.fn}(\n${lines.join("\n")}\n${" ".repeat(indent)})`;
}

interface Cursor {
  t: Template;
  i: number;
  values: Py[];
}

export class Emitter {
  constructor(readonly plan: Plan) {}

  source(header: string): string {
    const classes = [...this.plan.templates.values()].map((t) => this.classSource(t));
    const body = classes.join("\n\n\n");
    const imports = /\btorch\./.test(body) ? "import torch\nfrom torch import nn" : "from torch import nn";
    return `${header}\n${imports}\n\n\n${body}\n`;
  }

  private classSource(t: Template): string {
    const m = t.instances[0];
    const cur: Cursor = { t, i: 0, values: this.plan.bodySlots(m) };
    const init: string[] = [];
    const done = new Set<string>();
    for (const [c, attr] of m.attrs) {
      if (done.has(attr)) continue;
      done.add(attr);
      const e = this.build(c, cur);
      if (attr.startsWith("#")) init.push(format({ fn: "self.add_module", args: [{ value: JSON.stringify(attr.slice(1)) }, { value: e }] }, 8, 0));
      else init.push(`self.${attr} = ${format(e, 8, attr.length + 8)}`);
    }
    const params = t.params.length ? `, ${t.params.join(", ")}` : "";
    const lines = [`class ${t.name}(nn.Module):`, `    def __init__(self${params}):`, "        super().__init__()", ...init.map((l) => `        ${l}`)];
    if (!t.container) lines.push("", ...this.forward(m).map((l) => `    ${l}`));
    return lines.join("\n");
  }

  /** A child's constructor expression, consuming its slots. */
  private build(c: Mod, cur: Cursor): Expr {
    if (c.kind === "layer") {
      const args: { kw?: string; value: Expr }[] = [];
      for (const a of c.ctor!.args) {
        const expr = cur.t.slotExpr[cur.i];
        const v = cur.values[cur.i++];
        if (expr === undefined && a.name && a.default !== undefined && same(v, a.default)) continue;
        args.push({ kw: a.name, value: expr ?? pyLiteral(v) });
      }
      return { fn: c.ctor!.fn, args };
    }
    if (c.kind === "seq") return { fn: "nn.Sequential", args: c.children.map((k) => ({ value: this.build(k, cur) })) };
    if (c.kind === "container") {
      cur.i += this.plan.slots(c).length;
      return `${c.cls!.name}()`;
    }
    const args = c.cls!.params.map((p, k) => {
      const expr = cur.t.slotExpr[cur.i];
      const text = expr ?? pyLiteral(cur.values[cur.i]);
      cur.i++;
      return { kw: k < 2 ? undefined : p, value: text };
    });
    return { fn: c.cls!.name, args };
  }

  /** forward(): the statements of the module's values, in execution order. */
  private forward(m: Mod): string[] {
    const stmts: { ins: number[]; out: number; code: (v: string[], ins: number[]) => string; label?: string }[] = [];
    const alias = new Map<number, number>();
    const canon = (v: number): number => (alias.has(v) ? canon(alias.get(v)!) : v);
    const collect = (mod: Mod, path: string) => {
      for (const c of mod.children) {
        const attr = mod.attrs.get(c);
        const access = attr === undefined ? "" : attr.startsWith("#") ? `getattr(${path}, ${JSON.stringify(attr.slice(1))})` : `${path}.${attr}`;
        if (c.kind === "layer" && attr === undefined) alias.set(c.out, c.ins[0]); // an unlabelled identity
        else if (c.kind === "inline") {
          const n = this.plan.node(c.m.node!);
          stmts.push({ ins: c.ins, out: n.id, code: (v, ins) => this.inline(n, ins, v, canon) });
        } else if (c.kind === "container") collect(c, access);
        else if (c.kind !== "skip") stmts.push({ ins: c.ins, out: c.out, code: (v) => `${access}(${v.join(", ")})`, label: c.kind === "layer" ? undefined : c.m.label });
      }
    };
    collect(m, "self");
    for (const s of stmts) s.ins = s.ins.map(canon);
    const root = m === this.plan.root;
    const outs = (root ? this.plan.graph.outputs.map((p) => p.node) : [m.out]).map(canon);
    const ins = root ? this.plan.graph.inputs.map((p) => p.node) : m.ins;
    const last = new Map<number, number>();
    stmts.forEach((s, i) => s.ins.forEach((v) => last.set(v, i)));
    outs.forEach((v) => last.set(v, stmts.length));
    const names = new Map<number, string>();
    const argNames = ins.map((v, i) => (root && ins.length > 1 ? safeName(this.plan.graph.inputs[i].name) : i === 0 ? "x" : `x${i + 1}`));
    ins.forEach((v, i) => names.set(v, argNames[i]));
    const body: string[] = [];
    stmts.forEach((s, i) => {
      const vars = s.ins.map((v) => names.get(v)!);
      const freed = s.ins.filter((v) => last.get(v) === i);
      const live = new Set(names.values());
      const reusable = freed.map((v) => names.get(v)!);
      let target = reusable.find((n) => n === "x") ?? reusable.find((n) => n === "out") ?? reusable[0] ?? "";
      if (!target) {
        const base = s.label && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.label) && !/^\d/.test(s.label) ? s.label : "out";
        target = base;
        for (let k = 2; live.has(target) || target === "self"; k++) target = `${base}${k}`;
      }
      body.push(`${target} = ${s.code(vars, s.ins)}`);
      for (const v of freed) names.delete(v);
      names.set(s.out, target);
    });
    const ret = outs.map((v) => names.get(v)!).join(", ");
    return [`def forward(self, ${argNames.join(", ")}):`, ...body.map((l) => `    ${l}`), `    return ${ret}`];
  }

  /** Merges, crops, reshapes and permutes, written out. */
  private inline(n: IRNode, ins: number[], v: string[], canon: (id: number) => number): string {
    const rankOut = n.shape!.length;
    const named = n.inputs.map((id) => v[ins.indexOf(canon(id))]);
    // netc broadcasts a lower-ranked value with unit axes after the batch: [N, C] as [N, 1, 1, C]
    const lifted = n.inputs.map((id, i) => {
      const r = this.plan.rank(id);
      return r < rankOut ? `${named[i]}[:, ${Array(rankOut - r).fill("None").join(", ")}]` : named[i];
    });
    switch (n.op) {
      case "add":
        return lifted.join(" + ");
      case "mul":
        return lifted.join(" * ");
      case "concat":
        return `torch.cat([${named.join(", ")}], 1)`;
      case "reshape":
        return `${named[0]}.reshape(${named[0]}.shape[0], ${(n.attrs.shape as number[]).join(", ")})`;
      case "permute": // netc's dims count without the batch, which stays first
        return `${named[0]}.permute(0, ${(n.attrs.dims as number[]).map((d) => d + 1).join(", ")})`;
      case "crop": {
        const [t, l] = n.attrs.offset as number[];
        const [h, w] = n.shape!.slice(1);
        const refId = this.plan.extraUses.get(n.id)?.[0];
        const ref = refId === undefined ? "" : v[ins.indexOf(canon(refId))];
        const extent = (off: number, d: unknown, axis: number) => {
          const size = typeof d === "number" ? String(d) : `${ref}.shape[${axis}]`;
          return off === 0 ? `:${size}` : `${off} : ${off} + ${size}`;
        };
        return `${named[0]}[:, :, ${extent(t, h, 2)}, ${extent(l, w, 3)}]`;
      }
    }
    throw new Error(`no PyTorch form for ${n.op}`);
  }
}

const safeName = (s: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && s !== "self" ? s : `x_${s.replace(/\W/g, "_")}`);

export { isInlineOp };
