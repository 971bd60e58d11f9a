// Completion: at the start of a statement, the layers (with the PyTorch module each
// means), the blocks in scope and the keywords; after a layer or block name, its
// argument names with what they mean and PyTorch's name for them.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from "vscode-languageserver";
import { ops, type OpSpec } from "../../compiler/ops.js";
import { torchArgumentNames } from "../../compiler/python-names.js";
import * as tokens from "../../grammar/tokens.js";
import type { Analysis } from "./analysis.js";

/** The language's keywords, read from the lexer (a keyword is a token that gives way to a longer identifier). */
export const keywords = (): string[] =>
  Object.values(tokens)
    .filter((t): t is typeof tokens.Block => typeof t === "object" && t !== null && (t as { LONGER_ALT?: unknown }).LONGER_ALT === tokens.Identifier)
    .map((t) => (t.PATTERN as RegExp).source)
    .sort();

function layerItem(op: OpSpec): CompletionItem {
  const required = op.args.filter((a) => a.default === undefined && !a.defaultFrom);
  return {
    label: op.name,
    kind: CompletionItemKind.Function,
    detail: `${op.doc} (PyTorch ${op.torch})`,
    documentation: { kind: MarkupKind.Markdown, value: argTable(op) },
    insertText: required.length ? `${op.name} ${required.map((a, i) => `\${${i + 1}:${a.name}}`).join(", ")}` : op.name,
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

const argTable = (op: OpSpec) =>
  [`\`${op.name}\`: ${op.doc}, as PyTorch's \`${op.torch}\``, "", ...op.args.map((a) => `- \`${a.name}\`${a.default === undefined && !a.defaultFrom ? "" : " (optional)"}: ${a.doc}${pytorch(a.name, op)}`)].join("\n");

/** PyTorch's keyword for a netc argument, where it is spelt differently. */
function pytorch(name: string, op: OpSpec): string {
  const names = torchArgumentNames(name);
  if (!names.length) return "";
  const pick = names.length > 1 ? (names.find((n) => (/Linear/.test(op.torch) ? n.endsWith("features") : n.endsWith("channels"))) ?? names[0]) : names[0];
  return ` (PyTorch's \`${pick}\`)`;
}

/** What to offer at `offset`: argument names after a callee, else layers, blocks and keywords. */
export function complete(a: Analysis | undefined, text: string, offset: number): CompletionItem[] {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  // the statement being written: after the last `;` or `{` on the line, past an optional label
  const stmt = before.slice(Math.max(before.lastIndexOf(";"), before.lastIndexOf("{")) + 1);
  const call = /^\s*(?:[A-Za-z_][\w-]*\s*:\s*)?([A-Za-z_]\w*)(?:\s+|\s*\()(?!.*=\s*\w*$)/.exec(stmt);
  if (call) {
    const op = ops.get(call[1]);
    if (op)
      return op.args.map((arg) => ({
        label: arg.name,
        kind: CompletionItemKind.Field,
        detail: `${arg.doc}${pytorch(arg.name, op)}`,
        documentation: `${op.name} ${arg.name}: ${arg.doc}${arg.default === undefined ? "" : ` (default ${JSON.stringify(arg.default)})`}`,
        insertText: `${arg.name} = `,
      }));
    const block = a?.check.scope?.visible.get(call[1]);
    if (block && block.decl.kind === "block")
      return block.decl.params.map((p) => ({ label: p.name, kind: CompletionItemKind.Field, detail: `argument of block ${block.decl.name}`, insertText: `${p.name} = ` }));
  }
  const items: CompletionItem[] = [...ops.values()].map(layerItem);
  for (const [name, v] of a?.check.scope?.visible ?? [])
    if (v.decl.kind === "block") items.push({ label: name, kind: CompletionItemKind.Class, detail: `block ${name}(${v.decl.params.map((p) => p.name).join(", ")})` });
  for (const k of keywords()) items.push({ label: k, kind: CompletionItemKind.Keyword });
  return items;
}
