// Parses one expression given outside a file (`--set layers=[2,2,2,2]`, `--input 3xHxW`).
import { parseCached } from "./parse-cache.js";
import type { Expr } from "./ast.js";
import { Codes, error, type Diagnostic } from "./diagnostics.js";
import { SourceFile } from "./source.js";

export async function parseExpression(text: string, name: string): Promise<{ expr?: Expr; diagnostics: Diagnostic[]; source: SourceFile }> {
  // Parsed as the argument of a variant, then the spans are shifted back onto the text.
  const prefix = "network _ = _(x = ";
  const wrapped = `${prefix}${text.replace(/\n/g, " ")})`;
  const source = new SourceFile(name, text);
  const r = await parseCached(wrapped, name);
  const shift = (d: Diagnostic) => {
    for (const l of d.labels) {
      l.span = { file: name, start: clamp(l.span.start - prefix.length, text), end: clamp(l.span.end - prefix.length, text) };
    }
    return d;
  };
  const item = r.program?.items[0];
  if (!item || item.kind !== "variant" || item.args.length !== 1 || r.diagnostics.length) {
    const diagnostics = r.diagnostics.length ? r.diagnostics.map(shift) : [error(Codes.usage, `${name}: not a single value: ${text}`)];
    return { diagnostics, source };
  }
  const expr = JSON.parse(JSON.stringify(item.args[0].value), (k, v) =>
    k === "span" ? { file: name, start: clamp(v.start - prefix.length, text), end: clamp(v.end - prefix.length, text) } : v,
  ) as Expr;
  return { expr, diagnostics: [], source };
}

const clamp = (n: number, text: string) => Math.max(0, Math.min(text.length, n));
