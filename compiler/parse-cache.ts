// A cache of parsed files, keyed by a hash of their text, like Python's __pycache__.
// Loading Chevrotain and building its parser costs about 50 ms at each start of netc,
// more than summarizing a ResNet-152; a file parsed once before needs neither. The
// parser is loaded only on a miss. Set NETC_NO_CACHE=1 to turn the cache off.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Program } from "../syntax/ast.js";
import type { ParseResult, ParserLoader } from "../syntax/parser-api.js";

/** The package root: the nearest folder upwards with a package.json. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      readFileSync(join(dir, "package.json"));
      return dir;
    } catch {
      // keep looking upwards
    }
  }
  return undefined;
}

/**
 * What the cached ASTs depend on: a hash of the grammar and AST sources, written by the
 * build (dist/parse-format.txt), or computed from the sources when running from them.
 */
export function parseFormat(root = packageRoot()): string {
  if (!root) return "unknown";
  try {
    return readFileSync(join(root, "dist", "parse-format.txt"), "utf8").trim();
  } catch {
    return hashSources(root);
  }
}

export function hashSources(root: string): string {
  const h = createHash("sha1");
  const grammar = join(root, "grammar");
  for (const f of readdirSync(grammar).filter((f) => f.endsWith(".ts")).sort()) h.update(readFileSync(join(grammar, f)));
  h.update(readFileSync(join(root, "syntax", "ast.ts")));
  return h.digest("hex");
}

function cacheDir(root: string | undefined): string | undefined {
  if (process.env.NETC_NO_CACHE) return undefined;
  if (process.env.NETC_CACHE_DIR) return process.env.NETC_CACHE_DIR;
  return root && join(root, "node_modules", ".cache", "netc");
}

let format: string | undefined;
/** Larger files are parsed each time (about 100,000 lines). */
export const MAX_CACHED_CHARS = 4 << 20;

export async function parseCached(text: string, file: string, loadParser: ParserLoader): Promise<ParseResult> {
  const root = packageRoot();
  const dir = cacheDir(root);
  format ??= dir ? parseFormat(root) : "";
  // A file of a million layers is not cached (nor hashed): its AST's JSON would be several times its text.
  const cached = dir !== undefined && text.length <= MAX_CACHED_CHARS;
  const key = cached ? createHash("sha1").update(format).update("\0").update(file).update("\0").update(text).digest("hex") : "";
  const path = cached ? join(dir, `${key}.json`) : undefined;
  if (path) {
    try {
      return { program: JSON.parse(readFileSync(path, "utf8")) as Program, diagnostics: [] };
    } catch {
      // a miss, or an unreadable entry: parse
    }
  }
  const result = (await loadParser()).parse(text, file);
  if (path && result.program) store(dir!, path, result.program);
  return result;
}

function store(dir: string, path: string, program: Program) {
  let exact = true;
  try {
    const json = JSON.stringify(program, (_k, v) => {
      if (typeof v === "number" && !Number.isFinite(v)) exact = false;
      return v;
    });
    if (!exact) return;
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, json);
    renameSync(tmp, path);
  } catch {
    // the cache is an optimisation: a read-only install just parses every time
  }
}
