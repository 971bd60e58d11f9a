// netc: the command line. Each command lives in its own file and is thin: it declares
// its options (cli/options.ts), calls the library, prints.
import { readFileSync } from "node:fs";
import { annotateCommand } from "./annotate.js";
import { checkCommand } from "./check.js";
import { dataCommand } from "./data.js";
import { evalCommand } from "./eval.js";
import { drawCommand } from "./draw.js";
import { lspCommand } from "./lsp.js";
import { playgroundCommand } from "./playground.js";
import { fmtCommand } from "./fmt.js";
import { runCommand } from "./run.js";
import { benchCommand } from "./bench.js";
import { trainCommand } from "./train.js";
import { backendsCommand } from "./backends.js";
import { convolutionizeCommand } from "./convolutionize.js";
import { exportCommand } from "./export.js";
import { EXIT, processOut, UsageError, type Out } from "./io.js";
import { listCommand } from "./list.js";
import { isFsError, PathError, pathErrorOf } from "../runtime/io-safety.js";
import { summaryCommand } from "./summary.js";
import type { CommandEntry } from "./options.js";
import { suggest } from "../compiler/evaluate.js";

/** Every command, in the order `netc --help` lists them. An old-style `{ run, help }` fits too. */
export const commands: Record<string, CommandEntry> = {
  check: checkCommand,
  summary: summaryCommand,
  list: listCommand,
  draw: drawCommand,
  fmt: fmtCommand,
  run: runCommand,
  bench: benchCommand,
  train: trainCommand,
  backends: backendsCommand,
  convolutionize: convolutionizeCommand,
  export: exportCommand,
  annotate: annotateCommand,
  lsp: lspCommand,
  playground: playgroundCommand,
  data: dataCommand,
  eval: evalCommand,
};

const ARGS: Record<string, string> = { check: "FILE...", fmt: "FILE...", list: "", backends: "", annotate: "FILE", lsp: "", playground: "", data: "synth" };

export const usage = `netc: a language for convolutional networks, and its compiler

usage: netc <command> [options]

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${`${name} ${ARGS[name] ?? "NET"}`.padEnd(18)} ${c.summary ?? ""}`.trimEnd())
  .join("\n")}

Run \`netc <command> --help\` for a command's options, \`netc --version\` for the version.`;

/** netc's version, from the package.json above this file (the source, the build or the bundle). */
export function version(): string {
  for (const up of ["../package.json", "../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "netc" && pkg.version) return pkg.version;
    } catch {
      // not there: one level up
    }
  }
  return "unknown";
}

export async function main(argv: string[], out: Out = processOut()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") return out.stdout(`netc ${version()}`), EXIT.ok;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    out.stdout(rest[0] && commands[rest[0]] ? commands[rest[0]].help : usage);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    const hint = suggest(name, Object.keys(commands));
    out.stderr(`netc: unknown command '${name}'${hint ? `: ${hint}` : ""}\n\n${usage}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, out);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof UsageError || err.code?.startsWith("ERR_PARSE_ARGS")) {
      out.stderr(`netc ${name}: ${err.message}\n\n${command.usage ?? command.help}\n(\`netc ${name} --help\` lists every option)`);
      return EXIT.usage;
    }
    if (e instanceof PathError || isFsError(e)) {
      out.stderr(`netc ${name}: ${(e instanceof PathError ? e : pathErrorOf(e)).message}`);
      return EXIT.errors;
    }
    const detail = process.env.NETC_DEBUG ? `\n${err.stack}` : " (NETC_DEBUG=1 shows where)";
    out.stderr(`netc ${name}: internal error: ${err.message ?? String(e)}${detail}\nThis is a bug in netc; please report it with the input that caused it.`);
    return EXIT.internal;
  }
}
