// The expression half of the CST-to-AST visitor (cst-to-ast.ts extends it): one
// method per expression rule, named as the rule, and call arguments.
import type { CstElement, CstNode, IToken } from "./chevrotain.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/diagnostics.js";
import { maybeSub, maybeTok, only, sub, subs, tok, unquote } from "./cst-helpers.js";

export class ExpressionBuilder {
  constructor(protected readonly file: string) {}

  protected span(el: CstElement): Span {
    // `| 0`: offsets as small integers, not the doubles Chevrotain stores (each boxed in a span)
    if ("image" in el) return { file: this.file, start: el.startOffset | 0, end: (el.startOffset + el.image.length) | 0 };
    const loc = el.location!;
    return { file: this.file, start: loc.startOffset | 0, end: ((loc.endOffset ?? loc.startOffset) + 1) | 0 };
  }

  protected join(a: Span, b: Span): Span {
    return { file: this.file, start: Math.min(a.start, b.start) | 0, end: Math.max(a.end, b.end) | 0 };
  }

  /** Visits a node with the method named after its rule. */
  protected visit<T>(n: CstNode): T {
    const method = (this as unknown as Record<string, (n: CstNode) => T>)[n.name];
    if (typeof method !== "function") throw new Error(`no visitor method for the rule ${n.name}`);
    return method.call(this, n);
  }

  argList(n: CstNode): A.Arg[] {
    return subs(n, "arg").map((a) => this.arg(a));
  }

  arg(a: CstNode): A.Arg {
    return { name: maybeTok(a, "Identifier")?.image, value: this.expression(sub(a, "expression")), span: this.span(a) };
  }

  // ---- expressions -------------------------------------------------------------
  expression(n: CstNode): A.Expr {
    const ors = subs(n, "orExpr");
    const first = this.orExpr(ors[0]);
    const elseExpr = maybeSub(n, "expression");
    if (!elseExpr) return first;
    return { kind: "cond", then: first, cond: this.orExpr(ors[1]), else: this.expression(elseExpr), span: this.span(n) };
  }

  orExpr(n: CstNode): A.Expr {
    return this.chain(n, "andExpr", "Or");
  }

  andExpr(n: CstNode): A.Expr {
    return this.chain(n, "notExpr", "And");
  }

  notExpr(n: CstNode): A.Expr {
    const not = maybeSub(n, "notExpr");
    if (not) return { kind: "unary", op: "not", operand: this.notExpr(not), span: this.span(n) };
    return this.comparison(sub(n, "comparison"));
  }

  comparison(n: CstNode): A.Expr {
    return this.chain(n, "additive", "operator");
  }

  additive(n: CstNode): A.Expr {
    return this.chain(n, "multiplicative", "operator");
  }

  multiplicative(n: CstNode): A.Expr {
    return this.chain(n, "unary", "operator");
  }

  /** Operands joined by operators, left to right: both lists are in source order. */
  private chain(n: CstNode, operand: string, operator: string): A.Expr {
    const operands = subs(n, operand);
    let left = this.visit<A.Expr>(operands[0]);
    const ops = (n.children[operator] ?? []) as IToken[];
    for (let i = 1; i < operands.length; i++) {
      const right = this.visit<A.Expr>(operands[i]);
      left = { kind: "binary", op: ops[i - 1].image as A.BinaryOp, left, right, span: this.join(left.span, right.span) };
    }
    return left;
  }

  unary(n: CstNode): A.Expr {
    const inner = maybeSub(n, "unary");
    if (inner) return { kind: "unary", op: "-", operand: this.unary(inner), span: this.span(n) };
    return this.postfix(sub(n, "postfix"));
  }

  postfix(n: CstNode): A.Expr {
    return subs(n, "suffix").reduce((e, s) => this.suffix(s, e), this.primary(sub(n, "primary")));
  }

  /** `[index]`, `.member` or `(arguments)` applied to `target`. */
  suffix(n: CstNode, target: A.Expr): A.Expr {
    const index = maybeSub(n, "expression");
    if (index) return { kind: "index", target, index: this.expression(index), span: this.join(target.span, this.span(tok(n, "RBracket"))) };
    const member = maybeTok(n, "Identifier");
    if (member) return { kind: "member", target, name: member.image, span: this.join(target.span, this.span(member)) };
    const args = maybeSub(n, "argList");
    return { kind: "call", callee: target, args: args ? this.argList(args) : [], span: this.join(target.span, this.span(tok(n, "RParen"))) };
  }

  primary(n: CstNode): A.Expr {
    const el = only(n);
    if (!("image" in el)) return this.visit<A.Expr>(el);
    const span = this.span(el);
    switch (el.tokenType.name) {
      case "Integer":
      case "Float":
        return { kind: "number", value: Number(el.image), text: el.image, span };
      case "StringLiteral":
        return { kind: "string", value: unquote(el.image), span };
      case "True":
      case "False":
        return { kind: "bool", value: el.image === "true", span };
      case "In":
        return { kind: "in", span };
      case "Dims":
        return this.dims(el);
      default:
        return { kind: "name", name: el.image, span };
    }
  }

  parenExpr(n: CstNode): A.Expr {
    return { ...this.expression(sub(n, "expression")) };
  }

  listExpr(n: CstNode): A.Expr {
    const comp = maybeSub(n, "compFor");
    if (comp) return { ...this.compFor(comp), element: this.expression(sub(n, "expression")), span: this.span(n) };
    return { kind: "list", items: subs(n, "expression").map((x) => this.expression(x)), span: this.span(n) };
  }

  compFor(n: CstNode): Omit<A.Expr & { kind: "comprehension" }, "element" | "span"> {
    const id = tok(n, "Identifier");
    const [iterable, cond] = subs(n, "orExpr").map((x) => this.orExpr(x));
    return { kind: "comprehension", variable: id.image, iterable, cond };
  }

  private dims(t: IToken): A.Expr {
    const parts: A.Expr[] = [];
    let offset = t.startOffset | 0;
    for (const part of t.image.split("x")) {
      const span = { file: this.file, start: offset, end: offset + part.length };
      parts.push(/^[0-9]/.test(part) ? { kind: "number", value: Number(part), text: part, span } : { kind: "name", name: part, span });
      offset += part.length + 1;
    }
    return { kind: "dims", parts, span: this.span(t) };
  }
}
