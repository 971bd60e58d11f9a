// netc fmt [--check | --write] FILES...: the canonical layout of .net files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SourceFile } from "../syntax/source.js";
import { EXIT, report, UsageError, writeFileAtomically, type Out } from "./io.js";

export const fmtHelp = `usage: netc fmt [--check | --write] [--width N] FILE|DIR...

Prints each file in the canonical layout: two-space indentation, one statement per
line, arguments in the order written, long lists broken to fit the width, one blank
line between definitions, every comment kept in its place. A directory stands for
the .net files below it. A file with a syntax error is never changed: its errors are
printed and the exit status is 1.

options:
  --check      print nothing but the files that are not formatted; exit 1 if any
  --write      rewrite the files in place (atomically: a temporary file, then rename)
  --width N    the line width to fit (default 100)
  -h, --help   show this help`;

export async function fmt(argv: string[], out: Out): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { check: { type: "boolean" }, write: { type: "boolean" }, width: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return out.stdout(fmtHelp), EXIT.ok;
  if (!positionals.length) throw new UsageError("netc fmt needs at least one file or directory");
  if (values.check && values.write) throw new UsageError("--check and --write exclude each other");
  const printWidth = values.width === undefined ? undefined : Number(values.width);
  if (printWidth !== undefined && !(Number.isInteger(printWidth) && printWidth >= 20)) throw new UsageError(`--width must be a whole number of at least 20`);
  const { formatText } = await import("../grammar/format.js");
  let code: number = EXIT.ok;
  const unformatted: string[] = [];
  for (const file of positionals.flatMap(expand)) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      out.stderr(`netc fmt: cannot read ${file}: ${(e as Error).message}`);
      code = EXIT.errors;
      continue;
    }
    const r = formatText(text, file, { printWidth });
    if (!r.formatted) {
      code = Math.max(code, report(r.diagnostics, new Map([[file, new SourceFile(file, text)]]), out));
      continue;
    }
    if (values.check) {
      if (r.formatted !== text) unformatted.push(file);
    } else if (values.write) {
      if (r.formatted !== text) writeFileAtomically(file, r.formatted);
    } else out.stdout(r.formatted);
  }
  if (unformatted.length) {
    out.stderr(`${unformatted.map((f) => `${f}: not formatted`).join("\n")}\n(run netc fmt --write to format)`);
    code = Math.max(code, EXIT.errors);
  }
  return code;
}

/** A directory stands for the .net files below it, in name order. */
function expand(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [path]; // reported when read
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? expand(join(path, e.name)) : e.name.endsWith(".net") ? [join(path, e.name)] : []));
}

