// What every command shares: finding the file for NET, printing diagnostics, exit codes.
import { existsSync } from "node:fs";
import { writeFileAtomicallySync } from "../runtime/atomic-write.js";
import { compileFile, type CompileOptions } from "../compiler/compile.js";
import type { Counts } from "../compiler/count.js";
import type { Graph } from "../compiler/ir.js";
import { hasErrors, type Diagnostic } from "../syntax/diagnostics.js";
import { findLibraryNetwork, libraryNetworks } from "../compiler/modules.js";
import { suggest } from "../compiler/evaluate.js";
import { renderDiagnostics } from "../syntax/render-diagnostics.js";
import type { SourceFile } from "../syntax/source.js";

export const EXIT = { ok: 0, errors: 1, usage: 2, internal: 70 } as const;

export class UsageError extends Error {}

export interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  color: boolean;
  /** Resolves once stdout has taken what was written (a pipe's reader may be slower): long output waits here between pieces. */
  drained?: () => Promise<void>;
}

export const processOut = (): Out => ({
  stdout: (s) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`),
  color: !!process.stderr.isTTY && !process.env.NO_COLOR,
  drained: () => drained(process.stdout),
});

/** On a pipe, Node queues what the reader has not taken: a million-row summary queued 0.5 GB and took twice as long. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const e of ["drain", "close", "error"]) stream.off(e, done);
      resolve();
    };
    for (const e of ["drain", "close", "error"]) stream.once(e, done);
  });
}

/** NET is a path to a .net file, or the name of a network in the bundled library. */
export function resolveNet(net: string): { file: string; network?: string } {
  if (existsSync(net) || /[/\\]|\.net$/.test(net)) return { file: net };
  const file = findLibraryNetwork(net);
  if (!file) {
    const hint = suggest(net, libraryNetworks().map((n) => n.name));
    throw new UsageError(`no file ${net}, and no network named ${net} in the library${hint ? `: ${hint}` : ""} (see \`netc list\`)`);
  }
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

/** The flags every compiling command shares (cli/options.ts's networkOptions). */
export interface NetworkFlags {
  network?: string;
  input?: string;
  set?: string[];
}

/**
 * The compile options the shared flags ask for, and the batch size a 4-dimensional
 * --input gives (1x3x224x224: batch 1 of 3x224x224, as PyTorch users write shapes).
 */
export function compileOptionsOf(values: NetworkFlags): { options: CompileOptions; batch?: number } {
  const set = setFlags(values.set);
  let input = values.input;
  let batch: number | undefined;
  const dims = input?.split(/x/i);
  if (input !== undefined && dims && dims.length === 4) {
    batch = Number(dims[0]);
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--input ${input}: the batch dimension, ${dims[0]}, must be a whole number of 1 or more`);
    input = dims.slice(1).join("x");
  }
  return { options: { network: values.network, set, ...(input !== undefined ? { input } : {}) }, batch };
}

/** compileNet for NET and the shared flags (--network, --input, --set), plus other options. */
export function compileWithFlags(net: string, values: NetworkFlags, out: Out, extra: CompileOptions = {}) {
  const { options } = compileOptionsOf(values);
  return compileNet(net, options.network, out, { ...options, ...extra });
}

/** The --set flags as a record, each KEY=VALUE checked. */
export function setFlags(list: readonly string[] | undefined): Record<string, string> {
  const set: Record<string, string> = {};
  for (const kv of list ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(kv);
    if (!m) throw new UsageError(`--set takes KEY=VALUE, got ${kv}`);
    set[m[1]] = m[2];
  }
  return set;
}

/** Writes a file so that no reader ever sees it half-written: a temporary file, then a rename. */
export function writeFileAtomically(file: string, data: string | Uint8Array) {
  writeFileAtomicallySync(file, data); // through links, keeping the mode, no temporary file left behind
}
