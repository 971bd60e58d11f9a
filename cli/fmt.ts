// netc fmt [--check | --write] FILES...: the canonical layout of .net files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SourceFile } from "../syntax/source.js";
import { EXIT, report, UsageError, writeFileAtomically } from "./io.js";
import { defineCommand, intFlag } from "./options.js";

export const fmtCommand = defineCommand({
  name: "fmt",
  args: "[--check | --write] [--width N] FILE|DIR...",
  summary: "format files canonically (--check, --write)",
  description: `Prints each file in the canonical layout: two-space indentation, one statement per
line, arguments in the order written, long lists broken to fit the width, one blank
line between definitions, every comment kept in its place. A directory stands for
the .net files below it. A file with a syntax error is never changed: its errors are
printed and the exit status is 1.`,
  options: [
    { name: "check", help: "print nothing but the files that are not formatted; exit 1 if any" },
    { name: "write", help: "rewrite the files in place (atomically: a temporary file, then rename)" },
    { name: "width", value: "N", help: "the line width to fit (default 100)" },
  ],
  async run({ values, positionals }, out) {
  if (!positionals.length) throw new UsageError("netc fmt needs at least one file or directory");
  if (values.check && values.write) throw new UsageError("--check and --write exclude each other");
  const printWidth = intFlag("width", values.width, 20);
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
  },
});

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

