// One diagnostic type for every stage: lexer, parser, resolver, shape inference, CLI.
// Passes collect diagnostics instead of throwing; the CLI renders them with the source
// line and an underline, in the manner of rustc.

export interface Span {
  file: string;
  start: number; // offset of the first character
  end: number; // offset one past the last character
}

export type Severity = "error" | "warning" | "note";

export interface Label {
  span: Span;
  message?: string;
  primary: boolean;
}

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  labels: Label[];
  notes: string[];
}

export function error(code: string, message: string, span?: Span, label?: string): Diagnostic {
  return {
    severity: "error",
    code,
    message,
    labels: span ? [{ span, message: label, primary: true }] : [],
    notes: [],
  };
}

export function warning(code: string, message: string, span?: Span, label?: string): Diagnostic {
  return { ...error(code, message, span, label), severity: "warning" };
}

/** Adds a secondary label (drawn with `-`) to a diagnostic; returns it for chaining. */
export function withLabel(d: Diagnostic, span: Span | undefined, message: string): Diagnostic {
  if (span) d.labels.push({ span, message, primary: false });
  return d;
}

export function withNote(d: Diagnostic, note: string): Diagnostic {
  d.notes.push(note);
  return d;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/**
 * Raised only to unwind a pass that cannot go on (a limit was hit); it carries its
 * diagnostic, and the pass's entry point turns it back into an ordinary diagnostic.
 */
export class Abort extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** Error codes, by stage. The first digit after E is the stage. */
export const Codes = {
  lex: "E0101",
  syntax: "E0102",
  io: "E0103",
  importCycle: "E0104",
  undefinedName: "E0201",
  duplicate: "E0202",
  notCallable: "E0203",
  badArgument: "E0204",
  missingArgument: "E0205",
  unknownArgument: "E0206",
  type: "E0207",
  noInput: "E0208",
  misplaced: "E0209",
  shapeRank: "E0301",
  shapeMismatch: "E0302",
  shapeInvalid: "E0303",
  notConcrete: "E0304",
  linearOnImage: "W0301", // a warning: linear on CxHxW acts on the width, as PyTorch's
  limit: "E0401",
  recursion: "E0402",
  usage: "E0501",
  internal: "E0901",
} as const;
