// Checking a whole file (`netc check`): read and parse it with its imports once, resolve
// the names in every block and network, then elaborate and shape-check each network it
// declares with its default arguments, reusing the parsed file.
import { hasErrors, type Diagnostic } from "../syntax/diagnostics.js";
import type { ParserLoader } from "../syntax/parser-api.js";
import type { SourceFile } from "../syntax/source.js";
import { compileNetwork, guarded, loadGrammar } from "./compile.js";
import { Loader } from "./modules.js";
import { resolveNames } from "./resolve.js";

export interface FileCheck {
  file: string;
  /** The networks and variants the file declares, in order. */
  networks: string[];
  /** The file's own diagnostics (reading, parsing, imports, names), then each network's. */
  reports: { network?: string; diagnostics: Diagnostic[] }[];
  sources: ReadonlyMap<string, SourceFile>;
  ok: boolean;
}

export async function checkFile(file: string, opts: { text?: string; parser?: ParserLoader } = {}): Promise<FileCheck> {
  const loader = new Loader(opts.parser ?? loadGrammar);
  const check: FileCheck = { file, networks: [], reports: [], sources: loader.sources, ok: false };
  const own = await guarded(file, loader, async () => {
    const scope = await loader.load(file, opts.text);
    if (scope && !hasErrors(loader.diagnostics)) loader.diagnostics.push(...resolveNames(scope));
    if (!scope || hasErrors(loader.diagnostics)) return { diagnostics: loader.diagnostics, sources: loader.sources };
    check.networks = scope.program.items.filter((i) => i.kind === "network" || i.kind === "variant").map((i) => i.name);
    for (const network of check.networks) {
      const r = await guarded(file, loader, () => compileNetwork(loader, scope, { network }));
      check.reports.push({ network, diagnostics: r.diagnostics });
    }
    return { diagnostics: loader.diagnostics, sources: loader.sources };
  });
  check.reports.unshift({ diagnostics: own.diagnostics });
  check.ok = check.reports.every((r) => !hasErrors(r.diagnostics));
  return check;
}
