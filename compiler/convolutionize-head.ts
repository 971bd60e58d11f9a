// Convolutionization of a global-average-pool head (the lecture notes' point about
// ResNet-style classifiers): a network that ends with a global average pool, a flatten
// and linear layers (dropout between) gives the same logits when each linear becomes a
// 1x1 convolution applied *before* the pool, since an affine map commutes with an
// average. Without the pool the network outputs a dense map of class scores, one per
// cell of the last feature map (classes x H/32 x W/32 for ResNet); averaging the map
// gives back the original logits, at any input size.
//
// The rewrite is made on the source, not on the graph: the body is whatever it is
// (residual blocks, dense concatenations, inception branches), so the new network is the
// original network's own statements with the head's pool and flatten left out and each
// linear written as `conv N, 1x1`; its blocks come from importing the original file.
import { dirname, relative, resolve } from "node:path";
import type * as A from "../syntax/ast.js";
import { Codes, error, type Diagnostic, type Span } from "../syntax/diagnostics.js";
import { loadGrammar, pickNetwork } from "./compile.js";
import type { Graph, IRNode } from "./ir.js";
import { libraryDir, Loader } from "./modules.js";
import { parseExpression } from "./parse-expression.js";
import { printProgram } from "../grammar/printer.js";
import type { Pair } from "./op-args.js";

/** The head: the global pool, the layers after it (flatten, dropout, linear), its linear layers. */
export interface PoolHead {
  pool: IRNode;
  after: IRNode[];
  linears: IRNode[];
}

/** Why a head cannot be rewritten, at the layer that prevents it. */
export interface Refusal {
  why: string;
  span: Span;
}

/** Layers that may sit between the global pool and the output: affine, or the identity at inference. */
const between = (op: string) => op === "flatten" || op === "dropout" || op === "identity" || op === "linear";

function isGlobalPool(n: IRNode, g: Graph): boolean {
  const input = n.inputs.length === 1 ? g.nodes[n.inputs[0]].shape : null;
  if (!input || input.length !== 3) return false;
  if (n.op === "globalavgpool") return true;
  if (n.op === "adaptiveavgpool") return JSON.stringify(n.attrs.size as Pair) === "[1,1]";
  if (n.op === "avgpool") return JSON.stringify(n.attrs.kernel) === JSON.stringify(input.slice(1)) && JSON.stringify(n.attrs.pad) === "[0,0]"; // a window of the whole map
  if (n.op === "mean") return JSON.stringify([...(n.attrs.dims as number[])].map((d) => (d < 0 ? d + 3 : d)).sort()) === "[1,2]";
  return false;
}

/**
 * The network's global-average-pool head, found from its output backwards; a string says
 * why a network with a global pool near its end cannot be rewritten; undefined: the
 * network has no such head (convolutionize's chain rewrite may apply).
 */
export function findPoolHead(g: Graph): PoolHead | Refusal | undefined {
  const users = new Map<number, number>();
  for (const n of g.nodes) for (const i of n.inputs) users.set(i, (users.get(i) ?? 0) + 1);
  if (g.outputs.length !== 1) {
    const aux = g.outputs.filter((o) => /aux/i.test(o.name)).map((o) => o.name);
    const why = `${g.network} has auxiliary heads (${aux.join(", ")}), for training: convolutionize rewrites one classifier head; use the network without them`;
    return aux.length ? { why, span: g.nodes[g.outputs.find((o) => o.name === aux[0])!.node].span } : undefined;
  }
  const after: IRNode[] = [];
  let n = g.nodes[g.outputs[0].node];
  while (!isGlobalPool(n, g)) {
    if (!between(n.op) || n.inputs.length !== 1 || users.get(n.inputs[0]) !== 1) {
      // A global pool a few layers up, followed by something that is not affine.
      let p: IRNode | undefined = n;
      for (let k = 0; k < 6 && p && !isGlobalPool(p, g); k++) p = p.inputs.length === 1 ? g.nodes[p.inputs[0]] : undefined;
      if (!p || !isGlobalPool(p, g)) return undefined;
      return { why: `${n.op} (${n.name}) follows the global average pool (${p.name}) and is not affine, so the head does not commute with the pool; only flatten, dropout and linear layers may follow it`, span: n.span };
    }
    after.unshift(n);
    n = g.nodes[n.inputs[0]];
  }
  const linears = after.filter((a) => a.op === "linear");
  const first = linears[0];
  if (first && (g.nodes[first.inputs[0]].shape ?? []).length !== 1)
    return { why: `${first.op} (${first.name}) reads ${(g.nodes[first.inputs[0]].shape ?? []).join("x")}, not the pooled vector: flatten first`, span: first.span };
  return { pool: n, after, linears };
}

