// What the playground's compile worker does with the editor's text: the compiler's own
// passes (load, resolve, elaborate, count) on the text as one file, and the results the
// page shows — diagnostics located by offset, the CLI's summary table and totals, the
// file's networks and the chosen one's parameters (for the --set controls). Pure: no
// DOM, no worker API, so that it runs in Node's tests as well.
import { compileNetwork, loadGrammar } from "../compiler/compile.js";
import { Loader, type ModuleScope } from "../compiler/modules.js";
import { resolveNames } from "../compiler/resolve.js";
import { summaryTable } from "../compiler/summary.js";
import { formatDim } from "../compiler/symbolic.js";
import type { Graph } from "../compiler/ir.js";
import type { Expr, NetworkDecl } from "../syntax/ast.js";
import { Codes, error, hasErrors, type Diagnostic } from "../syntax/diagnostics.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";

/** The name the editor's text has in diagnostics and spans. */
export const MAIN = "/playground/main.net";
/** Longest text compiled (characters): a 100 MB paste is refused, not compiled. */
export const MAX_TEXT = 1_000_000;

export interface CompileRequest {
  text: string;
  network?: string;
  set?: Record<string, string>;
  depth?: number;
}

export interface PageDiagnostic {
  severity: "error" | "warning" | "info";
  code: string;
  message: string; // with the labels' and notes' text
  from: number; // offsets in the editor's text (0, 0 when the error is elsewhere)
  to: number;
  line: number; // 1-based, 0 when not in the editor's text
}

export interface Param {
  name: string;
  value: string; // the default (or the variant's value) as .net text
}

export interface CompileResult {
  diagnostics: PageDiagnostic[];
  rendered: string; // the diagnostics as the CLI prints them
  networks: string[]; // the file's networks and variants, in order
  network?: string; // the one compiled
  params: Param[];
  table?: string; // `netc summary`'s table
  totals?: { params: number; buffers: number; macs: string };
  inputShape?: string[];
  outputShape?: string[];
}

export async function compileText(req: CompileRequest): Promise<CompileResult> {
  return (await compileWithGraph(req)).result;
}

/** The same, with the compiled graph (for the picture and "run"), when it compiled. */
export async function compileWithGraph(req: CompileRequest): Promise<{ result: CompileResult; graph?: Graph }> {
  const result: CompileResult = { diagnostics: [], rendered: "", networks: [], params: [] };
  let graph: Graph | undefined;
  if (req.text.length > MAX_TEXT) {
    const d = error(Codes.limit, `the text is ${req.text.length.toLocaleString("en-US")} characters long; the playground compiles up to ${MAX_TEXT.toLocaleString("en-US")}`);
    result.diagnostics.push(pageDiagnostic(d, new Loader(loadGrammar)));
    result.rendered = `error[${d.code}]: ${d.message}`;
    return { result };
  }
  const loader = new Loader(loadGrammar);
  let diags: Diagnostic[] = [];
  try {
    const scope = await loader.load(MAIN, req.text);
    diags = loader.diagnostics;
    if (scope) {
      result.networks = scope.program.items.flatMap((i) => (i.kind === "network" || i.kind === "variant" ? [i.name] : []));
      const network = req.network && result.networks.includes(req.network) ? req.network : result.networks[result.networks.length - 1];
      result.network = network;
      if (network) result.params = paramsOf(scope, network, loader);
      if (!hasErrors(diags)) diags = [...diags, ...resolveNames(scope)];
      if (!hasErrors(diags) && network) {
        const c = await compileNetwork(loader, scope, { network, set: req.set });
        diags = [...diags, ...c.diagnostics];
        if (c.graph && c.counts && !hasErrors(c.diagnostics)) {
          graph = c.graph;
          result.table = summaryTable(c.graph, c.counts, { depth: req.depth ?? 3 });
          result.totals = { params: c.counts.params, buffers: c.counts.buffers, macs: formatDim(c.counts.macs) };
          result.inputShape = c.graph.nodes[c.graph.inputs[0].node].shape?.map(formatDim);
          result.outputShape = c.graph.nodes[c.graph.outputs[0].node].shape?.map(formatDim);
        }
      }
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    diags = [...diags, error(Codes.limit, "the text nests too deeply to compile", { file: MAIN, start: 0, end: 0 })];
  }
  result.diagnostics = diags.map((d) => pageDiagnostic(d, loader));
  result.rendered = renderDiagnostics(diags, loader.sources, { color: false });
  return { result, graph };
}

function pageDiagnostic(d: Diagnostic, loader: Loader): PageDiagnostic {
  const primary = d.labels.find((l) => l.primary) ?? d.labels[0];
  const here = primary && primary.span.file === MAIN ? primary.span : undefined;
  const where = primary && !here ? ` (in ${primary.span.file.replace(/^\/pkg\//, "")})` : "";
  const extra = [...d.labels.filter((l) => l !== primary && l.message).map((l) => l.message), ...d.notes];
  const message = `${d.code}: ${d.message}${where}${primary?.message ? ` — ${primary.message}` : ""}${extra.length ? `\n${extra.join("\n")}` : ""}`;
  const severity = d.severity === "note" ? "info" : d.severity;
  const line = here ? loader.sources.get(MAIN)!.position(here.start).line : 0;
  return { severity, code: d.code, message, from: here?.start ?? 0, to: here ? Math.max(here.end, here.start) : 0, line };
}

/** The network's parameters with their values: a variant's arguments over its base's defaults. */
function paramsOf(scope: ModuleScope, name: string, loader: Loader): Param[] {
  const text = (e: Expr) => loader.sources.get(e.span.file)?.text.slice(e.span.start, e.span.end) ?? "";
  const given = new Map<string, string>();
  let v = scope.visible.get(name);
  for (let hops = 0; v && v.decl.kind === "variant" && hops < 100; hops++) {
    for (const a of v.decl.args) if (a.name && !given.has(a.name)) given.set(a.name, text(a.value));
    v = v.scope.visible.get(v.decl.base);
  }
  if (!v || v.decl.kind !== "network") return [];
  return (v.decl as NetworkDecl).params.map((p) => ({ name: p.name, value: given.get(p.name) ?? (p.default ? text(p.default) : "") }));
}
