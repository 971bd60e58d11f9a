// Compiling a source text in a test, and picking its diagnostics apart.
import { expect } from "vitest";
import { compileFile, type Compiled } from "../../compiler/compile.js";
import type { Diagnostic } from "../../syntax/diagnostics.js";

process.env.NETC_NO_CACHE = "1";

export async function compileText(text: string, opts: { network?: string; input?: string } = {}): Promise<Compiled> {
  return compileFile("t.net", { ...opts, text });
}

export const errors = (r: Compiled) => r.diagnostics.filter((d) => d.severity === "error");

/** The one error of a compilation; fails listing them all otherwise. */
export function oneError(r: Compiled, code?: string): Diagnostic {
  const es = errors(r);
  expect(es, JSON.stringify(es.map((d) => `${d.code} ${d.message}`))).toHaveLength(1);
  if (code) expect(es[0].code).toBe(code);
  return es[0];
}

/** The source text a diagnostic's primary label underlines. */
export function underlined(text: string, d: Diagnostic): string {
  const l = d.labels.find((l) => l.primary) ?? d.labels[0];
  return text.slice(l.span.start, l.span.end);
}

/** A network of one input and the given body lines. */
export const net = (input: string, ...lines: string[]) => `network n {\n  input ${input}\n${lines.map((l) => `  ${l}\n`).join("")}}\n`;
