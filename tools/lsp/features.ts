// Hover, go to definition and inlay hints, read from an analysis.
import { dirname } from "node:path";
import { InlayHintKind, MarkupKind, type Hover, type InlayHint, type Location } from "vscode-languageserver";
import { Loader } from "../../compiler/modules.js";
import { ops } from "../../compiler/ops.js";
import { formatDim } from "../../compiler/symbolic.js";
import { loadGrammar } from "../../compiler/compile.js";
import { describeUses, formatCount, type Use } from "../shapes-by-line.js";
import { linesOf, statementUnder, type Analysis } from "./analysis.js";
import { rangeOf, uriOf } from "./convert.js";

const macsText = (m: Use["macs"]) => (typeof m === "number" ? formatCount(m) : formatDim(m));
const MAX_USES = 8;

/** The word (a name) around `offset`, with its span. */
export function wordAt(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  let start = offset;
  let end = offset;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end])) end++;
  const word = text.slice(start, end);
  return /^[A-Za-z_]/.test(word) ? { word, start, end } : undefined;
}

/** The shape, parameters and MACs of the layer or block under the cursor, in each use. */
export function hover(a: Analysis, offset: number): Hover | null {
  const found = statementUnder(a, offset);
  const word = wordAt(a.source.text, offset);
  // the layer's meaning: of the name under the cursor, else of the statement's layer
  const op = (word && ops.get(word.word)) ?? (found && ops.get(found.statement.uses[0].type));
  const lines: string[] = [];
  if (found) {
    const { network, statement } = found;
    const uses = statement.uses;
    const first = uses[0];
    const label = uses.length > 1 ? first.name.slice(first.name.lastIndexOf(".") + 1) : first.name;
    const title = first.name ? `\`${label}\`` : `network \`${network.name}\``;
    lines.push(`**${title}** · ${first.type} → \`${describeUses(uses, false).shape}\``);
    if (uses.length === 1) lines.push("", `params ${formatCount(first.params)} · MACs ${macsText(first.macs)}`);
    else {
      lines.push("", `${uses.length} uses in \`${network.name}\`:`, "", "| module | output | params | MACs |", "|---|---|---:|---:|");
      for (const u of uses.slice(0, MAX_USES)) lines.push(`| \`${u.name}\` | \`${u.shape}\` | ${formatCount(u.params)} | ${macsText(u.macs)} |`);
      if (uses.length > MAX_USES) lines.push(`| … ${uses.length - MAX_USES} more | | | |`);
    }
    if (uses.length === 1 && first.name) lines.push("", `_in network \`${network.name}\`_`);
  }
  if (op) lines.push(...(lines.length ? ["", "---", ""] : []), `\`${op.name}\`: ${op.doc} (PyTorch \`${op.torch}\`)`);
  if (!lines.length) return null;
  return { contents: { kind: MarkupKind.Markdown, value: lines.join("\n") }, range: word ? rangeOf(a.source, word) : undefined };
}

/** Where the block, network or import under the cursor is declared. */
export function definition(a: Analysis, offset: number): Location | null {
  const scope = a.check.scope;
  if (!scope) return null;
  for (const item of scope.program.items) {
    if (item.kind !== "import" || offset < item.span.start || offset > item.span.end) continue;
    const file = new Loader(loadGrammar).resolveImport(item.path, dirname(a.path));
    return file ? { uri: uriOf(file), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : null;
  }
  const word = wordAt(a.source.text, offset);
  const v = word && scope.visible.get(word.word);
  if (!v) return null;
  const source = a.check.sources.get(v.decl.nameSpan.file);
  return source ? { uri: uriOf(source.path), range: rangeOf(source, v.decl.nameSpan) } : null;
}

/** An output shape at the end of each line in the range (0-based, inclusive). */
export function inlayHints(a: Analysis, fromLine: number, toLine: number): InlayHint[] {
  const hints: InlayHint[] = [];
  for (const [line, st] of linesOf(a, fromLine + 1, toLine + 1)) {
    const text = a.source.line(line);
    hints.push({
      position: { line: line - 1, character: text.length },
      label: `→ ${describeUses(st.uses, false).shape}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
    });
  }
  return hints;
}
