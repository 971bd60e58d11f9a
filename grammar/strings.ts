// String literals: netc's own escapes, decoded here (not by JSON.parse, whose errors
// have no location and which refuses characters the lexer lets through).
//
//   \"  \\  \/  \b  \f  \n  \r  \t   the character
//   \uXXXX                          the UTF-16 code unit, four hexadecimal digits
//
// A string may not hold a raw control character (a tab, a carriage return…): write it
// as an escape. Any other character after a backslash is an error, located on the
// escape, so that a Windows path ("dir\net.net") is not silently read as a line break.
// The printer writes strings with JSON.stringify, whose output is always valid here.
import { Codes, error, type Diagnostic } from "../syntax/diagnostics.js";

const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export interface StringFault {
  /** Offsets within the literal's image (its opening quote is 0). */
  start: number;
  end: number;
  message: string;
  label: string;
}

/** The faults of a string literal's image (with its quotes), in order; none when it is valid. */
export function stringFaults(image: string): StringFault[] {
  const faults: StringFault[] = [];
  const last = image.length - 1; // the closing quote
  for (let i = 1; i < last; i++) {
    const c = image.charCodeAt(i);
    if (c < 0x20) {
      const hex = c.toString(16).toUpperCase().padStart(4, "0");
      faults.push({ start: i, end: i + 1, message: `a raw control character (U+${hex}) in a string`, label: `write it as an escape${named[c] ? `: ${named[c]}` : ` (\\u${hex})`}` });
      continue;
    }
    if (image[i] !== "\\") continue;
    const e = image[i + 1];
    if (e !== undefined && e in simple) {
      i++;
      continue;
    }
    if (e === "u") {
      const hex = /^[0-9A-Fa-f]{0,4}/.exec(image.slice(i + 2, Math.min(i + 6, last)))![0];
      if (hex.length === 4) {
        i += 5;
        continue;
      }
      faults.push({ start: i, end: i + 2 + hex.length, message: "a \\u escape needs four hexadecimal digits", label: `like \\u00e9` });
      i += 1 + hex.length;
      continue;
    }
    faults.push({
      start: i,
      end: i + 2,
      message: `unknown escape \\${e ?? ""} in a string`,
      label: "escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX; a backslash is written \\\\",
    });
    i++;
  }
  return faults;
}

const named: Record<number, string> = { 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f", 0x0d: "\\r" };

/** The diagnostics of a string literal token at `offset` of `file`. */
export function stringDiagnostics(image: string, file: string, offset: number): Diagnostic[] {
  return stringFaults(image).map((f) => error(Codes.lex, f.message, { file, start: offset + f.start, end: offset + f.end }, f.label));
}

/** The value of a valid string literal's image (quotes included); faults are left as written. */
export function decodeString(image: string): string {
  let out = "";
  const last = image.length - 1;
  let from = 1;
  for (let i = 1; i < last; i++) {
    if (image[i] !== "\\") continue;
    out += image.slice(from, i);
    const e = image[i + 1];
    if (e in simple) {
      out += simple[e];
      i++;
    } else if (e === "u" && /^[0-9A-Fa-f]{4}$/.test(image.slice(i + 2, i + 6)) && i + 6 <= last) {
      out += String.fromCharCode(Number.parseInt(image.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      out += "\\";
    }
    from = i + 1;
  }
  return out + image.slice(from, Math.max(from, last));
}
