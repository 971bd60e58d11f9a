// Binding call arguments to parameters, for layers and blocks alike: positional first,
// then by name; every problem located at the argument that caused it.
import type { Arg } from "../syntax/ast.js";
import { Codes, type Span } from "../syntax/diagnostics.js";
import { EvalError, suggest } from "./evaluate.js";
import { pythonArgument } from "./python-names.js";

export interface ParamInfo {
  name: string;
  required: boolean;
  keyword?: boolean; // only by name (Python's parameters after `*`)
}

/** What a callee adds to the error when it is given too many arguments by position. */
export type PositionalHint = (positional: number) => string | undefined;

/** Matches arguments to parameters; returns, for each parameter, the argument given for it. */
export function bindArgs(callee: string, params: ParamInfo[], args: Arg[], callSpan: Span, hint?: PositionalHint): Map<string, Arg> {
  const bound = new Map<string, Arg>();
  const byPosition = params.filter((p) => !p.keyword);
  const count = args.filter((a) => a.name === undefined).length;
  let positional = 0;
  let sawNamed = false;
  for (const a of args) {
    if (a.name === undefined) {
      if (sawNamed) throw new EvalError(`a positional argument cannot follow a named one`, a.span, Codes.badArgument);
      const p = byPosition[positional++];
      if (!p) {
        const n = byPosition.length;
        const rest = params.filter((p) => p.keyword).map((p) => `${p.name} =`);
        const what = rest.length ? `${callee} takes ${n} argument${n === 1 ? "" : "s"} by position, got ${count}` : `${callee} takes ${n} argument${n === 1 ? "" : "s"}, got ${count}`;
        const names = n ? `by position: ${byPosition.map((p) => p.name).join(", ")}` : "nothing by position";
        throw new EvalError(what, a.span, Codes.badArgument,
          hint?.(count) ?? (params.length ? (rest.length ? `${names}; by name: ${rest.join(", ")}` : `parameters: ${params.map((p) => p.name).join(", ")}`) : undefined));
      }
      bound.set(p.name, a);
    } else {
      sawNamed = true;
      if (!params.some((p) => p.name === a.name))
        throw new EvalError(`${callee} has no parameter \`${a.name}\``, a.span, Codes.unknownArgument,
          pythonArgument(a.name, params.map((p) => p.name)) ?? suggest(a.name, params.map((p) => p.name)) ?? `parameters: ${params.map((p) => p.name).join(", ") || "none"}`);
      if (bound.has(a.name)) throw new EvalError(`\`${a.name}\` is given twice`, a.span, Codes.badArgument);
      bound.set(a.name, a);
    }
  }
  const missing = params.filter((p) => p.required && !bound.has(p.name)).map((p) => p.name);
  if (missing.length)
    throw new EvalError(`${callee} is missing ${missing.map((m) => `\`${m}\``).join(", ")}`, callSpan, Codes.missingArgument);
  return bound;
}
