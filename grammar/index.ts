// Text to AST: lex, drop insignificant line breaks, parse, build the AST. Every lexing
// and syntax error is reported, each located; the AST is built only when there are none.
import type { Program } from "../compiler/ast.js";
import { Codes, error, type Diagnostic } from "../compiler/diagnostics.js";
import { AstBuilder } from "./cst-to-ast.js";
import { parser, parseTokens } from "./parser.js";
import { lexer, significantNewlines } from "./tokens.js";
import type { IRecognitionException } from "./chevrotain.js";

export interface ParseResult {
  program?: Program;
  diagnostics: Diagnostic[];
}

export function parse(text: string, file: string): ParseResult {
  const lexed = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = lexed.errors.map((e) =>
    error(Codes.lex, `unexpected character ${JSON.stringify(text.slice(e.offset, e.offset + 1))}`, {
      file,
      start: e.offset,
      end: e.offset + Math.max(1, e.length),
    }),
  );
  const cst = parseTokens(significantNewlines(lexed.tokens));
  diagnostics.push(...parser.errors.map((e) => syntaxError(e, file, text)));
  if (diagnostics.length > 0) return { diagnostics };
  const comments = lexed.groups.comments ?? [];
  return { program: new AstBuilder(file).program(cst, comments), diagnostics };
}

function syntaxError(e: IRecognitionException, file: string, text: string): Diagnostic {
  const t = e.token;
  const atEnd = t.tokenType?.name === "EOF" || Number.isNaN(t.startOffset);
  const start = atEnd ? text.length : t.startOffset;
  const end = atEnd ? text.length : t.startOffset + Math.max(1, t.image.length);
  const found = atEnd ? "end of file" : t.tokenType.name === "Newline" ? "line break" : `'${t.image}'`;
  const expected = e.message.replace(/^Expecting:?\s*/i, "").replace(/\s+but found:.*$/s, "");
  const d = error(Codes.syntax, `unexpected ${found}`, { file, start, end }, `expected ${summarizeExpected(expected)}`);
  return d;
}

function summarizeExpected(msg: string): string {
  // Chevrotain lists alternatives as "one of these possible Token sequences: 1. [A] 2. [B]".
  const alts = [...msg.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1].split(",")[0].trim());
  const names = [...new Set(alts.length ? alts : [msg.replace(/^token of type -->\s*/, "").replace(/\s*<--.*$/s, "")])];
  return names.map(prettyToken).slice(0, 8).join(", ");
}

const tokenWords: Record<string, string> = {
  Identifier: "a name", Integer: "a number", Float: "a number", Dims: "a size like 3x3",
  StringLiteral: "a string", LBrace: "'{'", RBrace: "'}'", LParen: "'('", RParen: "')'",
  LBracket: "'['", RBracket: "']'", Comma: "','", Colon: "':'", Equals: "'='", Newline: "a line break",
  Semicolon: "';'", Dot: "'.'",
};
function prettyToken(name: string): string {
  const n = name.replace(/^-->\s*|\s*<--$/g, "");
  return tokenWords[n] ?? `'${n.toLowerCase()}'`;
}

export { lexer, significantNewlines } from "./tokens.js";
