// One syntax error per real mistake. Chevrotain's own recovery resynchronises at token
// level and can report the same mistake several times over (a keyword used as a label
// gave one error per following line). Instead: parse, keep the first error, drop the
// statement that holds it (to its line break or `;`, brackets balanced), parse again;
// each mistake is reported once, and the ones after it are still found.
import type { IRecognitionException, IToken } from "./chevrotain.js";
import { parseTokens, parser } from "./parser.js";

const OPEN: readonly string[] = ["LBrace", "LParen", "LBracket"];
const CLOSE: readonly string[] = ["RBrace", "RParen", "RBracket"];
const END: readonly string[] = ["Newline", "Semicolon"];
const MAX_ERRORS = 20;

export interface Recovered {
  cst: ReturnType<typeof parseTokens>;
  errors: { error: IRecognitionException; previous?: IToken }[];
}

export function parseRecovering(tokens: IToken[]): Recovered {
  const errors: Recovered["errors"] = [];
  let ts = tokens;
  for (;;) {
    const cst = parseTokens(ts);
    const first = parser.errors[0];
    if (!first) return { cst, errors };
    const i = ts.findIndex((t) => t === first.token || (t.startOffset === first.token.startOffset && t.tokenType === first.token.tokenType));
    // An error at the end of the file after another one is that one's consequence (an
    // unclosed bracket); so is anything once the limit is reached.
    if (i < 0 || (errors.length > 0 && ts[i].tokenType.name === "EOF") || errors.length === MAX_ERRORS) {
      if (errors.length === 0) errors.push({ error: first, previous: ts[i - 1] });
      return { cst, errors };
    }
    // The same token again: the statement removed before it was not the culprit, the
    // token itself is (a stray closing bracket); it goes too, and is reported once.
    const again = errors.length > 0 && errors[errors.length - 1].error.token.startOffset === first.token.startOffset;
    if (!again) errors.push({ error: first, previous: ts[i - 1] });
    let [from, to] = statementAround(ts, i);
    if (again) to = Math.max(to, i + 1);
    if (to <= from) return { cst, errors };
    ts = [...ts.slice(0, from), ...ts.slice(to)];
  }
}

/** The token range [from, to) of the statement holding token i, brackets balanced within it. */
function statementAround(ts: IToken[], i: number): [number, number] {
  let from = i;
  for (let depth = 0; from > 0; from--) {
    const name = ts[from - 1].tokenType.name;
    if (CLOSE.includes(name)) depth++;
    else if (OPEN.includes(name)) {
      if (depth === 0) break;
      depth--;
    } else if (END.includes(name) && depth === 0) break;
  }
  let to = i;
  for (let depth = 0; to < ts.length; to++) {
    const name = ts[to].tokenType.name;
    if (name === "EOF") break;
    if (OPEN.includes(name)) depth++;
    else if (CLOSE.includes(name)) {
      if (depth === 0) break;
      depth--;
    } else if (END.includes(name) && depth === 0) {
      if (to > from) break;
    }
  }
  // A stray closing bracket at the error: drop it too, or nothing would change.
  if (to === from && to < ts.length && CLOSE.includes(ts[to].tokenType.name)) to++;
  return [from, to];
}
