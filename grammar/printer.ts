// The printer: an AST back to canonical .net text, the inverse of the parser beside it.
// It builds a Prettier document (Prettier's own line-fitting algorithm decides where
// long argument and list lines break), so `netc fmt` and the Prettier plugin print the
// same text. Comments are not in the AST's tree: they are placed from their offsets in
// the source, own-line comments before what follows them, end-of-line comments after
// what precedes them on that line.
import { builders, printer } from "prettier/doc";
import type * as A from "../syntax/ast.js";
import { sameText } from "../syntax/ast.js";
import type { Span } from "../syntax/diagnostics.js";
import { CommentPlacer } from "./printer-comments.js";
import { childrenOf, precedence, OR, NOT, COMPARISON, UNARY, POSTFIX } from "./printer-precedence.js";

type Doc = builders.Doc;
const { group, indent, join, line, softline, hardline } = builders;

export interface PrintOptions {
  printWidth?: number;
}

export const DEFAULT_WIDTH = 100; // rustfmt's; 80 breaks most convolution lines

/** Canonical text of a parsed program; `text` is the source it was parsed from. */
export function printProgram(program: A.Program, text: string, opts: PrintOptions = {}): string {
  const doc = programDoc(program, text);
  return printer.printDocToString(doc, { printWidth: opts.printWidth ?? DEFAULT_WIDTH, tabWidth: 2, useTabs: false }).formatted;
}

export function programDoc(program: A.Program, text: string): Doc {
  return new Printer(program, text).program();
}

class Printer extends CommentPlacer {
  private readonly sharedDocs = new Map<A.CallStmt, Doc>();

  program(): Doc {
    const parts: Doc[] = [];
    let prev: A.Item | undefined;
    this.ast.items.forEach((item, index) => {
      const next = this.ast.items[index + 1]?.span.start ?? Infinity;
      const lead = this.take((c) => c.span.start < item.span.start, item.span.start);
      const stray = this.take((c) => c.span.start < item.span.end && !inside(c, bodiesOfItem(item)), item.span.end);
      if (prev) parts.push(hardline, this.blankBetween(prev, item, lead) ? hardline : "");
      parts.push(this.ownLines(lead, item.span.start), this.ownLines(stray), this.item(item), this.trailing(item.span.end, next));
      prev = item;
    });
    const rest = this.take(() => true);
    if (rest.length) {
      if (prev) parts.push(hardline, this.blankBefore(rest[0].span.start) ? hardline : "");
      parts.push(join(hardline, rest.map((c, i) => (i > 0 && this.blankBefore(c.span.start, rest[i - 1].span.end) ? [hardline, c.text.trimEnd()] : c.text.trimEnd()))));
    }
    return parts.length ? [...parts, hardline] : "";
  }

  /** Blocks and networks stand apart; consecutive imports or variants keep the source's spacing. */
  private blankBetween(prev: A.Item, item: A.Item, lead: A.Comment[]): boolean {
    const grouped = (i: A.Item) => i.kind === "import" || i.kind === "variant";
    if (grouped(prev) && prev.kind === item.kind) return this.blankBefore(lead[0]?.span.start ?? item.span.start);
    return true;
  }

  // ---- declarations ----------------------------------------------------------------
  private item(item: A.Item): Doc {
    switch (item.kind) {
      case "import":
        return ["import ", JSON.stringify(item.path)];
      case "block":
        return ["block ", item.name, this.params(item.params), " ", this.body(item.body, item.bodySpan, false)];
      case "network":
        return ["network ", item.name, item.params.length ? this.params(item.params) : "", " ", this.body(item.body, item.bodySpan, false)];
      case "variant":
        return ["network ", item.name, " = ", item.base, this.parenArgs(item.args)];
    }
  }

  private params(params: A.Param[]): Doc {
    return this.parenList(params.map((p) => (p.default ? [p.name, " = ", this.expr(p.default)] : p.name)));
  }

  private parenArgs(args: A.Arg[]): Doc {
    return this.parenList(args.map((a) => this.arg(a)));
  }

  private parenList(items: Doc[]): Doc {
    if (!items.length) return "()";
    return group(["(", indent([softline, join([",", line], items)]), softline, ")"]);
  }

  private arg(a: A.Arg): Doc {
    return a.name ? [a.name, " = ", this.expr(a.value)] : this.expr(a.value);
  }

