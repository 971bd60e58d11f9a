// The abstract syntax tree of a .net file. Every node keeps its source span.
import type { Span } from "./diagnostics.js";

/**
 * On a layer call written exactly as an earlier line (a view, grammar/shared-calls.ts):
 * that line's statement. A symbol, not a field: no key, no JSON. Binding a layer uses it
 * to skip work that the same text on the same input has already done.
 */
export const sameText: unique symbol = Symbol("netc.sameText");

export interface Program {
  file: string;
  items: Item[];
  comments: Comment[];
  span: Span;
}

export interface Comment {
  text: string; // including the leading '#'
  span: Span;
}

export type Item = Import | BlockDecl | NetworkDecl | VariantDecl;

export interface Import {
  kind: "import";
  path: string;
  span: Span;
}

export interface Param {
  name: string;
  default?: Expr;
  span: Span;
}

export interface BlockDecl {
  kind: "block";
  name: string;
  params: Param[];
  body: Stmt[];
  bodySpan: Span; // from '{' to '}', for the printer
  nameSpan: Span;
  span: Span;
}

export interface NetworkDecl {
  kind: "network";
  name: string;
  params: Param[];
  body: Stmt[];
  bodySpan: Span;
  nameSpan: Span;
  span: Span;
}

/** `network resnet50 = resnet(layers = [3, 4, 6, 3])` */
export interface VariantDecl {
  kind: "variant";
  name: string;
  base: string;
  baseSpan: Span;
  args: Arg[];
  nameSpan: Span;
  span: Span;
}

export interface Label {
  name: string;
  span: Span;
  parts?: (string | Expr)[]; // a template label, "denselayer{i + 1}": text and expressions
}

interface StmtBase {
  label?: Label;
  span: Span;
}

export type Stmt =
  | LetStmt
  | InputStmt
  | CallStmt
  | GroupStmt
  | RepeatStmt
  | ForStmt
  | IfStmt
  | ResidualStmt
  | CombineStmt
  | FromStmt
  | HeadStmt;

export interface LetStmt extends StmtBase {
  kind: "let";
  name: string;
  value: Expr;
}

export interface InputStmt extends StmtBase {
  kind: "input";
  shape: Expr;
  name?: string;
}

/** A layer (`conv 64, 3x3, pad = 1`) or a block call (`bottleneck(64, stride = 2)`). */
export interface CallStmt extends StmtBase {
  kind: "call";
  callee: string;
  calleeSpan: Span;
  args: Arg[];
  parens: boolean;
}

export interface GroupStmt extends StmtBase {
  kind: "group";
  body: Stmt[];
  bodySpan: Span;
}

export interface RepeatStmt extends StmtBase {
  kind: "repeat";
  count: Expr;
  index?: string;
  body: Stmt[];
  bodySpan: Span;
}

export interface ForStmt extends StmtBase {
  kind: "for";
  variable: string;
  iterable: Expr;
  body: Stmt[];
  bodySpan: Span;
}

export interface IfStmt extends StmtBase {
  kind: "if";
  cond: Expr;
  then: Stmt[];
  thenSpan: Span;
  else?: Stmt[];
  elseSpan?: Span; // the else body, or the `if` of an `else if`
}

export interface ResidualStmt extends StmtBase {
  kind: "residual";
  when?: Expr;
  body: Stmt[];
  bodySpan: Span;
  shortcut?: Shortcut;
}

export interface Shortcut {
  label?: Label;
  when?: Expr;
  body: Stmt[];
  bodySpan: Span;
  span: Span;
}

export interface CombineStmt extends StmtBase {
  kind: "combine";
  op: "concat" | "add" | "mul";
  branches: Stmt[];
  bodySpan: Span;
}

export interface FromStmt extends StmtBase {
  kind: "from";
  source: string;
  sourceSpan: Span;
  body?: Stmt[];
  bodySpan?: Span;
}

export interface HeadStmt extends StmtBase {
  kind: "head";
  name: string;
  when?: Expr;
  body: Stmt[];
  bodySpan: Span;
}

export interface Arg {
  name?: string;
  value: Expr;
  span: Span;
}

export type Expr =
  | { kind: "number"; value: number; text: string; span: Span }
  | { kind: "string"; value: string; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "name"; name: string; span: Span }
  | { kind: "in"; span: Span }
  | { kind: "dims"; parts: Expr[]; span: Span }
  | { kind: "list"; items: Expr[]; span: Span }
  | { kind: "index"; target: Expr; index: Expr; span: Span }
  | { kind: "member"; target: Expr; name: string; span: Span }
  | { kind: "call"; callee: Expr; args: Arg[]; span: Span }
  | { kind: "unary"; op: "-" | "not"; operand: Expr; span: Span }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: "cond"; cond: Expr; then: Expr; else: Expr; span: Span }
  /** `[element for variable in iterable if cond]`, Python's list comprehension. */
  | { kind: "comprehension"; element: Expr; variable: string; iterable: Expr; cond?: Expr; span: Span };

export type BinaryOp = "+" | "-" | "*" | "/" | "//" | "%" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or";
