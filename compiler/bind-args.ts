// Binding call arguments to parameters, for layers and blocks alike: positional first,
// then by name; every problem located at the argument that caused it.
import type { Arg } from "../syntax/ast.js";
import { Codes, type Span } from "../syntax/diagnostics.js";
import { EvalError, suggest } from "./evaluate.js";

export interface ParamInfo {
  name: string;
  required: boolean;
}

/** Matches arguments to parameters; returns, for each parameter, the argument given for it. */
export function bindArgs(callee: string, params: ParamInfo[], args: Arg[], callSpan: Span): Map<string, Arg> {
  const bound = new Map<string, Arg>();
  let positional = 0;
  let sawNamed = false;
  for (const a of args) {
    if (a.name === undefined) {
      if (sawNamed) throw new EvalError(`a positional argument cannot follow a named one`, a.span, Codes.badArgument);
      const p = params[positional++];
      if (!p)
        throw new EvalError(`${callee} takes ${params.length} argument${params.length === 1 ? "" : "s"}, got more`, a.span, Codes.badArgument,
          params.length ? `parameters: ${params.map((p) => p.name).join(", ")}` : undefined);
      bound.set(p.name, a);
    } else {
      sawNamed = true;
      if (!params.some((p) => p.name === a.name))
        throw new EvalError(`${callee} has no parameter \`${a.name}\``, a.span, Codes.unknownArgument,
          suggest(a.name, params.map((p) => p.name)) ?? `parameters: ${params.map((p) => p.name).join(", ") || "none"}`);
      if (bound.has(a.name)) throw new EvalError(`\`${a.name}\` is given twice`, a.span, Codes.badArgument);
      bound.set(a.name, a);
    }
  }
  const missing = params.filter((p) => p.required && !bound.has(p.name)).map((p) => p.name);
  if (missing.length)
    throw new EvalError(`${callee} is missing ${missing.map((m) => `\`${m}\``).join(", ")}`, callSpan, Codes.missingArgument);
  return bound;
}
