// The language server's view of a file: `netc check` run on the editor's text, with
// the editor's unsaved buffers standing in for the files they hold, parses kept in
// memory (a keystroke reparses only the document it changed), and each network's
// graph kept for hovers and inlay hints.
import { resolve } from "node:path";
import { checkFile, type FileCheck } from "../../compiler/check-file.js";
import { loadGrammar } from "../../compiler/compile.js";
import type { LoaderHost } from "../../compiler/modules.js";
import type { NetworkDecl, VariantDecl } from "../../syntax/ast.js";
import type { Diagnostic } from "../../syntax/diagnostics.js";
import type { ParseResult } from "../../syntax/parser-api.js";
import { SourceFile } from "../../syntax/source.js";
import { statementAt, usesByLine, usesByStatement, type StatementUses } from "../shapes-by-line.js";

export interface NetworkView {
  name: string;
  statements: StatementUses[]; // of this file
  lines: Map<number, StatementUses>;
}

export interface Analysis {
  path: string;
  source: SourceFile;
  check: FileCheck;
  /** Every diagnostic once (a block's error reported by several networks is one). */
  diagnostics: Diagnostic[];
  networks: NetworkView[];
}

/** Parses by file, the latest text of each: an unchanged import is never parsed again. */
export class ParseMemo {
  private readonly memo = new Map<string, { text: string; result: ParseResult }>();

  async parse(text: string, file: string): Promise<ParseResult> {
    const hit = this.memo.get(file);
    if (hit && hit.text === text) return hit.result;
    const result = (await loadGrammar()).parse(text, file);
    this.memo.set(file, { text, result });
    return result;
  }
}

/** Runs `netc check` on `text` as the file `path`; `open` gives the text of unsaved buffers by absolute path. */
export async function analyze(path: string, text: string, open: (absolutePath: string) => string | undefined, memo: ParseMemo): Promise<Analysis> {
  const host: LoaderHost = { readFile: open, parse: (t, f) => memo.parse(t, f) };
  const check = await checkFile(path, { text, host });
  const source = check.sources.get(path) ?? new SourceFile(path, text);
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const r of check.reports)
    for (const d of r.diagnostics) {
      const at = d.labels.find((l) => l.primary)?.span;
      const key = `${d.code}\0${d.message}\0${at?.file}:${at?.start}:${at?.end}`;
      if (!seen.has(key)) seen.add(key), diagnostics.push(d);
    }
  const networks: NetworkView[] = [];
  for (const r of check.reports) {
    if (!r.graph || !r.network) continue;
    const statements = usesByStatement(r.graph, path);
    networks.push({ name: r.network, statements, lines: usesByLine(statements, source) });
  }
  return { path, source, check, diagnostics, networks };
}

/** The file's own network or variant declaration around `offset`, if any. */
function enclosingNetwork(a: Analysis, offset: number): NetworkDecl | VariantDecl | undefined {
  for (const i of a.check.scope?.program.items ?? []) if ((i.kind === "network" || i.kind === "variant") && i.span.start <= offset && offset <= i.span.end) return i;
  return undefined;
}

/**
 * Which network speaks for a place in the file: the network declared around it, else
 * (in a block) the last network of the file that runs it.
 */
export function networkFor(a: Analysis, offset: number, has: (n: NetworkView) => boolean): NetworkView | undefined {
  const own = enclosingNetwork(a, offset);
  if (own) {
    const n = a.networks.find((v) => v.name === own.name);
    return n && has(n) ? n : undefined;
  }
  for (let i = a.networks.length - 1; i >= 0; i--) if (has(a.networks[i])) return a.networks[i];
  return undefined;
}

/** The statement under `offset`, with the network whose uses it reports. */
export function statementUnder(a: Analysis, offset: number): { network: NetworkView; statement: StatementUses } | undefined {
  const network = networkFor(a, offset, (n) => statementAt(n.statements, offset) !== undefined);
  const statement = network && statementAt(network.statements, offset);
  return network && statement ? { network, statement } : undefined;
}

/** Line (1-based) → its uses, each line from the network that speaks for it. */
export function linesOf(a: Analysis, from: number, to: number): Map<number, StatementUses> {
  const out = new Map<number, StatementUses>();
  const text = a.source.text;
  let offset = 0;
  for (let line = 1; line <= to && offset <= text.length; line++) {
    if (line >= from) {
      const n = networkFor(a, offset, (v) => v.lines.has(line));
      if (n) out.set(line, n.lines.get(line)!);
    }
    const next = text.indexOf("\n", offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return out;
}

export const samePath = (a: string, b: string) => resolve(a) === resolve(b);
