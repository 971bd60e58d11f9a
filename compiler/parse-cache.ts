// A cache of parsed files, keyed by a hash of their text, like Python's __pycache__.
// Loading Chevrotain and building its parser costs about 50 ms at each start of netc,
// more than summarizing a ResNet-152; a file parsed once before needs neither. The
// grammar is imported only on a miss. Set NETC_NO_CACHE=1 to turn the cache off.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Program } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";

export interface ParseResult {
  program?: Program;
  diagnostics: Diagnostic[];
}

const FORMAT = "netc-ast-1"; // bump when the AST or the grammar changes

function cacheDir(): string | undefined {
  if (process.env.NETC_NO_CACHE) return undefined;
  if (process.env.NETC_CACHE_DIR) return process.env.NETC_CACHE_DIR;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      readFileSync(join(dir, "package.json"));
      return join(dir, "node_modules", ".cache", "netc");
    } catch {
      // keep looking upwards
    }
  }
  return undefined;
}

export async function parseCached(text: string, file: string): Promise<ParseResult> {
  const dir = cacheDir();
  const key = createHash("sha1").update(FORMAT).update("\0").update(file).update("\0").update(text).digest("hex");
  const path = dir && join(dir, `${key}.json`);
  if (path) {
    try {
      return { program: JSON.parse(readFileSync(path, "utf8")) as Program, diagnostics: [] };
    } catch {
      // a miss, or an unreadable entry: parse
    }
  }
  const { parse } = await import("../grammar/index.js");
  const result = parse(text, file);
  if (path && result.program) store(dir!, path, result.program);
  return result;
}

function store(dir: string, path: string, program: Program) {
  let exact = true;
  const json = JSON.stringify(program, (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) exact = false;
    return v;
  });
  if (!exact) return;
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, json);
    renameSync(tmp, path);
  } catch {
    // the cache is an optimisation: a read-only install just parses every time
  }
}
