// Formatting: parse, print canonically, and make sure the printed text means the same:
// it must parse to the same AST (spans aside) with the same comments, or nothing is
// returned, so that a printer bug can never change or lose a user's network.
import { sameText, type Program } from "../syntax/ast.js";
import { Codes, error, type Diagnostic } from "../syntax/diagnostics.js";
import { parse } from "./index.js";
import { printProgram, type PrintOptions } from "./printer.js";
import { sameTree, serialize } from "./relocate.js";

export interface FormatResult {
  formatted?: string;
  diagnostics: Diagnostic[];
}

export function formatText(text: string, file: string, opts: PrintOptions = {}): FormatResult {
  const parsed = parse(text, file);
  if (!parsed.program) return { diagnostics: parsed.diagnostics };
  const formatted = printProgram(parsed.program, text, opts);
  const again = parse(formatted, file).program;
  if (!again || !sameShape(again, parsed.program) || comments(again) !== comments(parsed.program))
    return { diagnostics: [error(Codes.internal, `formatting ${file} would change its meaning; it was left as it is (a bug in netc fmt)`)] };
  return { formatted, diagnostics: [] };
}

/** The AST without positions: what a program means, comments apart. */
export function shape(p: Program): string {
  return serialize(p.items, positional); // 10,000-deep sums: no recursion
}

/**
 * Whether two programs have the same `shape`, compared without writing it. Lines that
 * repeat an earlier one are views of its statement (shared-calls.ts): two views whose
 * statements were found the same once are the same again, wherever they stand.
 */
export function sameShape(a: Program, b: Program): boolean {
  const matched = new Map<object, object>();
  const known = (x: object, y: object) => {
    const tx = (x as { [sameText]?: object })[sameText];
    const ty = tx && (y as { [sameText]?: object })[sameText];
    if (!tx || !ty) return false;
    if (matched.get(tx) === ty) return true;
    if (!sameTree(tx, ty, positional)) return false;
    matched.set(tx, ty);
    return true;
  };
  return sameTree(a.items, b.items, positional, known);
}

const positional = (k: string) => k === "span" || k.endsWith("Span") || k === "file";

const comments = (p: Program) => JSON.stringify(p.comments.map((c) => c.text.trimEnd()));
