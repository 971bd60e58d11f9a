// Files and imports: loads a .net file and the files it imports (relative paths, or
// names of the bundled library), reports cycles and clashing names, and gives each
// file the table of declarations it can see.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCached } from "./parse-cache.js";
import type { BlockDecl, NetworkDecl, Program, VariantDecl } from "../syntax/ast.js";
import { Codes, error, withLabel, type Diagnostic, type Span } from "../syntax/diagnostics.js";
import type { ParseResult, ParserLoader } from "../syntax/parser-api.js";
import { SourceFile } from "../syntax/source.js";

export type Decl = BlockDecl | NetworkDecl | VariantDecl;

export interface Visible {
  decl: Decl;
  scope: ModuleScope;
}

export interface ModuleScope {
  file: string;
  program: Program;
  visible: Map<string, Visible>;
}

/** The bundled network library: `networks/` at the package root. */
export function libraryDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "networks")) && existsSync(join(dir, "package.json"))) return join(dir, "networks");
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), "..", "networks");
}

/** The library file that defines network `name`, found without parsing every file. */
export function findLibraryNetwork(name: string, dir = libraryDir()): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !existsSync(dir)) return undefined;
  const re = new RegExp(`^\\s*network\\s+${name}\\b`, "m");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".net")).sort()) {
    const path = join(dir, f);
    if (re.test(readFileSync(path, "utf8"))) return path;
  }
  return undefined;
}

/** Every network declared in the library, with the file declaring it. */
export function libraryNetworks(dir = libraryDir()): { name: string; file: string }[] {
  if (!existsSync(dir)) return [];
  const out: { name: string; file: string }[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".net")).sort()) {
    const text = readFileSync(join(dir, f), "utf8");
    for (const m of text.matchAll(/^\s*network\s+([A-Za-z_][A-Za-z0-9_]*)/gm)) out.push({ name: m[1], file: join(dir, f) });
  }
  return out;
}

/**
 * Where a long-running client (the language server) gives the loader its own view of
 * the files: the text of unsaved buffers, and parses it keeps in memory. Each function
 * may return undefined to fall back to the disk and the parse cache.
 */
export interface LoaderHost {
  readFile?: (absolutePath: string) => string | undefined;
  parse?: (text: string, file: string) => Promise<ParseResult>;
}

export class Loader {
  readonly sources = new Map<string, SourceFile>();
  readonly diagnostics: Diagnostic[] = [];
  private readonly modules = new Map<string, ModuleScope | null>();
  private readonly loading: string[] = [];

  /** `parser` is loaded only when a file misses the parse cache. */
  constructor(
    readonly parser: ParserLoader,
    private readonly library = libraryDir(),
    private readonly host: LoaderHost = {},
  ) {}

  /** Loads a file (or the given text under that name); undefined if it has errors. */
  async load(path: string, text?: string, importedAt?: Span): Promise<ModuleScope | undefined> {
    const key = resolve(path);
    if (this.modules.has(key)) return this.modules.get(key) ?? undefined;
    text ??= this.host.readFile?.(key);
    if (text === undefined) {
      try {
        text = readFileSync(key, "utf8");
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
        this.diagnostics.push(error(Codes.io, `cannot read ${path}: ${why}`, importedAt));
        this.modules.set(key, null);
        return undefined;
      }
    }
    const source = new SourceFile(path, text);
    this.sources.set(path, source);
    const parsed = (await this.host.parse?.(text, path)) ?? (await parseCached(text, path, this.parser));
    this.diagnostics.push(...parsed.diagnostics);
    if (!parsed.program) {
      this.modules.set(key, null);
      return undefined;
    }
    const scope: ModuleScope = { file: path, program: parsed.program, visible: new Map() };
    this.modules.set(key, scope);
    this.loading.push(key);
    await this.declare(scope, dirname(path));
    this.loading.pop();
    return scope;
  }

  private async declare(scope: ModuleScope, dir: string) {
    for (const item of scope.program.items) {
      if (item.kind === "import") {
        const path = this.resolveImport(item.path, dir);
        if (!path) {
          this.diagnostics.push(error(Codes.io, `cannot find the imported file "${item.path}"`, item.span));
          continue;
        }
        if (this.loading.includes(resolve(path))) {
          this.diagnostics.push(error(Codes.importCycle, `import cycle: "${item.path}" imports this file back`, item.span));
          continue;
        }
        const imported = await this.load(path, undefined, item.span);
        if (!imported) continue;
        for (const [name, v] of imported.visible) {
          if (v.scope !== imported) continue; // imports are not re-exported
          this.define(scope, name, v, item.span);
        }
      } else {
        this.define(scope, item.name, { decl: item, scope }, item.nameSpan);
      }
    }
  }

  private define(scope: ModuleScope, name: string, v: Visible, span: Span) {
    const prior = scope.visible.get(name);
    if (prior && prior.decl !== v.decl) {
      const d = error(Codes.duplicate, `\`${name}\` is declared twice`, span, "declared again here");
      this.diagnostics.push(withLabel(d, prior.decl.nameSpan, "first declared here"));
      return;
    }
    scope.visible.set(name, v);
  }

  /** The file an `import` names, seen from a file in `dir` (undefined: none). */
  resolveImport(spec: string, dir: string): string | undefined {
    const candidates = [spec, `${spec}.net`].map((p) => (isAbsolute(p) ? p : join(dir, p)));
    if (!/^\.{0,2}\//.test(spec)) candidates.push(join(this.library, spec), join(this.library, `${spec}.net`));
    return candidates.find((p) => existsSync(p) && p.endsWith(".net"));
  }
}
