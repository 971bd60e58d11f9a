// Large files, statement by statement. Chevrotain's tokens and concrete syntax tree take
// about 20 KB per line of layers, so a file of a million written-out layers (23 MB) ran
// out of memory. Here the text is lexed in pieces of whole lines, and each network's or
// block's body is parsed a batch of statements at a time: the tokens and the CST of a
// batch are dropped once its statements are built, and only the AST stays. The result
// is the same Program as parsing the whole file at once (a test compares them).
import type { IRecognitionException, IToken, TokenType } from "./chevrotain.js";
import type * as A from "../syntax/ast.js";
import { Codes, error, type Diagnostic } from "../syntax/diagnostics.js";
import { AstBuilder, LabelError } from "./cst-to-ast.js";
import { parseRecovering } from "./recovery.js";
import { stringDiagnostics } from "./strings.js";
import * as T from "./tokens.js";
import { breakEnds, lineAt, SharedCalls } from "./shared-calls.js";
import { MAX_UNSHARED_TOKENS, unsharedLimit } from "./limits.js";

/** What the stream needs of index.ts (passed in, so that the two files do not import each other). */
export interface StreamHooks {
  syntaxError: (e: IRecognitionException, previous?: IToken) => Diagnostic;
  trailingComma: (comma: IToken) => Diagnostic;
  builder: AstBuilder;
  maxNesting: number;
  pieceChars?: number; // text lexed at a time (small in tests, to cut everywhere)
  batchTokens?: number; // tokens of statements parsed at a time
  maxUnsharedTokens?: number; // the limit on tokens outside shared lines (small in tests)
}

const MAX_ERRORS = 20;