export interface HeadRewrite {
  program?: A.Program;
  text?: string;
  reshape: Map<string, number[]>;
  removed: { name: string; reason: string }[];
  diagnostics: Diagnostic[];
  notes: string[];
}

export interface HeadSource {
  file: string; // the file NET was compiled from
  text?: string; // its text, if not read from the file
  network?: string;
  set?: Record<string, string>; // --set values become the new network's defaults
  output: string; // where the new file will be (its imports are relative to it)
  name?: string;
}

/** Rewrites the network's source: its pool and flatten left out, its linear layers 1x1 convolutions. */
export async function rewritePoolHead(g: Graph, head: PoolHead, src: HeadSource): Promise<HeadRewrite> {
  const result: HeadRewrite = { reshape: new Map(), removed: [], diagnostics: [], notes: [] };
  const fail = (message: string, span: Span = g.root.span) => {
    result.diagnostics.push(error(Codes.usage, message, span));
    return result;
  };
  const loader = new Loader(loadGrammar);
  const scope = await loader.load(src.file, src.text);
  const target = scope && pickNetwork(scope, src.network, result.diagnostics);
  if (!scope || !target) return fail(`cannot read ${g.network}'s source again`);
  const decl = target.decl;

  // The statements of the network itself (through its groups) that the head's layers come from.
  const calls = new Map<string, A.CallStmt>();
  const inputs: A.InputStmt[] = [];
  const key = (s: Span) => `${s.file}:${s.start}:${s.end}`;
  const index = (stmts: A.Stmt[]) => {
    for (const s of stmts)
      if (s.kind === "call") calls.set(key(s.span), s);
      else if (s.kind === "group") index(s.body);
      else if (s.kind === "input") inputs.push(s);
  };
  index(decl.body);
  if (g.inputs.length !== 1 || inputs.length !== 1) return fail(`${g.network} has ${g.inputs.length} inputs; convolutionize rewrites a network with one image input`);
  const drop = new Set<A.Stmt>();
  const toConv = new Map<A.Stmt, A.CallStmt>();
  for (const n of [head.pool, ...head.after]) {
    if (n.op === "dropout" || n.op === "identity") continue;
    const s = calls.get(key(n.span));
    if (!s) return fail(`${n.op} (${n.name}) is written inside a block, not among ${decl.name}'s own statements: convolutionize rewrites the network's statements`, n.span);
    if (n.op !== "linear") {
      drop.add(s);
      const reason = n === head.pool ? "the global average pool: the convolutions before it make a map of outputs, which the pool would average" : "nothing to flatten: the map stays a map";
      result.removed.push({ name: n.name, reason });
      continue;
    }
    toConv.set(s, { ...linearAsConv(s), label: s.label ?? { name: n.name.slice(n.name.lastIndexOf(".") + 1), span: s.span } });
    const inF = (g.nodes[n.inputs[0]].shape as number[])[0];
    result.reshape.set(`${n.name}.weight`, [n.attrs.out as number, inF, 1, 1]);
  }

  const channels = (g.nodes[g.inputs[0].node].shape as number[])[0];
  // An unlabelled layer is named by its index among its siblings: a linear after a left-out
  // layer gets its old index as a label, so that its weights keep their names.
  const rewrite = (stmts: A.Stmt[]): A.Stmt[] => {
    let shifted = false;
    return stmts.flatMap((s): A.Stmt[] => {
      if (drop.has(s)) return (shifted = true), [];
      if (toConv.has(s)) return [shifted || s.label ? toConv.get(s)! : { ...toConv.get(s)!, label: undefined }];
      if (s.kind === "input") return [{ ...s, shape: { kind: "dims", parts: [num(channels, s.shape.span), name("H", s.shape.span), name("W", s.shape.span)], span: s.shape.span } }];
      if (s.kind !== "group") return [s];
      const body = rewrite(s.body);
      if (body.length || !s.body.length) return [{ ...s, body }];
      return (shifted = true), [];
    });
  };

  // The network's parameters, with the variant's arguments and --set values as defaults.
  const defaults = new Map<string, A.Expr>(target.variantArgs.map((a) => [a.name, a.expr]));
  for (const [k, text] of Object.entries(src.set ?? {})) {
    const parsed = await parseExpression(text, `--set ${k}`, loadGrammar);
    if (parsed.expr) defaults.set(k, parsed.expr);
  }
  const params = decl.params.map((p) => (defaults.has(p.name) ? { ...p, default: respan(defaults.get(p.name)!, p.span) } : p));
  const newName = src.name ?? `${target.name}_fcn`;
  const network: A.NetworkDecl = { ...decl, name: newName, params, body: rewrite(decl.body) };

  // Imports: the files that declare what the body and the arguments name.
  const outDir = dirname(resolve(src.output));
  const files = new Set<string>();
  for (const file of new Set([target.scope.file, ...target.variantArgs.map((a) => a.scope.file)])) {
    files.add(resolve(file));
    for (const item of (await loader.load(file))?.program.items ?? []) {
      const path = item.kind === "import" ? loader.resolveImport(item.path, dirname(file)) : undefined;
      if (path) files.add(resolve(path));
    }
  }
  if (files.has(resolve(src.output))) return fail(`${src.output} is the file ${g.network} comes from: the converted network imports it, so write it elsewhere`);
  const at = decl.span;
  const imports: A.Import[] = [...files].map((f, i) => ({ kind: "import", path: importPath(f, outDir), span: { ...at, start: -100 + i, end: -100 + i } }));

  const linears = head.linears.map((l) => l.name).join(", ");
  const pool = `the global average pool (${head.pool.name})`;
  const one = head.linears.length === 1;
  const header = [
    `# ${target.name}, convolutionized by netc: ` + (head.linears.length ? `${linears}, the linear layer${one ? "" : "s"} after` : `${pool} is left out:`),
    ...(head.linears.length ? [`# ${pool}, ${one ? "is a 1x1 convolution" : "are 1x1 convolutions"} before it, and the pool is left out:`] : []),
    `# the network takes any input size and outputs a map of class scores, whose average over`,
    `# its cells is ${target.name}'s output. Parameter names are ${target.name}'s.`,
  ];
  const comments: A.Comment[] = header.map((text, i) => ({ text, span: { ...at, start: -1000 + i, end: -999 + i } }));
  const sourceText = loader.sources.get(target.scope.file)?.text ?? "";
  const droppedLines = [...drop].map((s) => lineOf(sourceText, s.span));
  for (const c of target.scope.program.comments)
    if (c.span.start > decl.bodySpan.start && c.span.start < decl.bodySpan.end && !droppedLines.some(([a, b]) => c.span.start >= a && c.span.start < b)) comments.push(c);

  result.program = { file: src.output, items: [...imports, network], comments, span: at };
  result.text = printProgram(result.program, sourceText);
  const pooled = [head.pool, ...head.after].filter((n) => n.op !== "linear" && n.op !== "dropout" && n.op !== "identity").map((n) => `${n.op} (${n.name})`);
  result.notes.push(`removed ${pooled.join(" and ")}${linears ? `; ${head.linears.map((l) => `linear (${l.name})`).join(", ")} ${one ? "is a 1x1 convolution" : "are 1x1 convolutions"}` : ""}: the output is a map of class scores; average it over its cells (netc run does) for ${target.name}'s output`);
  return result;
}

