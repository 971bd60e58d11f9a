// Name resolution, before elaboration: every layer or block call in every block and
// network of a file names something that exists and is given arguments it accepts,
// whether or not a network uses the block. (Elaboration checks again, with values.)
// A name bound locally (a parameter, a `let`, a loop variable) may hold a block or a
// layer chosen at elaboration; calls through it are left to elaboration.
import * as A from "../syntax/ast.js";
import { Codes, error, withNote, type Diagnostic } from "../syntax/diagnostics.js";
import { bindArgs } from "./bind-args.js";
import { EvalError, suggest } from "./evaluate.js";
import type { ModuleScope } from "./modules.js";
import { ops, paramsOf } from "./ops.js";
import { torchModule } from "./python-names.js";

/** The diagnostics of resolving every block and network declared in `scope`'s file. */
export function resolveNames(scope: ModuleScope): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const item of scope.program.items) {
    if (item.kind !== "block" && item.kind !== "network") continue;
    const locals = new Set(item.params.map((p) => p.name));
    for (const s of statements(item.body)) {
      if (s.kind === "let") locals.add(s.name);
      if (s.kind === "for") locals.add(s.variable);
      if (s.kind === "repeat" && s.index) locals.add(s.index);
    }
    const resolved = new Set<A.CallStmt>(); // texts resolved without a mistake here: a line written the same way is too
    for (const s of statements(item.body)) {
      if (s.kind !== "call" || locals.has(s.callee)) continue;
      const text = (s as { [A.sameText]?: A.CallStmt })[A.sameText] ?? s;
      if (resolved.has(text)) continue;
      const d = resolveCall(s, scope);
      if (d) diagnostics.push(d);
      else resolved.add(text);
    }
  }
  return diagnostics;
}

function resolveCall(s: A.CallStmt, scope: ModuleScope): Diagnostic | undefined {
  const visible = scope.visible.get(s.callee);
  try {
    if (visible?.decl.kind === "block") {
      const params = visible.decl.params.map((p) => ({ name: p.name, required: !p.default }));
      bindArgs(s.callee, params, s.args, s.calleeSpan);
    } else if (visible) {
      return error(Codes.notCallable, `\`${s.callee}\` is a network; only blocks and layers can be used inside a network`, s.calleeSpan);
    } else {
      const op = ops.get(s.callee);
      if (!op) {
        const d = error(Codes.undefinedName, `unknown layer or block \`${s.callee}\``, s.calleeSpan);
        const hint = torchModule(s.callee) ?? suggest(s.callee, [...ops.keys(), ...scope.visible.keys()]);
        return hint ? withNote(d, hint) : d;
      }
      bindArgs(op.name, paramsOf(op), s.args, s.calleeSpan, op.positionalHint);
    }
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    const d = error(e.code, e.message, e.span);
    return e.note ? withNote(d, e.note) : d;
  }
  return undefined;
}

/** Every statement of a body, nested ones included. */
function* statements(body: A.Stmt[]): Generator<A.Stmt> {
  for (const s of body) {
    yield s;
    switch (s.kind) {
      case "group":
      case "repeat":
      case "for":
      case "head":
        yield* statements(s.body);
        break;
      case "if":
        yield* statements(s.then);
        if (s.else) yield* statements(s.else);
        break;
      case "residual":
        yield* statements(s.body);
        if (s.shortcut) yield* statements(s.shortcut.body);
        break;
      case "combine":
        yield* statements(s.branches);
        break;
      case "from":
        if (s.body) yield* statements(s.body);
        break;
    }
  }
}
