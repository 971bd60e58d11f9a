// Text to AST: lex, drop insignificant line breaks, parse, build the AST. Every lexing
// and syntax error is reported, each located; the AST is built only when there are none.
import type { ParseResult, ExpressionResult } from "../syntax/parser-api.js";
import { Codes, error, withLabel, type Diagnostic, type Span } from "../syntax/diagnostics.js";
import { AstBuilder, LabelError } from "./cst-to-ast.js";
import { parseRecovering } from "./recovery.js";
import { keywords, lexer, significantNewlines, StringLiteral, type NewlineState } from "./tokens.js";
import { keywordHint, missingComma, trailingComma, unclosedBrace } from "./syntax-hints.js";
import { stringDiagnostics } from "./strings.js";
import { relocate } from "./relocate.js";
import { estimateTokens, STREAM_ABOVE, tooLarge } from "./limits.js";
import { parseStream } from "./stream.js";
import type { IRecognitionException, IToken } from "./chevrotain.js";

export type { ParseResult } from "../syntax/parser-api.js";

export function parse(text: string, file: string): ParseResult {
  const big = tooLarge(text, file); // before lexing: memory grows with the tokens
  if (big) return { diagnostics: [big] };
  if (estimateTokens(text, STREAM_ABOVE) > STREAM_ABOVE) return parseLarge(text, file);
  const lexed = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = lexed.errors.map((e) =>
    error(Codes.lex, `unexpected character ${JSON.stringify(text.slice(e.offset, e.offset + 1))}`, {
      file,
      start: e.offset,
      end: e.offset + Math.max(1, e.length),
    }),
  );
  for (const t of lexed.tokens) if (t.tokenType === StringLiteral) diagnostics.push(...stringDiagnostics(t.image, file, t.startOffset));
  const deep = tooDeep(lexed.tokens, file);
  if (deep) return { diagnostics: [...diagnostics, deep] };
  try {
    return build(text, file, lexed.tokens, lexed.groups.comments ?? [], diagnostics);
  } catch (e) {
    // The parser and the AST builder recurse; a pathological file must not crash them.
    if (!(e instanceof RangeError)) throw e;
    return { diagnostics: [error(Codes.limit, "this file nests too deeply to read", { file, start: 0, end: 0 })] };
  }
}

/** A large file, statement by statement (grammar/stream.ts): the same AST in far less memory. */
export function parseLarge(text: string, file: string, sizes: { pieceChars?: number; batchTokens?: number; maxUnsharedTokens?: number } = {}): ParseResult {
  const builder = new AstBuilder(file, (t, offset) => parseExpressionAt(t, file, offset).expr);
  const syntax = (e: IRecognitionException, previous?: IToken) => syntaxError(e, file, text, previous);
  try {
    const trailing = (c: IToken) => trailingComma(c, file);
    return parseStream(text, file, { syntaxError: syntax, trailingComma: trailing, builder, maxNesting: MAX_NESTING, ...sizes });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { diagnostics: [error(Codes.limit, "this file nests too deeply to read", { file, start: 0, end: 0 })] };
  }
}

/** Brackets nested beyond this are refused before parsing, with their location. */
export const MAX_NESTING = 64;

function tooDeep(tokens: IToken[], file: string): Diagnostic | undefined {
  let depth = 0;
  for (const t of tokens) {
    const c = t.image;
    if (c === "(" || c === "[" || c === "{") {
      if (++depth > MAX_NESTING)
        return error(Codes.limit, `brackets nest more than ${MAX_NESTING} deep`, { file, start: t.startOffset | 0, end: (t.startOffset + 1) | 0 }, "too deep here");
    } else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
  }
  return undefined;
}

function build(text: string, file: string, tokens: IToken[], commentTokens: IToken[], diagnostics: Diagnostic[]): ParseResult {
  const state: NewlineState = { depth: 0 };
  const { cst, errors } = parseRecovering(significantNewlines(tokens, state));
  diagnostics.push(...errors.map((e) => syntaxError(e.error, file, text, e.previous)));
  diagnostics.push(...(state.dangling ?? []).map((c) => trailingComma(c, file)));
  if (diagnostics.length > 0) return { diagnostics };
  const comments = commentTokens;
  const builder = new AstBuilder(file, (t, offset) => parseExpressionAt(t, file, offset).expr);
  try {
    return { program: builder.program(cst, comments), diagnostics };
  } catch (e) {
    if (!(e instanceof LabelError)) throw e;
    return { diagnostics: [error(Codes.syntax, e.message, e.span)] };
  }
}

/**
 * Parses `text` as one expression whose first character sits at `offset` of `file`
 * (an expression inside a label template, or a value given on the command line).
 */
