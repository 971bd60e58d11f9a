// The CST-to-AST visitor: turns Chevrotain's concrete syntax tree into the typed AST of
// compiler/ast.ts. It runs only on trees without syntax errors.
import type { CstElement, CstNode, IToken } from "./chevrotain.js";
import type * as A from "../compiler/ast.js";
import type { Span } from "../compiler/diagnostics.js";
import { decodeString } from "./strings.js";

type Children = Record<string, CstElement[] | undefined>;

/** A malformed label template; the parser turns it into a diagnostic. */
export class LabelError extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

export class AstBuilder {
  constructor(
    private readonly file: string,
    private readonly parseExpression: (text: string, offset: number) => A.Expr | undefined = () => undefined,
  ) {}

  private span(el: CstElement): Span {
    if ("image" in el) return { file: this.file, start: el.startOffset, end: el.startOffset + el.image.length };
    const loc = el.location!;
    return { file: this.file, start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
  }

  private join(a: Span, b: Span): Span {
    return { file: this.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  program(node: CstNode, comments: IToken[]): A.Program {
    const items: A.Item[] = [];
    for (const child of all(node, "importDecl", "blockDecl", "networkDecl")) {
      if (child.name === "importDecl") items.push(this.importDecl(child));
      else if (child.name === "blockDecl") items.push(this.blockDecl(child));
      else items.push(this.networkDecl(child));
    }
    return {
      file: this.file,
      items,
      comments: comments.map((c) => ({ text: c.image, span: this.span(c) })),
      span: { file: this.file, start: 0, end: node.location?.endOffset ? node.location.endOffset + 1 : 0 },
    };
  }

  private importDecl(n: CstNode): A.Import {
    return { kind: "import", path: unquote(tok(n, "StringLiteral").image), span: this.span(n) };
  }

  private blockDecl(n: CstNode): A.BlockDecl {
    const id = tok(n, "Identifier");
    return {
      kind: "block",
      name: id.image,
      nameSpan: this.span(id),
      params: this.params(sub(n, "paramList")),
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      span: this.span(n),
    };
  }

  private networkDecl(n: CstNode): A.NetworkDecl | A.VariantDecl {
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
      params: params ? this.params(params) : [],
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      span: this.span(n),
    };
  }

  private params(n: CstNode): A.Param[] {
    return subs(n, "param").map((p) => {
      const e = maybeSub(p, "expression");
      return { name: tok(p, "Identifier").image, default: e ? this.expression(e) : undefined, span: this.span(p) };
    });
  }

  body(n: CstNode): A.Stmt[] {
    return all(n, "statement").map((s) => this.statement(s));
  }

  private statement(n: CstNode): A.Stmt {
    const labelNode = maybeSub(n, "label");
    const label = labelNode ? this.label(labelNode) : undefined;
    const inner = all(n, "letStmt", "inputStmt", "callStmt", "body", "repeatStmt", "forStmt", "ifStmt",
      "residualStmt", "combineStmt", "fromStmt", "headStmt")[0];
    const stmt = this.inner(inner);
    stmt.label = label;
    stmt.span = this.span(n);
    return stmt;
  }

  private label(n: CstNode): A.Label {
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
      const offset = t.startOffset + 1 + m.index + 1;
      const parsed = this.parseExpression(m[1], offset);
      if (!parsed) throw new LabelError(`cannot read the expression {${m[1]}} in this label`, { file: this.file, start: offset, end: offset + m[1].length });
      parts.push(parsed);
      last = m.index + m[0].length;
    }
    if (last < raw.length) parts.push(raw.slice(last));
    return { name: raw, span: this.span(t), parts };
  }

  private inner(n: CstNode): A.Stmt {
    const span = this.span(n);
    switch (n.name) {
      case "letStmt":
        return { kind: "let", name: tok(n, "Identifier").image, value: this.expression(sub(n, "expression")), span };
      case "inputStmt":
        return { kind: "input", shape: this.expression(sub(n, "expression")), name: maybeTok(n, "Identifier")?.image, span };
      case "callStmt": {
        const id = tok(n, "Identifier");
        const args = maybeSub(n, "argList");
        return {
          kind: "call",
          callee: id.image,
          calleeSpan: this.span(id),
          args: args ? this.argList(args) : [],
          parens: !!maybeTok(n, "LParen"),
          span,
        };
      }
      case "body":
        return { kind: "group", body: this.body(n), bodySpan: span, span };
      case "repeatStmt":
        return {
          kind: "repeat",
          count: this.expression(sub(n, "expression")),
          index: maybeTok(n, "Identifier")?.image,
          body: this.body(sub(n, "body")),
          bodySpan: this.span(sub(n, "body")),
          span,
        };
      case "forStmt":
        return {
          kind: "for",
          variable: tok(n, "Identifier").image,
          iterable: this.expression(sub(n, "expression")),
          body: this.body(sub(n, "body")),
          bodySpan: this.span(sub(n, "body")),
          span,
        };
      case "ifStmt":
        return this.ifStmt(n);
      case "residualStmt":
        return this.residual(n);
      case "combineStmt": {
        const op = (maybeTok(n, "Concat") ?? maybeTok(n, "Add") ?? tok(n, "Mul")).image as A.CombineStmt["op"];
        return { kind: "combine", op, branches: this.body(sub(n, "body")), bodySpan: this.span(sub(n, "body")), span };
      }
      case "fromStmt": {
        const src = maybeTok(n, "Identifier") ?? tok(n, "Input");
        const body = maybeSub(n, "body");
        return {
          kind: "from",
          source: src.image,
          sourceSpan: this.span(src),
          body: body ? this.body(body) : undefined,
          bodySpan: body ? this.span(body) : undefined,
          span,
        };
      }
      case "headStmt": {
        const when = maybeSub(n, "whenClause");
        return {
          kind: "head",
          name: tok(n, "Identifier").image,
          when: when ? this.expression(sub(when, "expression")) : undefined,
          body: this.body(sub(n, "body")),
          bodySpan: this.span(sub(n, "body")),
          span,
        };
      }
    }
    throw new Error(`unexpected CST node ${n.name}`);
  }

  private ifStmt(n: CstNode): A.IfStmt {
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

  private residual(n: CstNode): A.ResidualStmt {
    const when = maybeSub(n, "whenClause");
    const sc = maybeSub(n, "shortcutClause");
    let shortcut: A.Shortcut | undefined;
    if (sc) {
      const id = maybeTok(sc, "Identifier");
      const scWhen = maybeSub(sc, "whenClause");
      shortcut = {
        label: id ? { name: id.image, span: this.span(id) } : undefined,
        when: scWhen ? this.expression(sub(scWhen, "expression")) : undefined,
        body: this.body(sub(sc, "body")),
        bodySpan: this.span(sub(sc, "body")),
        span: this.span(sc),
      };
    }
    return {
      kind: "residual",
      when: when ? this.expression(sub(when, "expression")) : undefined,
      body: this.body(sub(n, "body")),
      bodySpan: this.span(sub(n, "body")),
      shortcut,
      span: this.span(n),
    };
  }

  argList(n: CstNode): A.Arg[] {
    return subs(n, "arg").map((a) => ({
      name: maybeTok(a, "Identifier")?.image,
      value: this.expression(sub(a, "expression")),
      span: this.span(a),
    }));
  }

  // ---- expressions -------------------------------------------------------------
  expression(n: CstNode): A.Expr {
    const ors = subs(n, "orExpr");
    const first = this.binaryChain(ors[0]);
    const elseExpr = maybeSub(n, "expression");
    if (!elseExpr) return first;
    return { kind: "cond", then: first, cond: this.binaryChain(ors[1]), else: this.expression(elseExpr), span: this.span(n) };
  }

  /** orExpr, andExpr, additive, multiplicative: operands and operators in source order. */
  private binaryChain(n: CstNode): A.Expr {
    const operands = n.children[operandOf[n.name]] as CstNode[];
    let left = this.operand(operands[0]);
    if (operands.length === 1) return left; // the usual case: no operator at this level
    const ops = tokens(n);
    for (let i = 1; i < operands.length; i++) {
      const right = this.operand(operands[i]);
      left = { kind: "binary", op: ops[i - 1].image as A.BinaryOp, left, right, span: this.join(left.span, right.span) };
    }
    return left;
  }

  private operand(n: CstNode): A.Expr {
    switch (n.name) {
      case "andExpr":
      case "notExpr":
      case "multiplicative":
        if (n.name !== "notExpr") return this.binaryChain(n);
        if (n.children.notExpr) return { kind: "unary", op: "not", operand: this.operand(sub(n, "notExpr")), span: this.span(n) };
        return this.comparison(sub(n, "comparison"));
      case "unary": {
        const inner = maybeSub(n, "unary");
        if (inner) return { kind: "unary", op: "-", operand: this.operand(inner), span: this.span(n) };
        return this.postfix(sub(n, "postfix"));
      }
    }
    throw new Error(`unexpected CST node ${n.name}`);
  }

  private comparison(n: CstNode): A.Expr {
    const sides = subs(n, "additive");
    const left = this.additive(sides[0]);
    if (sides.length === 1) return left;
    const op = tokens(n)[0].image as A.BinaryOp;
    const right = this.additive(sides[1]);
    return { kind: "binary", op, left, right, span: this.join(left.span, right.span) };
  }

  private additive(n: CstNode): A.Expr {
    return this.binaryChain(n);
  }

  private postfix(n: CstNode): A.Expr {
    let e = this.primary(sub(n, "primary"));
    if (!n.children.LBracket && !n.children.Dot && !n.children.LParen) return e;
    // Suffixes in source order: [index], .member, (args).
    const suffixes = ordered(n).filter((el) => el !== n.children.primary?.[0]);
    for (let i = 0; i < suffixes.length; i++) {
      const el = suffixes[i];
      if (!("image" in el)) continue;
      if (el.image === "[") {
        const idx = suffixes[i + 1] as CstNode;
        const close = suffixes[i + 2];
        e = { kind: "index", target: e, index: this.expression(idx), span: this.join(e.span, this.span(close)) };
        i += 2;
      } else if (el.image === ".") {
        const id = suffixes[i + 1] as IToken;
        e = { kind: "member", target: e, name: id.image, span: this.join(e.span, this.span(id)) };
        i += 1;
      } else if (el.image === "(") {
        let j = i + 1;
        let args: A.Arg[] = [];
        if (!("image" in suffixes[j])) args = this.argList(suffixes[j++] as CstNode);
        e = { kind: "call", callee: e, args, span: this.join(e.span, this.span(suffixes[j])) };
        i = j;
      }
    }
    return e;
  }

  private primary(n: CstNode): A.Expr {
    const el = ordered(n)[0];
    const span = this.span(el);
    if (!("image" in el)) {
      if (el.name === "parenExpr") return { ...this.expression(sub(el, "expression")) };
      return { kind: "list", items: subs(el, "expression").map((x) => this.expression(x)), span };
    }
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

  private dims(t: IToken): A.Expr {
    const parts: A.Expr[] = [];
    let offset = t.startOffset;
    for (const part of t.image.split("x")) {
      const span = { file: this.file, start: offset, end: offset + part.length };
      parts.push(/^[0-9]/.test(part) ? { kind: "number", value: Number(part), text: part, span } : { kind: "name", name: part, span });
      offset += part.length + 1;
    }
    return { kind: "dims", parts, span: this.span(t) };
  }
}

const operandOf: Record<string, string> = {
  orExpr: "andExpr",
  andExpr: "notExpr",
  additive: "multiplicative",
  multiplicative: "unary",
};

// ---- CST helpers -----------------------------------------------------------------
function maybeSub(n: CstNode, name: string): CstNode | undefined {
  return n.children[name]?.[0] as CstNode | undefined;
}
function sub(n: CstNode, name: string): CstNode {
  const s = maybeSub(n, name);
  if (!s) throw new Error(`CST node ${n.name} has no ${name}`);
  return s;
}
function subs(n: CstNode, name: string): CstNode[] {
  return (n.children[name] ?? []) as CstNode[];
}
function maybeTok(n: CstNode, name: string): IToken | undefined {
  return n.children[name]?.[0] as IToken | undefined;
}
function tok(n: CstNode, name: string): IToken {
  const t = maybeTok(n, name);
  if (!t) throw new Error(`CST node ${n.name} has no token ${name}`);
  return t;
}
function offsetOf(el: CstElement): number {
  return "image" in el ? el.startOffset : (el.location?.startOffset ?? 0);
}
/** All children of a node, in source order. */
function ordered(n: CstNode): CstElement[] {
  return inOrder(Object.values(n.children as Children));
}
/** Sub-nodes with one of the given rule names, in source order. */
function all(n: CstNode, ...names: string[]): CstNode[] {
  return inOrder(names.map((k) => n.children[k])) as CstNode[];
}
/** Merges child lists (each already in source order); most nodes have just one. */
function inOrder(lists: (CstElement[] | undefined)[]): CstElement[] {
  const present = lists.filter((l): l is CstElement[] => !!l && l.length > 0);
  if (present.length === 0) return [];
  if (present.length === 1) return present[0];
  return present.flat().sort((a, b) => offsetOf(a) - offsetOf(b));
}
/** Direct tokens of a node, in source order. */
function tokens(n: CstNode): IToken[] {
  return ordered(n).filter((el): el is IToken => "image" in el);
}
function unquote(s: string): string {
  return decodeString(s); // validated with located errors before parsing (grammar/strings.ts)
}
