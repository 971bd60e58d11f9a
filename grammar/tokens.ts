// Tokens of the .net language and the lexer. Comments go to their own token group so
// the parser never sees them but the formatter keeps them.
import { createToken, Lexer, type IToken, type TokenType } from "./chevrotain.js";

export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: "comments" });
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r]+/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: "Newline", pattern: /\n/, line_breaks: true });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const keyword = (name: string, word: string) =>
  createToken({ name, pattern: new RegExp(word), longer_alt: Identifier });

export const Block = keyword("Block", "block");
export const Network = keyword("Network", "network");
export const Let = keyword("Let", "let");
export const Input = keyword("Input", "input");
export const Import = keyword("Import", "import");
export const Repeat = keyword("Repeat", "repeat");
export const As = keyword("As", "as");
export const For = keyword("For", "for");
export const In = keyword("In", "in");
export const If = keyword("If", "if");
export const Else = keyword("Else", "else");
export const Residual = keyword("Residual", "residual");
export const Shortcut = keyword("Shortcut", "shortcut");
export const When = keyword("When", "when");
export const Concat = keyword("Concat", "concat");
export const Add = keyword("Add", "add");
export const Mul = keyword("Mul", "mul");
export const From = keyword("From", "from");
export const Head = keyword("Head", "head");
export const And = keyword("And", "and");
export const Or = keyword("Or", "or");
export const Not = keyword("Not", "not");
export const True = keyword("True", "true");
export const False = keyword("False", "false");

/** `3x224x224`, `7x7`, `3xHxW`: sizes joined by `x`; a part is digits or a name without `x`. */
export const Dims = createToken({
  name: "Dims",
  pattern: /[0-9]+(?:x(?:[0-9]+|[A-Za-wyz_][A-Za-wyz0-9_]*))+(?![A-Za-z0-9_])/,
});
export const Float = createToken({
  name: "Float",
  pattern: /(?:[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)(?![A-Za-z0-9_])/,
});
export const Integer = createToken({ name: "Integer", pattern: /[0-9]+(?![A-Za-z0-9_.])/ });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n]|\\.)*"/ });

export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });

export const EqEq = createToken({ name: "EqEq", pattern: /==/ });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/ });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/ });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/ });
export const Less = createToken({ name: "Less", pattern: /</ });
export const Greater = createToken({ name: "Greater", pattern: />/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const SlashSlash = createToken({ name: "SlashSlash", pattern: /\/\// });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const Percent = createToken({ name: "Percent", pattern: /%/ });

export const keywords = [
  Block, Network, Let, Input, Import, Repeat, As, For, In, If, Else, Residual, Shortcut, When,
  Concat, Add, Mul, From, Head, And, Or, Not, True, False,
];

export const allTokens: TokenType[] = [
  Comment, WhiteSpace, Newline, Semicolon,
  Dims, Float, Integer, StringLiteral,
  ...keywords, Identifier,
  LBrace, RBrace, LParen, RParen, LBracket, RBracket, Comma, Colon, Dot,
  EqEq, NotEq, LessEq, GreaterEq, Less, Greater, Equals,
  Plus, Minus, Star, SlashSlash, Slash, Percent,
];

export const lexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false, skipValidations: true });

/** Tokens after which a line break cannot end a statement: the expression goes on. */
const continuing = new Set<TokenType>([
  Newline, Semicolon, LBrace, LParen, LBracket, Comma, Colon, Equals,
  EqEq, NotEq, LessEq, GreaterEq, Less, Greater, Plus, Minus, Star, SlashSlash, Slash, Percent,
  And, Or, Not, When, If, Else,
]);
/** Tokens before which a line break is ignored (`}` newline `else {`). */
const continued = new Set<TokenType>([Else, Shortcut, RParen, RBracket]);

/** What significantNewlines carries from one piece of a file to the next. */
export interface NewlineState {
  depth: number; // open parentheses and brackets
  prev?: TokenType; // the last token kept
  start?: number; // the column of the current statement's first token
  dangling?: IToken[]; // commas that ended a line before a line not indented past the statement
}

/**
 * Line breaks end statements, except inside parentheses and brackets, after a token
 * that needs more (a comma, an operator, `{`), and before `else` or `shortcut`. The
 * parser then sees one `Newline` per statement boundary. A file read in pieces passes
 * the same `state` for each (a piece must not end in a comma or a run of line breaks,
 * but the last).
 *
 * A comma at the end of a line continues the arguments on the next line only when that
 * line is indented past the statement's first token (as the formatter writes them):
 * `conv 16, 3x3,` then `relu` below it would make `relu` an argument. That comma is
 * dropped, the line break ends the statement, and the comma is listed in
 * `state.dangling` for the parser to report.
 */
export function significantNewlines(tokens: IToken[], state: NewlineState = { depth: 0 }): IToken[] {
  const out: IToken[] = [];
  let j = 0; // the first token after the current run of line breaks: each run is scanned once
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const type = t.tokenType;
    if (type === LParen || type === LBracket) state.depth++;
    else if ((type === RParen || type === RBracket) && state.depth > 0) state.depth--;
    if (type === Newline) {
      if (j <= i) for (j = i + 1; tokens[j]?.tokenType === Newline; ) j++; // blank lines and comment lines
      const next = tokens[j];
      if (state.depth > 0 || !state.prev) continue;
      const last = out[out.length - 1];
      if (state.prev === Comma && last?.tokenType === Comma && next && (next.startColumn ?? 0) <= (state.start ?? 0)) {
        (state.dangling ??= []).push(out.pop()!);
      } else if (continuing.has(state.prev) || (next && continued.has(next.tokenType))) continue;
    } else if (!state.prev || state.prev === Newline || state.prev === Semicolon || state.prev === LBrace) state.start = t.startColumn;
    out.push(t);
    state.prev = type;
  }
  return out;
}
