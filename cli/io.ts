// What every command shares: finding the file for NET, printing diagnostics, exit codes.
import { existsSync } from "node:fs";
import { writeFileAtomicallySync } from "../runtime/atomic-write.js";
import { compileFile, type CompileOptions } from "../compiler/compile.js";
import type { Counts } from "../compiler/count.js";
import type { Graph } from "../compiler/ir.js";
import { hasErrors, type Diagnostic } from "../syntax/diagnostics.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";
import type { SourceFile } from "../syntax/source.js";

export const EXIT = { ok: 0, errors: 1, usage: 2, internal: 70 } as const;

export class UsageError extends Error {}

export interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  color: boolean;
}

export const processOut = (): Out => ({
  stdout: (s) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`),
  color: !!process.stderr.isTTY && !process.env.NO_COLOR,
});

/** NET is a path to a .net file, or the name of a network in the bundled library. */
export function resolveNet(net: string): { file: string; network?: string } {
  if (existsSync(net) || /[/\\]|\.net$/.test(net)) return { file: net };
  const file = findLibraryNetwork(net);
  if (!file) throw new UsageError(`no file ${net}, and no network named ${net} in the library (see \`netc list\`)`);
  return { file, network: net };
}

/** Prints diagnostics to stderr; returns the exit code they call for. */
export function report(diags: Diagnostic[], sources: ReadonlyMap<string, SourceFile>, out: Out): number {
  if (diags.length) out.stderr(renderDiagnostics(diags, sources, { color: out.color }) + "\n");
  const errors = diags.filter((d) => d.severity === "error").length;
  if (errors) out.stderr(`${errors} error${errors === 1 ? "" : "s"}`);
  return hasErrors(diags) ? EXIT.errors : EXIT.ok;
}

/**
 * Resolves NET (a file or a library name), compiles the chosen network and prints its
 * diagnostics: the graph, or the exit code to return.
 */
export async function compileNet(
  net: string,
  networkFlag: string | undefined,
  out: Out,
  extra: CompileOptions = {},
): Promise<{ graph: Graph; counts: Counts; sources: ReadonlyMap<string, SourceFile> } | { code: number }> {
  const { file, network } = resolveNet(net);
  const r = await compileFile(file, { ...extra, network: networkFlag ?? network });
  const code = report(r.diagnostics, r.sources, out);
  if (code === EXIT.ok && r.graph && r.counts) return { graph: r.graph, counts: r.counts, sources: r.sources };
  return { code: code === EXIT.ok ? EXIT.errors : code };
}

/** Writes a file so that no reader ever sees it half-written: a temporary file, then a rename. */
export function writeFileAtomically(file: string, data: string | Uint8Array) {
  writeFileAtomicallySync(file, data); // through links, keeping the mode, no temporary file left behind
}
