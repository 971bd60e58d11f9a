// `netc annotate`: a file's text with each line's output shape (and parameters) in a
// right-hand column, written as a comment so that the result still parses. A line
// inside a block shows what it gives in each use the network makes of the block.
import type { Graph } from "../compiler/ir.js";
import type { SourceFile } from "../syntax/source.js";
import { describeUses, usesByLine, usesByStatement } from "./shapes-by-line.js";

export interface AnnotateOptions {
  params?: boolean; // a parameter column after the shapes
  maxColumn?: number; // the annotation column never starts further right than this (default 72)
}

export function annotate(source: SourceFile, g: Graph, opts: AnnotateOptions = {}): string {
  const byLine = usesByLine(usesByStatement(g, source.path), source);
  const notes = new Map<number, { shape: string; params: string }>();
  for (const [line, st] of byLine) notes.set(line, describeUses(st.uses, !!opts.params));
  const lines: string[] = [];
  for (let i = 1; i <= source.lineCount; i++) lines.push(source.line(i));
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop(); // the final newline
  const maxColumn = opts.maxColumn ?? 72;
  let column = 0;
  let shapeWidth = 0;
  let paramsWidth = 0;
  for (const [line, n] of notes) {
    column = Math.max(column, Math.min(lines[line - 1].trimEnd().length + 2, maxColumn));
    if (n.params) shapeWidth = Math.max(shapeWidth, Math.min(n.shape.length, 40)); // a line with its counts inline needs no column
    paramsWidth = Math.max(paramsWidth, n.params.length);
  }
  return lines
    .map((text, i) => {
      const n = notes.get(i + 1);
      if (!n) return text;
      const code = text.trimEnd();
      const pad = code.length + 2 <= column ? code.padEnd(column) : `${code}  `;
      const params = opts.params && n.params ? `  ${n.params.padStart(paramsWidth)}` : "";
      return `${pad}# ${opts.params ? n.shape.padEnd(shapeWidth) : n.shape}${params}`.trimEnd();
    })
    .join("\n");
}
