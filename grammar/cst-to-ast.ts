// The CST-to-AST visitor: turns Chevrotain's concrete syntax tree into the typed AST of
// syntax/ast.ts, with one method per grammar rule, named as the rule (as Chevrotain's
// examples and prettier-java do): declarations and statements here, expressions in
// cst-expressions.ts. Children come in source order from the grammar itself
// (labelled alternatives: `item`, `stmt`, `operator`, `suffix`), never by sorting
// offsets. It runs only on trees without syntax errors.
import type { CstNode, IToken } from "./chevrotain.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/diagnostics.js";
import { ExpressionBuilder } from "./cst-expressions.js";
import { maybeSub, maybeTok, sub, subs, tok, unquote } from "./cst-helpers.js";

/** A malformed label template; the parser turns it into a diagnostic. */
export class LabelError extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

export class AstBuilder extends ExpressionBuilder {
  constructor(
    file: string,
    private readonly parseExpression: (text: string, offset: number) => A.Expr | undefined = () => undefined,
  ) {
    super(file);
  }

  // ---- declarations ----------------------------------------------------------------
  program(node: CstNode, comments: IToken[]): A.Program {
    return {
      file: this.file,
      items: subs(node, "item").map((item) => this.visit<A.Item>(item)),
      comments: comments.map((c) => ({ text: c.image, span: this.span(c) })),
      span: { file: this.file, start: 0, end: node.location?.endOffset ? (node.location.endOffset + 1) | 0 : 0 },
    };
  }

  importDecl(n: CstNode): A.Import {
    return { kind: "import", path: unquote(tok(n, "StringLiteral").image), span: this.span(n) };
  }

  blockDecl(n: CstNode): A.BlockDecl {
    const id = tok(n, "Identifier");
    return {
      kind: "block",
      name: id.image,
      nameSpan: this.span(id),
      params: this.paramList(sub(n, "paramList")),
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      span: this.span(n),
    };
  }

  networkDecl(n: CstNode): A.NetworkDecl | A.VariantDecl {
    const id = tok(n, "Identifier");
    const base = maybeTok(n, "base");
    if (base) {
      const args = maybeSub(n, "argList");
      return {
        kind: "variant",
        name: id.image,
        nameSpan: this.span(id),
        base: base.image,
        baseSpan: this.span(base),
        args: args ? this.argList(args) : [],
        span: this.span(n),
      };
    }
    const params = maybeSub(n, "paramList");
    return {
      kind: "network",
      name: id.image,
      nameSpan: this.span(id),
      params: params ? this.paramList(params) : [],
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      span: this.span(n),
    };
  }

  paramList(n: CstNode): A.Param[] {
    return subs(n, "param").map((p) => this.param(p));
  }

  param(p: CstNode): A.Param {
    const e = maybeSub(p, "expression");
    return { name: tok(p, "Identifier").image, default: e ? this.expression(e) : undefined, span: this.span(p) };
  }

  separator(): undefined {
    return undefined; // line breaks and semicolons carry nothing into the AST
  }

  // ---- statements ------------------------------------------------------------------
  body(n: CstNode): A.Stmt[] {
    return subs(n, "statement").map((s) => this.statement(s));
  }

  statement(n: CstNode): A.Stmt {
    const labelNode = maybeSub(n, "label");
    const inner = sub(n, "stmt");
    const stmt: A.Stmt = inner.name === "body" ? this.group(inner) : this.visit<A.Stmt>(inner);
    stmt.label = labelNode ? this.label(labelNode) : undefined;
    stmt.span = this.span(n);
    return stmt;
  }

  /** A body in statement position: `{ ... }`, a group. */
  private group(n: CstNode): A.GroupStmt {
    const span = this.span(n);
    return { kind: "group", body: this.body(n), bodySpan: span, span };
  }

  label(n: CstNode): A.Label {
    const str = maybeTok(n, "StringLiteral");
    if (str) return this.templateLabel(str);
    const t = maybeTok(n, "Identifier") ?? tok(n, "Integer");
    return { name: t.image, span: this.span(t) };
  }