export function parseStream(text: string, file: string, hooks: StreamHooks): { program?: A.Program; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const items: A.Item[] = [];
  const comments: A.Comment[] = [];
  const state: T.NewlineState = { depth: 0 };
  let nesting = 0; // ( [ { as written, for the nesting limit
  let braces = 0; // { as the parser will see them
  let pending: IToken[] = []; // top-level tokens of the current item
  let header: IToken[] | undefined; // `network name {` of the body being read
  let batch: IToken[] = [];
  let statement = 0; // where the batch's last statement starts
  let body: A.Stmt[] = [];
  let last: IToken | undefined;
  let stop = false; // past a limit: nothing more is read
  let seen = 0; // tokens lexed
  const pieceChars = hooks.pieceChars ?? 1 << 14;
  const batchTokens = hooks.batchTokens ?? 2_000;
  const shared = new SharedCalls(text, file);
  const maxUnshared = hooks.maxUnsharedTokens ?? MAX_UNSHARED_TOKENS;

  const report = (ds: Diagnostic[]) => {
    for (const d of ds) if (diagnostics.length < MAX_ERRORS) diagnostics.push(d);
  };
  /** Parses tokens as a program; its items, or none after an error. */
  const parseProgram = (tokens: IToken[]): A.Item[] => {
    const { cst, errors } = parseRecovering(tokens);
    report(errors.map((e) => hooks.syntaxError(e.error, e.previous)));
    if (errors.length || diagnostics.length) return [];
    try {
      return hooks.builder.program(cst, []).items;
    } catch (e) {
      if (!(e instanceof LabelError)) throw e;
      report([error(Codes.syntax, e.message, e.span)]);
      return [];
    }
  };
  const flushBatch = (close?: IToken) => {
    if (!close && batch.every((t) => t.tokenType === T.Newline || t.tokenType === T.Semicolon)) return void (batch = []);
    const at = batch[0] ?? close!;
    const end = close ?? fake(T.RBrace, "}", batch[batch.length - 1], true);
    const tokens = [fake(T.Network, "network", at), fake(T.Identifier, "_", at), fake(T.LBrace, "{", at), ...batch, end];
    batch = [];
    statement = 0;
    const decl = parseProgram(tokens)[0];
    if (decl && decl.kind === "network") for (const s of decl.body) body.push(s);
  };
  const flushPending = () => {
    if (pending.some((t) => t.tokenType !== T.Newline && t.tokenType !== T.Semicolon)) items.push(...parseProgram(pending));
    pending = [];
  };

  const pushSimple = (simple: A.CallStmt) => {
    batch.length = statement; // the statements before it go first
    flushBatch();
    body.push(simple);
  };

  /**
   * Lines at `at` that repeat a known line, taken without lexing them: each is a view
   * (shared-calls.ts), as the tokens would have made it, when a statement may start there
   * and its line break ends it. Returns where lexing goes on.
   */
  const sharedLines = (at: number): number => {
    for (let l = lineAt(text, at); l && shared.knows(l.key); l = lineAt(text, at)) {
      if (held.some((t) => t.tokenType !== T.Newline) || !breakEnds(text, l.end)) return at;
      for (const t of T.significantNewlines(held, state)) take((last = t)); // what the next token would decide: nothing (it is a name)
      held = [];
      const starts = state.prev === T.Newline || state.prev === T.Semicolon || state.prev === T.LBrace;
      if (!header || braces !== 1 || state.depth !== 0 || statement !== batch.length || !starts) return at;
      seen += shared.tokensOf(l.key) + 1; // and its line break
      pushSimple(shared.view(l.key, at + l.indent)!);
      if (batch.length >= batchTokens) flushBatch();
      statement = batch.length;
      state.prev = T.Newline; // as significantNewlines leaves it after the line break
      state.start = l.indent + 1;
      line++;
      at = l.end + 1;
    }
    return at;
  };

  const take = (t: IToken) => {
    const type = t.tokenType;
    if (header) {
      if (type === T.LBrace) braces++;
      else if (type === T.RBrace && --braces === 0) {
        flushBatch(t); // the real '}', where an error about an unclosed bracket points
        const decl = parseProgram([...header, t])[0];
        if (decl && (decl.kind === "network" || decl.kind === "block")) decl.body = body;
        if (decl) items.push(decl);
        header = undefined;
        body = [];
        return;
      }
      if (braces === 1 && state.depth === 0 && (type === T.Newline || type === T.Semicolon)) {
        const simple = shared.statement(batch, statement, batch.length);
        if (simple) pushSimple(simple);
        else batch.push(t);
        if (batch.length >= batchTokens) flushBatch();
        statement = batch.length;
        return;
      }
      batch.push(t);
      return;
    }
    if (type === T.LBrace) {
      braces = 1;
      header = [...pending, t];
      pending = [];
      return;
    }
    pending.push(t);
    if (type === T.Newline || type === T.Semicolon) flushPending();
  };

  let held: IToken[] = []; // a piece's closing run of line breaks, kept for the next piece's look-ahead
  let line = 0;
  for (let base = 0; base < text.length && !stop; ) {
    base = sharedLines(base);
    if (base >= text.length) break;
    let cut = base + pieceChars >= text.length ? text.length : text.indexOf("\n", base + pieceChars) + 1;
    if (cut <= 0) cut = text.length;
    // the piece ends before a line that repeats a known one, for sharedLines to take
    for (let i = text.indexOf("\n", base) + 1; i > 0 && i < cut; i = text.indexOf("\n", i) + 1) {
      const l = lineAt(text, i);
      if (l && shared.knows(l.key)) {
        cut = i;
        break;
      }
    }
    const lexed = T.lexer.tokenize(text.slice(base, cut));
    for (const e of lexed.errors)
      report([error(Codes.lex, `unexpected character ${JSON.stringify(text.slice(base + e.offset, base + e.offset + 1))}`, { file, start: base + e.offset, end: base + e.offset + Math.max(1, e.length) })]);
    for (const c of lexed.groups.comments ?? []) comments.push({ text: c.image, span: { file, start: (base + c.startOffset) | 0, end: (base + c.endOffset! + 1) | 0 } });
    const tokens = lexed.tokens;
    for (const t of tokens) {
      shift(t, base, line);
      if (t.tokenType === T.StringLiteral) report(stringDiagnostics(t.image, file, t.startOffset));
      const c = t.tokenType;
      if (c === T.LParen || c === T.LBracket || c === T.LBrace) {
        if (++nesting > hooks.maxNesting) {
          report([error(Codes.limit, `brackets nest more than ${hooks.maxNesting} deep`, { file, start: t.startOffset | 0, end: (t.startOffset + 1) | 0 }, "too deep here")]);
          stop = true;
          break;
        }
      } else if (c === T.RParen || c === T.RBracket || c === T.RBrace) nesting = Math.max(0, nesting - 1);
    }
    for (let i = base; (i = text.indexOf("\n", i) + 1) > 0 && i <= cut; ) line++;
    base = cut;
    let keep = tokens.length;
    if (base < text.length) {
      while (keep > 0 && tokens[keep - 1].tokenType === T.Newline) keep--;
      if (keep > 0 && tokens[keep - 1].tokenType === T.Comma) keep--; // a comma before a line break is judged with the next line
    }
    const piece = held.length ? [...held, ...tokens.slice(0, keep)] : keep === tokens.length ? tokens : tokens.slice(0, keep);
    held = tokens.slice(keep);
    for (const t of T.significantNewlines(piece, state)) take((last = t));
    seen += tokens.length;
    if (!stop && seen - shared.sharedTokens > maxUnshared) {
      report([unsharedLimit(file, base, maxUnshared)]);
      stop = true;
    }
  }
  if (stop) return { diagnostics };
  for (const t of T.significantNewlines(held, state)) take((last = t));
  report((state.dangling ?? []).map((c) => hooks.trailingComma(c)));
  if (header) parseProgram([...header, ...batch]); // an unclosed body: the error is at the end of the file
  else flushPending();
  if (diagnostics.length) return { diagnostics };
  return { program: { file, items, comments, span: { file, start: 0, end: last ? (last.endOffset! + 1) | 0 : 0 } }, diagnostics };
}

function shift(t: IToken, base: number, line: number) {
  t.startOffset += base;
  t.endOffset = (t.endOffset ?? t.startOffset) + base;
  if (t.startLine !== undefined) t.startLine += line;
  if (t.endLine !== undefined) t.endLine += line;
}

/** A token the parser needs around a batch, placed at a real token (its start, or its end). */
function fake(type: TokenType, image: string, at: IToken, after = false): IToken {
  const o = after ? at.endOffset! + 1 : at.startOffset;
  return {
    image,
    startOffset: o,
    endOffset: o + Math.max(0, image.length - 1),
    startLine: at.startLine,
    endLine: at.endLine,
    startColumn: at.startColumn,
    endColumn: at.endColumn,
    tokenType: type,
    tokenTypeIdx: type.tokenTypeIdx!,
  };
}