  // ---- statements ------------------------------------------------------------------
  /**
   * `{ ... }` (its span from `{` to `}`): one statement per line; a single layer, block
   * call or `let` with no comment stays on the braces' line when it fits, except in the
   * bodies of declarations and of residual, shortcut and the merging combinators.
   */
  private body(stmts: A.Stmt[], span: Span, inline = true, before: A.Comment[] = []): Doc {
    const simple = inline && stmts.length === 1 && (stmts[0].kind === "call" || stmts[0].kind === "let") && !stmts[0].label?.parts;
    if (!this.hasComment(span) && !before.length) {
      if (stmts.length === 0) return "{}";
      if (simple) return group(["{", indent([line, this.statement(stmts[0])]), line, "}"]);
    }
    // Comments written between a `}` and this body's `else`/`shortcut` come first.
    const open = [
      ...before,
      ...this.take((c) => c.span.start > span.start && c.span.start < (stmts[0]?.span.start ?? span.end) && this.sameLine(span.start, c.span.start), stmts[0]?.span.start ?? span.end),
    ];
    const inner: Doc[] = open.slice(1).map((c) => [hardline, c.text.trimEnd()]);
    stmts.forEach((s, i) => {
      const lead = this.take((c) => c.span.start < s.span.start, s.span.start);
      if (i > 0 && this.blankBefore(lead[0]?.span.start ?? s.span.start, stmts[i - 1].span.end)) inner.push(hardline);
      const next = stmts[i + 1]?.span.start ?? span.end;
      inner.push(hardline, this.ownLines(lead, s.span.start), this.statement(s), this.trailing(s.span.end, next));
    });
    const dangling = this.take((c) => c.span.start < span.end, span.end);
    if (dangling.length) {
      const after = stmts.length ? stmts[stmts.length - 1].span.end : span.start;
      if (stmts.length && this.blankBefore(dangling[0].span.start, after)) inner.push(hardline);
      inner.push(hardline, join(hardline, dangling.map((c) => c.text.trimEnd())));
    }
    return ["{", open.length ? [" ", open[0].text.trimEnd()] : "", indent(inner), hardline, "}"];
  }

  /** Comments between the end of one body and the start of the next (before `else`, `shortcut`). */
  private between(end: number, start: number): A.Comment[] {
    return this.take((c) => c.span.start >= end && c.span.start < start, start);
  }

  private statement(s: A.Stmt): Doc {
    // Comments inside a statement's own text (between its arguments) move before it.
    // (Comments between its bodies are placed by the bodies: `} # c` before `else`.)
    const headerEnd = Math.min(s.span.end, ...bodiesOf(s).map((b) => b.start));
    const stray = this.take((c) => c.span.start >= s.span.start && c.span.start < headerEnd, headerEnd);
    const label = s.label ? [this.label(s.label), ": "] : "";
    return [this.ownLines(stray), label, this.statementBody(s)];
  }

  private label(l: A.Label): string {
    return l.parts ? `"${l.name}"` : l.name;
  }

  private statementBody(s: A.Stmt): Doc {
    switch (s.kind) {
      case "let":
        return ["let ", s.name, " = ", this.expr(s.value)];
      case "input":
        return ["input ", this.expr(s.shape), s.name ? [" as ", s.name] : ""];
      case "call":
        return this.sharedCall(s);
      case "group":
        return this.body(s.body, s.bodySpan);
      case "repeat":
        return ["repeat ", this.expr(s.count), s.index ? [" as ", s.index] : "", " ", this.body(s.body, s.bodySpan)];
      case "for":
        return ["for ", s.variable, " in ", this.expr(s.iterable), " ", this.body(s.body, s.bodySpan)];
      case "if":
        return this.ifStmt(s);
      case "residual":
        return this.residual(s);
      case "combine":
        return [s.op, " ", this.body(s.branches, s.bodySpan, false)];
      case "from":
        return ["from ", s.source, s.body && s.bodySpan ? [" ", this.body(s.body, s.bodySpan)] : ""];
      case "head":
        return ["head ", s.name, this.when(s.when), " ", this.body(s.body, s.bodySpan)];
    }
  }

  private when(e: A.Expr | undefined): Doc {
    return e ? [" when ", this.expr(e)] : "";
  }

  /** `conv 64, 3x3, stride = 2`; when too long, each argument after the first on its own line. */
  /** A line written as an earlier one (a view, shared-calls.ts) shares one document with the lines like it: a million lines build a few. */
  private sharedCall(s: A.CallStmt): Doc {
    const text = (s as { [sameText]?: A.CallStmt })[sameText];
    if (!text) return this.call(s);
    let doc = this.sharedDocs.get(text);
    if (!doc) this.sharedDocs.set(text, (doc = this.call(text)));
    return doc;
  }

  private call(s: A.CallStmt): Doc {
    if (s.parens) return [s.callee, this.parenArgs(s.args)];
    if (!s.args.length) return s.callee;
    const [first, ...rest] = s.args.map((a) => this.arg(a));
    return group([s.callee, " ", first, rest.length ? indent([",", line, join([",", line], rest)]) : ""]);
  }

