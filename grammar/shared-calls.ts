// A long written-out file repeats a few lines a million times (`conv 8, 3x3, pad = 1`).
// Each line built as its own AST took about 1.6 KB (a statement, its arguments, their
// values and ten spans); a million of them, 1.6 GB before the graph. Here a simple layer
// call (grammar/simple-call.ts) whose text is exactly that of an earlier one is a view of
// the earlier one's AST: it holds only its own span (about 130 bytes a line, with the
// Proxy around it), and gives its `calleeSpan` and `args` built on demand, the earlier
// statement's moved to where this one stands. It reads as the plain AST does, field by
// field, in `Object.keys`, spreads, JSON and `toEqual` (a test compares them); only the
// identity of those two fields differs between reads, which nothing in netc relies on.
import type { IToken } from "./chevrotain.js";
import type * as A from "../syntax/ast.js";
import { sameText } from "../syntax/ast.js";
import type { Span } from "../syntax/diagnostics.js";
import { simpleCall } from "./simple-call.js";

/** At most this many different lines are remembered; later new lines are plain statements. */
const MAX_TEMPLATES = 50_000;

export class SharedCalls {
  private readonly templates = new Map<string, { handler: ProxyHandler<Own>; tokens: number }>();
  /** Tokens of the statements given as views, which cost next to no memory (for the limit). */
  sharedTokens = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  /** The statement of tokens[from, to) when it is a simple layer call; else undefined. */
  statement(tokens: IToken[], from: number, to: number): A.CallStmt | undefined {
    if (to <= from) return undefined;
    const start = tokens[from].startOffset | 0;
    const last = tokens[to - 1];
    const end = (last.startOffset + last.image.length) | 0;
    const key = this.text.slice(start, end);
    const view = this.view(key, start);
    if (view) return view;
    const plain = simpleCall(tokens, from, to, this.file);
    // A labelled line is not shared: written twice, it is a duplicate, reported at its own label.
    if (plain && !plain.label && this.templates.size < MAX_TEMPLATES && !key.includes("\n")) this.templates.set(key, { handler: viewOf(plain), tokens: to - from });
    return plain;
  }

  /** Whether `key` is the text of a line seen before. */
  knows(key: string): boolean {
    return this.templates.has(key);
  }

  /** A view of the statement written as `key`, for the same text at `start`; its tokens are counted as shared. */
  view(key: string, start: number): A.CallStmt | undefined {
    const template = this.templates.get(key);
    if (!template) return undefined;
    this.sharedTokens += template.tokens;
    return new Proxy<Own>({ span: { file: this.file, start, end: (start + key.length) | 0 } }, template.handler) as unknown as A.CallStmt;
  }

  /** The tokens of the line written as `key` (a known one). */
  tokensOf(key: string): number {
    return this.templates.get(key)?.tokens ?? 0;
  }
}

/** The line that starts at `at`, without its indentation and trailing blanks; `indent`, its first column less one; `end`, its line break. */
export function lineAt(text: string, at: number): { key: string; indent: number; end: number } | undefined {
  const end = text.indexOf("\n", at);
  if (end < 0) return undefined;
  let a = at;
  while (a < end && (text.charCodeAt(a) === 0x20 || text.charCodeAt(a) === 0x09)) a++;
  let b = end;
  while (b > a && (text.charCodeAt(b - 1) === 0x20 || text.charCodeAt(b - 1) === 0x09 || text.charCodeAt(b - 1) === 0x0d)) b--;
  return { key: text.slice(a, b), indent: a - at, end };
}

/**
 * Whether the line break at `nl` ends a statement as far as what follows can tell: the
 * next token (past blank and comment lines) exists and is not one before which a line
 * break is ignored (`else`, `shortcut`, `)`, `]`: tokens.ts's `continued`), judged by its
 * first characters (a name starting so is judged the same way, which is only slower).
 */
export function breakEnds(text: string, nl: number): boolean {
  let j = nl + 1;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) j++;
    else if (c === 0x23) {
      j = text.indexOf("\n", j);
      if (j < 0) return false;
    } else break;
  }
  if (j >= text.length) return false;
  const c = text[j];
  return c !== ")" && c !== "]" && !text.startsWith("else", j) && !text.startsWith("shortcut", j);
}

/** What a view holds itself: its span, and any field written to it. */
type Own = { span: Span } & Record<string | symbol, unknown>;

/** The Proxy handler of the views of `t`: every field as `t`'s, moved by the offset between them. */
function viewOf(t: A.CallStmt): ProxyHandler<Own> {
  const keys = Reflect.ownKeys(t);
  const written = new WeakSet<Own>(); // views given a field of their own: no longer the same text
  const field = (own: Own, k: string | symbol): unknown => {
    if (k === "span" || Object.hasOwn(own, k)) return own[k];
    if (k === sameText) return written.has(own) ? undefined : t;
    const d = own.span.start - t.span.start;
    if (k === "args") return t.args.map((a) => moveArg(a, d));
    if (k === "calleeSpan") return move(t.calleeSpan, d);
    return Reflect.get(t, k);
  };
  return {
    get: field,
    set(own, k, v) {
      written.add(own);
      own[k] = v;
      return true;
    },
    defineProperty(own, k, d) {
      written.add(own);
      return Reflect.defineProperty(own, k, d);
    },
    has: (own, k) => k in own || k in t,
    ownKeys: (own) => [...keys, ...Reflect.ownKeys(own).filter((k) => !keys.includes(k))],
    getOwnPropertyDescriptor(own, k) {
      if (Object.hasOwn(own, k)) return Reflect.getOwnPropertyDescriptor(own, k);
      if (!Object.hasOwn(t, k)) return undefined;
      return { value: field(own, k), writable: true, enumerable: true, configurable: true };
    },
  };
}

const move = (s: Span, d: number): Span => ({ file: s.file, start: (s.start + d) | 0, end: (s.end + d) | 0 });

const moveArg = (a: A.Arg, d: number): A.Arg => ({ name: a.name, value: moveExpr(a.value, d), span: move(a.span, d) });

/** A simple call's argument values are literals: numbers, names, booleans and sizes. */
function moveExpr(e: A.Expr, d: number): A.Expr {
  switch (e.kind) {
    case "number":
      return { kind: "number", value: e.value, text: e.text, span: move(e.span, d) };
    case "name":
      return { kind: "name", name: e.name, span: move(e.span, d) };
    case "bool":
      return { kind: "bool", value: e.value, span: move(e.span, d) };
    case "dims":
      return { kind: "dims", parts: e.parts.map((p) => moveExpr(p, d)), span: move(e.span, d) };
    default:
      throw new Error(`a simple call has no ${e.kind} argument`);
  }
}