/** `linear N` as `conv N, 1x1`, its other arguments (bias) kept. */
function linearAsConv(s: A.CallStmt): A.CallStmt {
  const out = s.args.find((a) => !a.name) ?? s.args.find((a) => a.name === "out")!;
  const rest = s.args.filter((a) => a !== out);
  const kernel: A.Expr = { kind: "dims", parts: [num(1, s.span), num(1, s.span)], span: s.span };
  return { ...s, callee: "conv", args: [{ value: out.value, span: out.span }, { value: kernel, span: s.span }, ...rest] };
}

/** The import that names `file` from a file in `dir`: a library file by its name, any other by a relative path. */
function importPath(file: string, dir: string): string {
  if (dirname(file) === resolve(libraryDir())) return file.slice(dirname(file).length + 1).replace(/\.net$/, "");
  const rel = relative(dir, file);
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** From the start of the line holding `span` to the end of the line where it ends. */
function lineOf(text: string, span: Span): [number, number] {
  const end = text.indexOf("\n", span.end);
  return [text.lastIndexOf("\n", span.start - 1) + 1, end < 0 ? text.length : end];
}

const num = (v: number, span: Span): A.Expr => ({ kind: "number", value: v, text: String(v), span });
const name = (n: string, span: Span): A.Expr => ({ kind: "name", name: n, span });

/** A copy of an expression with every span set to `span` (it moves into another statement). */
function respan<T>(x: T, span: Span): T {
  if (Array.isArray(x)) return x.map((v) => respan(v, span)) as T;
  if (x === null || typeof x !== "object") return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, k === "span" ? span : respan(v, span)])) as T;
}
