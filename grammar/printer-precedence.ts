// The printer's view of expressions: which sub-expressions make up one, and how tightly
// each kind binds (to parenthesise an operand exactly where the grammar needs it).
import type * as A from "../syntax/ast.js";

/** The sub-expressions an expression's document is made of. */
export function childrenOf(e: A.Expr): A.Expr[] {
  switch (e.kind) {
    case "list":
      return e.items;
    case "index":
      return [e.target, e.index];
    case "member":
      return [e.target];
    case "call":
      return [e.callee, ...e.args.map((a) => a.value)];
    case "unary":
      return [e.operand];
    case "cond":
      return [e.then, e.cond, e.else];
    case "comprehension":
      return e.cond ? [e.element, e.iterable, e.cond] : [e.element, e.iterable];
    case "binary":
      return [e.left, e.right];
    default:
      return [];
  }
}

export const [COND, OR, AND, NOT, COMPARISON, ADD, MUL, UNARY, POSTFIX, PRIMARY] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function precedence(e: A.Expr): number {
  switch (e.kind) {
    case "cond":
      return COND;
    case "binary":
      if (e.op === "or") return OR;
      if (e.op === "and") return AND;
      if (["+", "-"].includes(e.op)) return ADD;
      if (["*", "/", "//", "%"].includes(e.op)) return MUL;
      return COMPARISON;
    case "unary":
      return e.op === "not" ? NOT : UNARY;
    case "index":
    case "member":
    case "call":
      return POSTFIX;
    case "number":
      return e.value < 0 ? UNARY : PRIMARY;
    default:
      return PRIMARY;
  }
}
