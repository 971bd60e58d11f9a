// netc: the command line. Each command lives in its own file and is thin: it parses
// flags, calls the compiler, prints.
import { check, checkHelp } from "./check.js";
import { fmt, fmtHelp } from "./fmt.js";
import { run, runHelp } from "./run.js";
import { bench, benchHelp } from "./bench.js";
import { train, trainHelp } from "./train.js";
import { backends, backendsHelp } from "./backends.js";
import { convolutionizeCommand, convolutionizeHelp } from "./convolutionize.js";
import { exportCommand, exportHelp } from "./export.js";
import { EXIT, processOut, UsageError, type Out } from "./io.js";
import { list, listHelp } from "./list.js";
import { isFsError, PathError, pathErrorOf } from "../runtime/io-safety.js";
import { summary, summaryHelp } from "./summary.js";
import { data, dataHelp } from "./data.js";
import { evalCommand, evalHelp } from "./eval.js";

export const commands: Record<string, { run: (argv: string[], out: Out) => Promise<number>; help: string }> = {
  check: { run: check, help: checkHelp },
  summary: { run: summary, help: summaryHelp },
  list: { run: list, help: listHelp },
  fmt: { run: fmt, help: fmtHelp },
  run: { run, help: runHelp },
  bench: { run: bench, help: benchHelp },
  train: { run: train, help: trainHelp },
  backends: { run: backends, help: backendsHelp },
  convolutionize: { run: convolutionizeCommand, help: convolutionizeHelp },
  export: { run: exportCommand, help: exportHelp },
  eval: { run: evalCommand, help: evalHelp },
  data: { run: data, help: dataHelp },
};

export const usage = `netc: a language for convolutional networks, and its compiler

usage: netc <command> [options]

commands:
  check FILE...     check files: syntax, names, shapes (exit 1 on errors)
  summary NET       layer table with shapes, parameters and MACs (--json for JSON)
  list              the bundled networks
  fmt FILE...       format files canonically (--check, --write)
  run NET           run a network on an image or .npy array, with safetensors weights
  bench NET         inference throughput (--batch, --backend, --profile, --json)
  train NET         train on mnist or a folder of class folders, with checkpoints
  backends          where networks can run here: GPU adapters, CPU backends
  convolutionize NET  rewrite linear layers as convolutions (dense prediction)
  export NET        write the network and its weights as an ONNX model (--format onnx -o FILE)
  eval NET          score trained weights on a data set: accuracy, mAP@0.5 or mean IoU
  data synth        write a synthetic data set of shapes (detection, segmentation, classification)

Run \`netc <command> --help\` for a command's options.`;

export async function main(argv: string[], out: Out = processOut()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    out.stdout(rest[0] && commands[rest[0]] ? commands[rest[0]].help : usage);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    out.stderr(`netc: unknown command '${name}'\n\n${usage}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, out);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof UsageError || err.code?.startsWith("ERR_PARSE_ARGS")) {
      out.stderr(`netc ${name}: ${err.message}\n\n${command.help}`);
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
