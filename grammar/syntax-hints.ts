// What a syntax error most likely means, for the mistakes users make most: a missing
// comma between arguments, a comma that ends a line before the next statement, an
// unclosed `{`, a misspelt keyword.
import type { IToken } from "./chevrotain.js";
import { Codes, error, type Diagnostic } from "../syntax/diagnostics.js";
import { suggest } from "../syntax/suggest.js";

/** `conv 16 3x3`: two values side by side on one line, where a ',' was meant. */
export function missingComma(t: IToken, previous: IToken, text: string): boolean {
  const sameLine = !text.slice(previous.startOffset, t.startOffset).includes("\n");
  return sameLine && previous.tokenType.name !== "Comma" && /^[\w"]/.test(t.image) && /[\w\])"]$/.test(previous.image);
}

/** A ',' that ends a line whose next line is not indented past the statement (tokens.ts). */
export function trailingComma(comma: IToken, file: string): Diagnostic {
  const d = error(Codes.syntax, "trailing ',' at the end of the line", { file, start: comma.startOffset | 0, end: (comma.startOffset + 1) | 0 }, "the next line would become an argument");
  d.notes.push("remove the ','; to go on with the arguments on the next line, indent it past the statement's start");
  return d;
}

/** The statements that open a body with a keyword, for "did you mean". */
const bodyKeywords = ["residual", "shortcut", "repeat", "for", "if", "else", "concat", "add", "mul", "from", "head", "block", "network"];

/** `residul {`: the first word of the line holding the error is one edit from a keyword, and the line opens a body. */
export function keywordHint(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  let lineEnd = text.indexOf("\n", offset);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  const m = /^\s*(?:[A-Za-z_]\w*\s*:\s*)?([A-Za-z_]\w*)\b(.*)$/.exec(line);
  if (!m || !m[2].includes("{") || bodyKeywords.includes(m[1])) return undefined;
  const s = suggest(m[1], bodyKeywords);
  return s && `${s} (\`${m[1]}\` is not a keyword)`;
}

/** The offset of the last '{' that is never closed (comments and strings skipped), if any. */
export function unclosedBrace(text: string): number | undefined {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "#") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== "\n"; i++) if (text[i] === "\\") i++;
    } else if (c === "{") open.push(i);
    else if (c === "}") open.pop();
  }
  return open.length ? open[open.length - 1] : undefined;
}
