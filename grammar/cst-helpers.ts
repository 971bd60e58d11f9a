// Reading Chevrotain's CST nodes: a child sub-node or token by name, the one child of an
// alternative, and string literals' values.
import type { CstElement, CstNode, IToken } from "./chevrotain.js";
import { decodeString } from "./strings.js";

type Children = Record<string, CstElement[] | undefined>;

export function maybeSub(n: CstNode, name: string): CstNode | undefined {
  return n.children[name]?.[0] as CstNode | undefined;
}
export function sub(n: CstNode, name: string): CstNode {
  const s = maybeSub(n, name);
  if (!s) throw new Error(`CST node ${n.name} has no ${name}`);
  return s;
}
export function subs(n: CstNode, name: string): CstNode[] {
  return (n.children[name] ?? []) as CstNode[];
}
export function maybeTok(n: CstNode, name: string): IToken | undefined {
  return n.children[name]?.[0] as IToken | undefined;
}
export function tok(n: CstNode, name: string): IToken {
  const t = maybeTok(n, name);
  if (!t) throw new Error(`CST node ${n.name} has no token ${name}`);
  return t;
}
/** The one child of a node made of alternatives (a token or a sub-node). */
export function only(n: CstNode): CstElement {
  const [first] = Object.values(n.children as Children).filter((l): l is CstElement[] => !!l && l.length > 0);
  return first[0];
}
export function unquote(s: string): string {
  return decodeString(s); // validated with located errors before parsing (grammar/strings.ts)
}