  /** `"denselayer{i + 1}":` — literal text and `{expression}` parts, parsed here. */
  private templateLabel(t: IToken): A.Label {
    const raw = t.image.slice(1, -1);
    const parts: (string | A.Expr)[] = [];
    const re = /\{([^{}]*)\}/g;
    let last = 0;
    for (let m = re.exec(raw); m; m = re.exec(raw)) {
      if (m.index > last) parts.push(raw.slice(last, m.index));
      const offset = (t.startOffset + 1 + m.index + 1) | 0;
      const parsed = this.parseExpression(m[1], offset);
      if (!parsed) throw new LabelError(`cannot read the expression {${m[1]}} in this label`, { file: this.file, start: offset, end: offset + m[1].length });
      parts.push(parsed);
      last = m.index + m[0].length;
    }
    if (last < raw.length) parts.push(raw.slice(last));
    return { name: raw, span: this.span(t), parts };
  }

  letStmt(n: CstNode): A.LetStmt {
    return { kind: "let", name: tok(n, "Identifier").image, value: this.expression(sub(n, "expression")), span: this.span(n) };
  }

  inputStmt(n: CstNode): A.InputStmt {
    return { kind: "input", shape: this.expression(sub(n, "expression")), name: maybeTok(n, "Identifier")?.image, span: this.span(n) };
  }

  callStmt(n: CstNode): A.CallStmt {
    const id = tok(n, "Identifier");
    const args = maybeSub(n, "argList");
    return {
      kind: "call",
      callee: id.image,
      calleeSpan: this.span(id),
      args: args ? this.argList(args) : [],
      parens: !!maybeTok(n, "LParen"),
      span: this.span(n),
    };
  }

  repeatStmt(n: CstNode): A.RepeatStmt {
    return {
      kind: "repeat",
      count: this.expression(sub(n, "expression")),
      index: maybeTok(n, "Identifier")?.image,
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      span: this.span(n),
    };
  }

  forStmt(n: CstNode): A.ForStmt {
    return {
      kind: "for",
      variable: tok(n, "Identifier").image,
      iterable: this.expression(sub(n, "expression")),
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      span: this.span(n),
    };
  }

  ifStmt(n: CstNode): A.IfStmt {
    const bodies = subs(n, "body");
    const elseIf = maybeSub(n, "ifStmt");
    const elseNode = elseIf ?? bodies[1];
    return {
      kind: "if",
      cond: this.expression(sub(n, "expression")),
      then: this.body(bodies[0]),
      thenSpan: this.span(bodies[0]),
      else: elseIf ? [this.ifStmt(elseIf)] : bodies[1] ? this.body(bodies[1]) : undefined,
      elseSpan: elseNode ? this.span(elseNode) : undefined,
      span: this.span(n),
    };
  }

  residualStmt(n: CstNode): A.ResidualStmt {
    const when = maybeSub(n, "whenClause");
    const sc = maybeSub(n, "shortcutClause");
    return {
      kind: "residual",
      when: when ? this.whenClause(when) : undefined,
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      shortcut: sc ? this.shortcutClause(sc) : undefined,
      span: this.span(n),
    };
  }

  shortcutClause(sc: CstNode): A.Shortcut {
    const id = maybeTok(sc, "Identifier");
    const scWhen = maybeSub(sc, "whenClause");
    return {
      label: id ? { name: id.image, span: this.span(id) } : undefined,
      when: scWhen ? this.whenClause(scWhen) : undefined,
      body: this.body(sub(sc, "body")),
      bodySpan: this.span(sub(sc, "body")),
      span: this.span(sc),
    };
  }

  whenClause(n: CstNode): A.Expr {
    return this.expression(sub(n, "expression"));
  }

  combineStmt(n: CstNode): A.CombineStmt {
    const op = (maybeTok(n, "Concat") ?? maybeTok(n, "Add") ?? tok(n, "Mul")).image as A.CombineStmt["op"];
    return { kind: "combine", op, branches: this.body(sub(n, "body")), bodySpan: this.span(sub(n, "body")), span: this.span(n) };
  }

  fromStmt(n: CstNode): A.FromStmt {
    const src = maybeTok(n, "Identifier") ?? tok(n, "Input");
    const body = maybeSub(n, "body");
    return {
      kind: "from",
      source: src.image,
      sourceSpan: this.span(src),
      body: body ? this.body(body) : undefined,
      bodySpan: body ? this.span(body) : undefined,
      span: this.span(n),
    };
  }

  headStmt(n: CstNode): A.HeadStmt {
    const when = maybeSub(n, "whenClause");
    return {
      kind: "head",
      name: tok(n, "Identifier").image,
      when: when ? this.whenClause(when) : undefined,
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      span: this.span(n),
    };
  }
}
