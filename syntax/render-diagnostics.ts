// Renders diagnostics as text: the message, `file:line:col`, each labelled source line
// with its span underlined (`^` primary, `-` secondary), then the notes.
import type { Diagnostic, Label } from "./diagnostics.js";
import type { SourceFile } from "./source.js";

export interface RenderOptions {
  color?: boolean;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function renderDiagnostic(
  d: Diagnostic,
  sources: ReadonlyMap<string, SourceFile>,
  opts: RenderOptions = {},
): string {
  const color = opts.color ?? false;
  const sevColor = d.severity === "error" ? "1;31" : d.severity === "warning" ? "1;33" : "1;36";
  const out: string[] = [`${paint(color, sevColor, `${d.severity}[${d.code}]`)}: ${paint(color, "1", d.message)}`];
  const primary = d.labels.find((l) => l.primary) ?? d.labels[0];
  if (primary) {
    const file = sources.get(primary.span.file);
    const where = file ? `${file.path}:${fmtPos(file, primary.span.start)}` : primary.span.file;
    const lines = d.labels.map((l) => ({ l, file: sources.get(l.span.file) }));
    const width = Math.max(
      ...lines.map(({ l, file }) => String(file ? file.position(l.span.start).line : 0).length),
    );
    const gutter = " ".repeat(width);
    out.push(`${gutter}--> ${where}`);
    let lastFile = primary.span.file;
    for (const { l, file } of lines) {
      if (!file) continue;
      if (l.span.file !== lastFile) out.push(`${gutter}::: ${file.path}:${fmtPos(file, l.span.start)}`);
      lastFile = l.span.file;
      out.push(`${gutter} |`);
      out.push(...labelLines(l, file, width, color, sevColor));
    }
    out.push(`${gutter} |`);
  }
  for (const n of d.notes) out.push(`  = note: ${n}`);
  return out.join("\n");
}

function fmtPos(file: SourceFile, offset: number): string {
  const p = file.position(offset);
  return `${p.line}:${p.column}`;
}

function labelLines(l: Label, file: SourceFile, width: number, color: boolean, sevColor: string): string[] {
  const start = file.position(l.span.start);
  const end = file.position(Math.max(l.span.start, l.span.end - 1));
  const text = file.line(start.line).replace(/\t/g, " ");
  const lastCol = end.line === start.line ? end.column : text.length;
  const underlineLen = Math.max(1, lastCol - start.column + 1);
  const mark = (l.primary ? "^" : "-").repeat(underlineLen);
  const msg = l.message ? ` ${l.message}` : "";
  const num = String(start.line).padStart(width);
  return [
    `${num} | ${text}`,
    `${" ".repeat(width)} | ${" ".repeat(start.column - 1)}${paint(color, l.primary ? sevColor : "1;34", mark + msg)}`,
  ];
}

export function renderDiagnostics(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  opts: RenderOptions = {},
): string {
  return diags.map((d) => renderDiagnostic(d, sources, opts)).join("\n\n");
}
