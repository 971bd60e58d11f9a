// The common statement of a long, written-out file, `conv 64, 3x3, pad = 1`, built
// straight from its tokens: a layer's name, then literal arguments, positional or
// named, separated by commas. It is exactly the AST the parser and the CST visitor give
// (a test compares them on every library file); anything else returns undefined and
// goes through the parser. A million such lines would otherwise spend most of their
// time in Chevrotain's rules and syntax tree.
import type { IToken } from "./chevrotain.js";
import type * as A from "../syntax/ast.js";
import * as T from "./tokens.js";

/** The statement of tokens[from, to), when it is a simple layer call; else undefined. */
export function simpleCall(tokens: IToken[], from: number, to: number, file: string): A.CallStmt | undefined {
  if (to - from < 1) return undefined;
  // `conv1: conv 64, 7x7` and `"layer 3": …`: a label whose text has no {expression}
  let label: A.Label | undefined;
  if (to - from >= 3 && tokens[from + 1].tokenType === T.Colon) {
    label = plainLabel(tokens[from], file);
    if (!label) return undefined;
  }
  const id = tokens[label ? from + 2 : from];
  if (id.tokenType !== T.Identifier) return undefined;
  const args: A.Arg[] = [];
  let i = (label ? from + 2 : from) + 1;
  while (i < to) {
    if (args.length) {
      if (tokens[i].tokenType !== T.Comma) return undefined;
      i++;
    }
    let name: IToken | undefined;
    if (tokens[i]?.tokenType === T.Identifier && tokens[i + 1]?.tokenType === T.Equals && i + 2 < to) {
      name = tokens[i];
      i += 2;
    }
    if (i >= to) return undefined;
    const value = literal(tokens[i], file);
    if (!value) return undefined;
    const start = (name ?? tokens[i]).startOffset | 0;
    args.push({ name: name?.image, value, span: { file, start, end: value.span.end } });
    i++;
  }
  const last = tokens[to - 1];
  return {
    kind: "call",
    callee: id.image,
    calleeSpan: span(id, file),
    args,
    parens: false,
    span: { file, start: tokens[from].startOffset | 0, end: (last.startOffset + last.image.length) | 0 },
    label, // after the span, as the parser's statements have them (the same keys, the same JSON)
  };
}

/** A label as cst-to-ast.ts builds it: a name or number, or a string without `{…}` parts (its text undecoded, as there). */
function plainLabel(t: IToken, file: string): A.Label | undefined {
  const type = t.tokenType;
  if (type === T.Identifier || type === T.Integer) return { name: t.image, span: span(t, file) };
  if (type !== T.StringLiteral) return undefined;
  const raw = t.image.slice(1, -1);
  if (raw.includes("{") || raw.includes("}")) return undefined;
  return { name: raw, span: span(t, file), parts: raw ? [raw] : [] };
}

// Offsets as small integers (`| 0`): Chevrotain's token offsets are stored as doubles, and
// a span made from them would box each number in a heap object of its own.
const span = (t: IToken, file: string) => ({ file, start: t.startOffset | 0, end: (t.startOffset + t.image.length) | 0 });

function literal(t: IToken | undefined, file: string): A.Expr | undefined {
  if (!t) return undefined;
  const type = t.tokenType;
  if (type === T.Integer || type === T.Float) return { kind: "number", value: Number(t.image), text: t.image, span: span(t, file) };
  if (type === T.Identifier) return { kind: "name", name: t.image, span: span(t, file) };
  if (type === T.True || type === T.False) return { kind: "bool", value: type === T.True, span: span(t, file) };
  if (type === T.Dims) {
    const parts: A.Expr[] = [];
    let offset = t.startOffset | 0;
    for (const part of t.image.split("x")) {
      const s = { file, start: offset, end: offset + part.length };
      parts.push(/^[0-9]/.test(part) ? { kind: "number", value: Number(part), text: part, span: s } : { kind: "name", name: part, span: s });
      offset += part.length + 1;
    }
    return { kind: "dims", parts, span: span(t, file) };
  }
  return undefined;
}
