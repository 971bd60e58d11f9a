// Parses one expression given outside a file (`--set layers=[2,2,2,2]`, `--input 3xHxW`).
import type { Expr } from "../syntax/ast.js";
import type { Diagnostic } from "../syntax/diagnostics.js";
import type { ParserLoader } from "../syntax/parser-api.js";
import { SourceFile } from "../syntax/source.js";

export async function parseExpression(text: string, name: string, loadParser: ParserLoader): Promise<{ expr?: Expr; diagnostics: Diagnostic[]; source: SourceFile }> {
  const { parseExpressionAt } = await loadParser();
  return { ...parseExpressionAt(text, name, 0), source: new SourceFile(name, text) };
}
