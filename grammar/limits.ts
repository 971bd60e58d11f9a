// How much text netc parses. Large files are parsed statement by statement
// (stream.ts), and a line written exactly as an earlier one is a view of that line's
// AST (shared-calls.ts, about 130 bytes a line): a million written-out lines of
// `conv 8, 3x3, pad = 1` (23 MB, 9,000,000 tokens) summarize in under 1.1 GB. Statements
// that are not such views cost about 1.1 KB a line of layers, and more in Chevrotain's
// tokens and syntax tree while they are parsed. Two limits follow, each refused with
// the figure rather than run out of memory: the file's tokens, counted before lexing,
// and the tokens outside shared lines, counted as the stream reads. A network that
// long is better written with `repeat` or a `for` loop, which elaborate a million layers
// from a few lines.
import { Codes, error, type Diagnostic } from "../syntax/diagnostics.js";

/** The most tokens a file may have: about 1,100,000 written-out lines of `conv 8, 3x3, pad = 1`. */
export const MAX_TOKENS = 10_000_000;

/**
 * The most tokens outside lines that repeat an earlier line word for word (about 440,000
 * lines of layers that all differ, which check within 1.5 GB).
 */
export const MAX_UNSHARED_TOKENS = 4_000_000;

/** Files of more tokens are parsed statement by statement (grammar/stream.ts), in less memory. */
export const STREAM_ABOVE = 200_000;

/**
 * An upper estimate of the number of tokens of `text`, counted in one pass without
 * allocating: runs of name and number characters, other visible characters and line
 * breaks; comments and string literals count as one.
 */
export function estimateTokens(text: string, stopAfter = Infinity): number {
  let n = 0;
  let i = 0;
  const len = text.length;
  while (i < len && n <= stopAfter) {
    const c = text.charCodeAt(i);
    if (c === 0x23) {
      // # comment: to the end of the line
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? len : nl;
      n++;
    } else if (c === 0x22) {
      // "string": to the closing quote or the end of the line
      i++;
      while (i < len) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else if (d === 0x22 || d === 0x0a) break;
        else i++;
      }
      i++;
      n++;
    } else if (isWord(c)) {
      while (i < len && isWord(text.charCodeAt(i))) i++;
      n++;
    } else {
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) n++;
      i++;
    }
  }
  return n;
}

const isWord = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e;

/** The limit's diagnostic when `text` is too large to parse, else undefined. */
export function tooLarge(text: string, file: string, max = MAX_TOKENS): Diagnostic | undefined {
  const n = estimateTokens(text, max);
  if (n <= max) return undefined;
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  const mb = (text.length / 2 ** 20).toFixed(1);
  const d = error(Codes.limit, `${file} is too large to parse: ${mb} MB, ${lines.toLocaleString("en-US")} lines, more than ${max.toLocaleString("en-US")} tokens`, { file, start: 0, end: 0 });
  d.notes.push("write long runs of layers with `repeat N { ... }` or `for i in range(N) { ... }`: they elaborate up to a million layers from a few lines");
  return d;
}

/** The diagnostic of a file with more than `max` tokens outside shared lines, at `offset`, where reading stopped. */
export function unsharedLimit(file: string, offset: number, max = MAX_UNSHARED_TOKENS): Diagnostic {
  const d = error(Codes.limit, `${file} is too large to parse: more than ${max.toLocaleString("en-US")} tokens in lines that do not repeat an earlier line`, { file, start: offset, end: offset }, "reading stopped here");
  d.notes.push("a layer written exactly as an earlier line costs a tenth as much; write long runs of layers with `repeat N { ... }` or `for i in range(N) { ... }`");
  return d;
}