  private ifStmt(s: A.IfStmt, before: A.Comment[] = []): Doc {
    const head: Doc = ["if ", this.expr(s.cond), " ", this.body(s.then, s.thenSpan, true, before)];
    if (!s.else || !s.elseSpan) return head;
    const inner = s.else[0];
    if (s.else.length === 1 && inner.kind === "if" && inner.span.start === s.elseSpan.start) {
      const moved = this.between(s.thenSpan.end, s.elseSpan.start);
      return [head, " else ", this.ifStmt(inner, moved)];
    }
    return [head, " else ", this.body(s.else, s.elseSpan, true, this.between(s.thenSpan.end, s.elseSpan.start))];
  }

  private residual(s: A.ResidualStmt): Doc {
    const main: Doc = ["residual", this.when(s.when), " ", this.body(s.body, s.bodySpan, false)];
    if (!s.shortcut) return main;
    const sc = s.shortcut;
    const moved = this.between(s.bodySpan.end, sc.bodySpan.start);
    return [main, " shortcut", sc.label ? [" ", sc.label.name] : "", this.when(sc.when), " ", this.body(sc.body, sc.bodySpan, false, moved)];
  }

  // ---- expressions -------------------------------------------------------------------
  /**
   * An expression's document, built without recursion: a sum of 10,000 terms is a chain
   * 10,000 deep, so its nodes are visited from an explicit stack, children first.
   */
  expr(root: A.Expr): Doc {
    const docs = new Map<A.Expr, Doc>();
    const stack: [A.Expr, boolean][] = [[root, false]];
    while (stack.length) {
      const [e, ready] = stack.pop()!;
      if (ready) docs.set(e, this.exprDoc(e, docs));
      else {
        stack.push([e, true]);
        for (const c of childrenOf(e)) if (!docs.has(c)) stack.push([c, false]);
      }
    }
    return docs.get(root)!;
  }

  /** One expression's document, its children's documents already in `docs`. */
  private exprDoc(e: A.Expr, docs: Map<A.Expr, Doc>): Doc {
    const d = (c: A.Expr) => docs.get(c)!;
    /** An operand, parenthesised when it binds more loosely than `min`. */
    const operand = (c: A.Expr, min: number, beforeDot = false): Doc => {
      // `(1).x`: a number before `.` would read as a decimal point (but `.5(96)` stays as it
      // is: `m (.5)(96)` would read as the parenthesised arguments of m)
      const needs = precedence(c) < min || (beforeDot && c.kind === "number");
      return needs ? ["(", d(c), ")"] : d(c);
    };
    switch (e.kind) {
      case "number":
        return e.text;
      case "string":
        return JSON.stringify(e.value);
      case "bool":
        return String(e.value);
      case "name":
        return e.name;
      case "in":
        return "in";
      case "dims":
        return e.parts.map((p) => (p.kind === "number" ? p.text : p.kind === "name" ? p.name : "?")).join("x");
      case "list":
        return e.items.length ? group(["[", indent([softline, join([",", line], e.items.map(d))]), softline, "]"]) : "[]";
      case "index":
        return [operand(e.target, POSTFIX), "[", d(e.index), "]"];
      case "member":
        return [operand(e.target, POSTFIX, true), ".", e.name];
      case "call":
        return [operand(e.callee, POSTFIX), this.parenList(e.args.map((a) => (a.name ? [a.name, " = ", d(a.value)] : d(a.value))))];
      case "unary":
        return e.op === "not" ? ["not ", operand(e.operand, NOT)] : ["-", operand(e.operand, UNARY)];
      case "cond":
        return [operand(e.then, OR), " if ", operand(e.cond, OR), " else ", d(e.else)];
      case "comprehension":
        return group(["[", indent([softline, d(e.element), line, "for ", e.variable, " in ", operand(e.iterable, OR), e.cond ? [line, "if ", operand(e.cond, OR)] : ""]), softline, "]"]);
      case "binary": {
        const p = precedence(e);
        const comparison = p === COMPARISON;
        return [operand(e.left, comparison ? p + 1 : p), " ", e.op, " ", operand(e.right, p + 1)];
      }
    }
  }
}

/** The spans of a statement's bodies, where its nested statements and their comments are. */
function bodiesOf(s: A.Stmt): Span[] {
  switch (s.kind) {
    case "group":
    case "repeat":
    case "for":
    case "head":
    case "combine":
      return [s.bodySpan];
    case "from":
      return s.bodySpan ? [s.bodySpan] : [];
    case "if":
      return s.elseSpan ? [s.thenSpan, s.elseSpan] : [s.thenSpan];
    case "residual":
      return s.shortcut ? [s.bodySpan, s.shortcut.bodySpan] : [s.bodySpan];
    default:
      return [];
  }
}

function bodiesOfItem(item: A.Item): Span[] {
  return item.kind === "block" || item.kind === "network" ? [item.bodySpan] : [];
}

const inside = (c: A.Comment, spans: Span[]) => spans.some((b) => c.span.start >= b.start && c.span.start < b.end);
