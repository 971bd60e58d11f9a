// Checking a whole file (`netc check`): read and parse it with its imports once, resolve
// the names in every block and network, then elaborate and shape-check each network it
// declares with its default arguments, reusing the parsed file.
import { hasErrors, type Diagnostic } from "../syntax/diagnostics.js";
import type { ParserLoader } from "../syntax/parser-api.js";
import type { SourceFile } from "../syntax/source.js";
import { compileNetwork, guarded, loadGrammar } from "./compile.js";
import type { Counts } from "./count.js";
import type { Graph } from "./ir.js";
import { Loader, libraryDir, type LoaderHost, type ModuleScope } from "./modules.js";
import { resolveNames } from "./resolve.js";

export interface FileCheck {
  file: string;
  /** The networks and variants the file declares, in order. */
  networks: string[];
  /** The file's own diagnostics (reading, parsing, imports, names), then each network's. */
  reports: { network?: string; diagnostics: Diagnostic[]; graph?: Graph; counts?: Counts }[];
  /** The file's declarations (absent when it did not load). */
  scope?: ModuleScope;
  sources: ReadonlyMap<string, SourceFile>;
  ok: boolean;
}

export async function checkFile(file: string, opts: { text?: string; parser?: ParserLoader; host?: LoaderHost } = {}): Promise<FileCheck> {
  const loader = new Loader(opts.parser ?? loadGrammar, libraryDir(), opts.host);
  const check: FileCheck = { file, networks: [], reports: [], sources: loader.sources, ok: false };
  const own = await guarded(file, loader, async () => {
    const scope = await loader.load(file, opts.text);
    check.scope = scope;
    if (scope && !hasErrors(loader.diagnostics)) loader.diagnostics.push(...resolveNames(scope));
    if (!scope || hasErrors(loader.diagnostics)) return { diagnostics: loader.diagnostics, sources: loader.sources };
    check.networks = scope.program.items.filter((i) => i.kind === "network" || i.kind === "variant").map((i) => i.name);
    for (const network of check.networks) {
      const r = await guarded(file, loader, () => compileNetwork(loader, scope, { network }));
      check.reports.push({ network, diagnostics: r.diagnostics, graph: r.graph, counts: r.counts });
    }
    return { diagnostics: loader.diagnostics, sources: loader.sources };
  });
  check.reports.unshift({ diagnostics: own.diagnostics });
  check.ok = check.reports.every((r) => !hasErrors(r.diagnostics));
  return check;
}
