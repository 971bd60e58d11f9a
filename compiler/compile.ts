// The pipeline, in order: load and parse (with imports), resolve every call's name,
// pick the network, elaborate it into the graph IR with shapes, count. Each stage adds
// diagnostics; none throws.
import type { Expr, NetworkDecl, VariantDecl } from "../syntax/ast.js";
import { Codes, error, hasErrors, type Diagnostic } from "../syntax/diagnostics.js";
import { Elaborator } from "./elaborate.js";
import { Env, EvalError, evaluate } from "./evaluate.js";
import type { Graph } from "./ir.js";
import { Loader, type ModuleScope } from "./modules.js";
import { count, type Counts } from "./count.js";
import { parseExpression } from "./parse-expression.js";
import { resolveNames } from "./resolve.js";
import { UNKNOWN, type Value } from "./values.js";
import type { SourceFile } from "../syntax/source.js";
import type { ParserLoader } from "../syntax/parser-api.js";

/** The grammar, loaded on first use: the one place the compiler names it. */
export const loadGrammar: ParserLoader = () => import("../grammar/index.js");

export interface CompileOptions {
  network?: string; // which network of the file (default: the only one, or the last)
  set?: Record<string, string>; // network arguments, as expression text
  input?: string; // the first input's shape, e.g. "3x512x512" or "3xHxW"
  text?: string; // the file's text, instead of reading it
  parser?: ParserLoader; // the parser (default: netc's grammar)
}

export interface Compiled {
  graph?: Graph;
  counts?: Counts;
  diagnostics: Diagnostic[];
  sources: Map<string, SourceFile>;
}

export async function compileFile(path: string, opts: CompileOptions = {}): Promise<Compiled> {
  const loader = new Loader(opts.parser ?? loadGrammar);
  return guarded(path, loader, async () => {
    const scope = await loader.load(path, opts.text);                      // text -> CST -> AST, imports
    const result: Compiled = { diagnostics: loader.diagnostics, sources: loader.sources };
    if (!scope || hasErrors(result.diagnostics)) return result;
    result.diagnostics.push(...resolveNames(scope));                       // every call names something
    if (hasErrors(result.diagnostics)) return result;
    const compiled = await compileNetwork(loader, scope, opts);
    return { ...compiled, diagnostics: [...result.diagnostics, ...compiled.diagnostics] };
  });
}

/** Recursion on a pathologically deep expression or file: a located limit, not a crash. */
export async function guarded(path: string, loader: Loader, run: () => Promise<Compiled>): Promise<Compiled> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const diagnostic = error(Codes.limit, `${path} nests too deeply to compile`, { file: path, start: 0, end: 0 });
    return { diagnostics: [diagnostic], sources: loader.sources };
  }
}

/** One network of a loaded, resolved file: its diagnostics only (not the loader's). */
export async function compileNetwork(loader: Loader, scope: ModuleScope, opts: CompileOptions): Promise<Compiled> {
  const result: Compiled = { diagnostics: [], sources: loader.sources };
  const diags = result.diagnostics;
  const target = pickNetwork(scope, opts.network, diags);                  // resolution
  if (!target) return result;
  const args = await networkArgs(target, scope, opts, loader, diags);      // variant and --set arguments
  const input = opts.input !== undefined ? await cliValue("--input", opts.input, scope, loader, diags) : undefined;
  if (hasErrors(diags) || !args) return result;
  const elaborator = new Elaborator({ args, input: input?.value, inputSpan: input?.span });
  const graph = elaborator.network(target.decl, target.scope);            // elaboration + shape inference
  diags.push(...elaborator.diagnostics);
  if (hasErrors(diags)) return result;
  graph.network = target.name;
  return { ...result, graph, counts: count(graph) };                       // parameters, MACs, memory
}

export interface Target {
  name: string;
  decl: NetworkDecl;
  scope: ModuleScope;
  variantArgs: { name: string; expr: Expr; scope: ModuleScope }[];
}

/** The named network (following variants to their base), or the file's last network. */
export function pickNetwork(scope: ModuleScope, name: string | undefined, diags: Diagnostic[]): Target | undefined {
  const own = scope.program.items.filter((i) => i.kind === "network" || i.kind === "variant");
  const chosen = name ?? own[own.length - 1]?.name;
  if (!chosen) {
    diags.push(error(Codes.noInput, `${scope.file} declares no network`, { file: scope.file, start: 0, end: 0 }));
    return undefined;
  }
  const variantArgs: Target["variantArgs"] = [];
  let v = scope.visible.get(chosen);
  const seen = new Set<string>();
  while (v && v.decl.kind === "variant" && !seen.has(v.decl.name)) {
    seen.add(v.decl.name);
    const variant: VariantDecl = v.decl;
    const at = v.scope;
    const positional = variant.args.find((a) => !a.name);
    if (positional) {
      diags.push(error(Codes.badArgument, "a variant's arguments must be named, e.g. `resnet(layers = [2, 2, 2, 2])`", positional.span));
      return undefined;
    }
    variantArgs.unshift(...variant.args.map((a) => ({ name: a.name!, expr: a.value, scope: at })));
    v = at.visible.get(variant.base);
    if (!v) {
      diags.push(error(Codes.undefinedName, `\`${variant.base}\` is not a network`, variant.baseSpan));
      return undefined;
    }
  }
  if (!v || v.decl.kind !== "network") {
    const names = own.map((i) => i.name).join(", ");
    diags.push(error(Codes.undefinedName, v ? `\`${chosen}\` is a block, not a network` : `no network named \`${chosen}\` in ${scope.file}`, v?.decl.nameSpan));
    if (names) diags[diags.length - 1].notes.push(`networks here: ${names}`);
    return undefined;
  }
  return { name: chosen, decl: v.decl, scope: v.scope, variantArgs };
}

async function networkArgs(t: Target, scope: ModuleScope, opts: CompileOptions, loader: Loader, diags: Diagnostic[]): Promise<Map<string, Value> | undefined> {
  const args = new Map<string, Value>();
  try {
    for (const a of t.variantArgs) args.set(a.name, evaluate(a.expr, { env: new Env(), scope: a.scope, incoming: UNKNOWN }));
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    diags.push(error(e.code, e.message, e.span));
    return undefined;
  }
  for (const [k, text] of Object.entries(opts.set ?? {})) {
    const v = await cliValue(`--set ${k}`, text, scope, loader, diags);
    if (!v) return undefined;
    args.set(k, v.value);
  }
  return args;
}

/** Parses and evaluates a value given on the command line, as a .net expression. */
async function cliValue(what: string, text: string, scope: ModuleScope, loader: Loader, diags: Diagnostic[]) {
  const parsed = await parseExpression(text, what, loader.parser);
  loader.sources.set(what, parsed.source);
  diags.push(...parsed.diagnostics);
  if (!parsed.expr) return undefined;
  try {
    const value = evaluate(parsed.expr, { env: new Env(), scope, incoming: UNKNOWN, symbols: what === "--input" });
    return { value, span: parsed.expr.span };
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    diags.push(error(e.code, e.message, e.span));
    return undefined;
  }
}
