// What a loop iterates over: a `for`'s list, or a `repeat`'s indices 0 … n−1, checked.
import type * as A from "../syntax/ast.js";
import { Codes, type Diagnostic } from "../syntax/diagnostics.js";
import { EvalError } from "./evaluate.js";
import { LIMITS, placeKey } from "./graph-builder.js";
import { isUnknown, show, typeName, type Value } from "./values.js";

/** The items, or undefined when the count or list is unknown (after an upstream error). */
export function loopItems(s: A.ForStmt | A.RepeatStmt, v: Value): Value[] | undefined {
  if (isUnknown(v)) return undefined;
  if (s.kind === "for") {
    if (!Array.isArray(v)) throw new EvalError(`for needs a list, got ${typeName(v)}`, s.iterable.span, Codes.type);
    return v;
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
    throw new EvalError(`repeat needs a count of 0 or more, got ${show(v)}`, s.count.span, Codes.badArgument);
  if (v > LIMITS.repeat) throw new EvalError(`repeat ${v} is more than the limit of ${LIMITS.repeat}`, s.count.span, Codes.limit);
  return Array.from({ length: v }, (_, i) => i);
}

/** The loop variable bound to one item, if the loop names one. */
export function loopVariable(s: A.ForStmt | A.RepeatStmt): string | undefined {
  return s.kind === "for" ? s.variable : s.index;
}

/**
 * An error inside a loop is reported once, with the iteration that failed: of the
 * diagnostics an iteration added (from `before` on), those reported at the same place by
 * an earlier iteration are dropped, and the others say which iteration it was.
 */
export function onceAcrossIterations(diagnostics: Diagnostic[], before: number, seen: Set<string>, iteration: string) {
  const added = diagnostics.splice(before);
  for (const d of added) {
    const key = placeKey(d.code, d.labels.find((l) => l.primary)?.span);
    if (seen.has(key)) continue;
    seen.add(key);
    if (d.severity === "error") d.notes.push(iteration);
    diagnostics.push(d);
  }
}
