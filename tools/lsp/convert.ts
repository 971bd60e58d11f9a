// netc's diagnostics in LSP's terms: the primary span as the range, every other
// labelled span as related information, the notes after the message. A diagnostic
// located in an imported file is shown at the import that brings it in, saying where.
import { pathToFileURL } from "node:url";
import { relative } from "node:path";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation, type Range } from "vscode-languageserver";
import type { Diagnostic, Span } from "../../syntax/diagnostics.js";
import type { SourceFile } from "../../syntax/source.js";
import { samePath, type Analysis } from "./analysis.js";

export const uriOf = (path: string) => pathToFileURL(path).href;

/** A span's range in its file (0-based lines and UTF-16 columns, as LSP counts). */
export function rangeOf(source: SourceFile, span: { start: number; end: number }): Range {
  const a = source.position(span.start);
  const b = source.position(Math.max(span.start, span.end));
  return { start: { line: a.line - 1, character: a.column - 1 }, end: { line: b.line - 1, character: b.column - 1 } };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information } as const;

export function toLsp(d: Diagnostic, a: Analysis): LspDiagnostic {
  const sources = a.check.sources;
  const where = (s: Span) => sources.get(s.file);
  const primary = d.labels.find((l) => l.primary) ?? d.labels[0];
  const related: DiagnosticRelatedInformation[] = [];
  for (const l of d.labels) {
    const src = where(l.span);
    if (l === primary || !src) continue;
    related.push({ location: { uri: uriOf(src.path), range: rangeOf(src, l.span) }, message: l.message ?? d.message });
  }
  let range: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  let message = d.message;
  const src = primary && where(primary.span);
  if (primary && src && samePath(src.path, a.path)) {
    range = rangeOf(a.source, primary.span);
    if (primary.message) message += ` (${primary.message})`;
  } else if (primary && src) {
    const p = src.position(primary.span.start);
    message = `${relative(process.cwd(), src.path) || src.path}:${p.line}:${p.column}: ${d.message}`;
    related.unshift({ location: { uri: uriOf(src.path), range: rangeOf(src, primary.span) }, message: primary.message ?? d.message });
    const at = importLeadingTo(a, src.path);
    if (at) range = rangeOf(a.source, at);
  }
  if (d.notes.length) message += "\n" + d.notes.map((n) => `note: ${n}`).join("\n");
  const out: LspDiagnostic = { range, severity: SEVERITY[d.severity], code: d.code, source: "netc", message };
  if (related.length) out.relatedInformation = related;
  return out;
}

/** The import of the analysed file through which `file` was loaded (the first import otherwise). */
function importLeadingTo(a: Analysis, file: string): Span | undefined {
  const imports = a.check.scope?.program.items.filter((i) => i.kind === "import") ?? [];
  const name = file.replace(/\.net$/, "");
  return (imports.find((i) => i.kind === "import" && name.endsWith(i.path.replace(/\.net$/, "").replace(/^\.\//, ""))) ?? imports[0])?.span;
}