export function parseExpressionAt(text: string, file: string, offset: number): ExpressionResult {
  const prefix = "network _ = _(x = ";
  const r = parse(`${prefix}${text.replace(/\n/g, " ")})`, file);
  const shift = offset - prefix.length;
  const limit = offset + text.length;
  const move = (s: Span): Span => ({ file, start: clamp(s.start + shift, offset, limit), end: clamp(s.end + shift, offset, limit) });
  const diagnostics = r.diagnostics.map((d) => ({ ...d, labels: d.labels.map((l) => ({ ...l, span: move(l.span) })) }));
  const item = r.program?.items[0];
  if (!item || item.kind !== "variant" || item.args.length !== 1 || item.args[0].name !== "x" || diagnostics.length) {
    if (!diagnostics.length) diagnostics.push(error(Codes.syntax, `not a single value: ${text}`, { file, start: offset, end: limit }));
    return { diagnostics };
  }
  const expr = relocate(item.args[0].value, move);
  return { expr, diagnostics: [] };
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

function syntaxError(e: IRecognitionException, file: string, text: string, previous?: IToken): Diagnostic {
  const t = e.token;
  const atEnd = t.tokenType?.name === "EOF" || Number.isNaN(t.startOffset);
  const start = atEnd ? text.length : t.startOffset | 0;
  const end = atEnd ? text.length : (t.startOffset + Math.max(1, t.image.length)) | 0;
  const found = atEnd ? "end of file" : t.tokenType.name === "Newline" ? "line break" : `'${t.image}'`;
  const expected = summarizeExpected(e.message.replace(/^Expecting:?\s*/i, "").replace(/\s+but found:.*$/s, ""));
  const comma = previous && !atEnd && missingComma(t, previous, text);
  const d = comma
    ? error(Codes.syntax, "missing ',' between arguments?", { file, start, end }, "expected ',' before this")
    : error(Codes.syntax, `unexpected ${found}`, { file, start, end }, `expected ${expected}`);
  const hint = comma ? "arguments are separated by `,`; a statement ends at a line break or `;`" : previous && !atEnd ? syntaxHint(t, previous) : undefined;
  if (hint) d.notes.push(hint);
  const keyword = keywordHint(text, start);
  if (keyword) d.notes.push(keyword);
  if (atEnd && expected.includes("'}'")) {
    const open = unclosedBrace(text);
    if (open !== undefined) withLabel(d, { file, start: open, end: open + 1 }, "this '{' is never closed");
  }
  return d;
}

const isKeyword = (word: string) => keywords.some((k) => String(k.PATTERN) === `/${word}/`);

/** What a user coming from Python or PyTorch most likely meant. */
function syntaxHint(t: IToken, previous: IToken): string | undefined {
  const prev = previous.image;
  if (t.image === ":" && isKeyword(prev))
    return `\`${prev}\` is a keyword; a label of that name is written as a string: \`"${prev}": ...\``;
  if (t.image === "." && ["nn", "torch", "F", "tv", "torchvision"].includes(prev))
    return `netc's layers are written without PyTorch's \`${prev}.\` prefix, and infer their input channels: \`conv 16, 3x3\` for nn.Conv2d(3, 16, 3) (\`netc list\` and docs/language.md name them all)`;
  return undefined;
}

function summarizeExpected(msg: string): string {
  // Chevrotain lists alternatives as "one of these possible Token sequences: 1. [A] 2. [B]".
  const alts = [...msg.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1].split(",")[0].trim());
  const names = alts.length ? alts : [msg.replace(/^token of type -->\s*/, "").replace(/\s*<--.*$/s, "")];
  return [...new Set(names.map(prettyToken))].slice(0, 8).join(", "); // Integer and Float are both "a number"
}

const tokenWords: Record<string, string> = {
  Identifier: "a name", Integer: "a number", Float: "a number", Dims: "a size like 3x3",
  StringLiteral: "a string", LBrace: "'{'", RBrace: "'}'", LParen: "'('", RParen: "')'",
  LBracket: "'['", RBracket: "']'", Comma: "','", Colon: "':'", Equals: "'='", Newline: "a line break",
  Semicolon: "';'", Dot: "'.'", EqEq: "'=='", NotEq: "'!='", LessEq: "'<='", GreaterEq: "'>='", Less: "'<'",
  Greater: "'>'", Plus: "'+'", Minus: "'-'", Star: "'*'", SlashSlash: "'//'", Slash: "'/'", Percent: "'%'",
};
function prettyToken(name: string): string {
  const n = name.replace(/^-->\s*|\s*<--$/g, "");
  return tokenWords[n] ?? `'${n.toLowerCase()}'`;
}

export { lexer, significantNewlines } from "./tokens.js";
