// What the compiler needs of a parser. The grammar implements it; the compiler receives
// one instead of importing grammar/, and loads it only when it must parse (loading
// Chevrotain and building the parser costs about 50 ms; a parse-cache hit needs neither).
import type { Expr, Program } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";

export interface ParseResult {
  program?: Program;
  diagnostics: Diagnostic[];
}

export interface ExpressionResult {
  expr?: Expr;
  diagnostics: Diagnostic[];
}

export interface Parser {
  /** A whole file's text to its AST; every lexing and syntax error located. */
  parse(text: string, file: string): ParseResult;
  /** One expression whose first character sits at `offset` of `file`. */
  parseExpressionAt(text: string, file: string, offset: number): ExpressionResult;
}

/** A parser loaded on first use (grammar/index.ts is one: `() => import("grammar/index.js")`). */
export type ParserLoader = () => Promise<Parser>;
