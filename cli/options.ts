// One option parser for every command. A command declares its options once, as a
// table, and its --help, its parsing (commander: did-you-mean for unknown options,
// option-arguments that start with a dash as in `--lr -1`, repeatable options) and its
// section of docs/cli.md (scripts/cli-doc.ts) all come from that table.
//
// Converting an old-style command (its own `parseArgs` and help string) to this:
//   1. write its options as a table of OptionSpec, reusing the shared tables
//      (`networkOptions` for --network/--input/--set, `backendOptions` for
//      --backend/--adapter, `jsonOption`); -h/--help is added to every command;
//   2. `export const fooCommand = defineCommand({ name, args, summary, description,
//      options, run })`, where `run({ values, positionals }, out)` is the old body after
//      its parseArgs call (`values` has the same keys: the long flags, dashes kept);
//   3. register it in cli/netc.ts's `commands` as `foo: fooCommand`, and regenerate
//      docs/cli.md with `npm run docs:cli`.
// A command not yet converted still works: `commands` also takes `{ run(argv, out), help }`.
import { Command, CommanderError } from "commander";
import { EXIT, UsageError, type Out } from "./io.js";

export interface OptionSpec {
  /** The long flag without its dashes: `weight-decay` is `--weight-decay`, values["weight-decay"]. */
  name: string;
  /** The option-argument's name in the help (`--batch N`); none for a switch. */
  value?: string;
  /** A one-letter alias: `o` for `-o`. */
  short?: string;
  /** May be given several times; its values are collected in order. */
  multiple?: boolean;
  /** The description; lines after the first are indented under it. */
  help: string;
}

type Value<O> = O extends { value: string } ? (O extends { multiple: true } ? string[] : string) : boolean;
/** The parsed options of a table: each long flag's value, undefined when not given. */
export type Values<O extends readonly OptionSpec[]> = { [K in O[number] as K["name"]]?: Value<K> };

export interface CommandSpec<O extends readonly OptionSpec[]> {
  name: string;
  /** What follows `netc NAME` in the usage line (several lines allowed), e.g. `NET [options]`. */
  args: string;
  /** One line for `netc --help`'s list of commands. */
  summary: string;
  /** The paragraphs between the usage line and the options. */
  description: string;
  options: O;
  run: (parsed: { values: Values<O>; positionals: string[] }, out: Out) => Promise<number>;
}

/** What cli/netc.ts dispatches to: a declared command or an old-style one. */
export interface CommandEntry {
  run: (argv: string[], out: Out) => Promise<number>;
  help: string;
  /** The usage line(s), shown with a usage error (declared commands). */
  usage?: string;
  summary?: string;
}

const helpOption = { name: "help", short: "h", help: "show this help" } as const satisfies OptionSpec;

/** The shared options of every command that compiles a network. */
export const networkOptions = [
  { name: "network", value: "NAME", help: "the network of the file to use (default: its last)" },
  { name: "input", value: "SHAPE", help: "replace the first input's shape: 3x224x224, 1x3x224x224 (with a batch),\nor 3xHxW for symbolic sizes" },
  { name: "set", value: "KEY=VALUE", multiple: true, help: "set a network argument; VALUE is a .net expression (--set classes=10);\nrepeatable" },
] as const satisfies readonly OptionSpec[];

export const jsonOption = { name: "json", help: "print one JSON object instead of text" } as const satisfies OptionSpec;

const flagText = (o: OptionSpec) => `${o.short ? `-${o.short}, ` : ""}--${o.name}${o.value ? ` ${o.value}` : ""}`;

/** The options part of a help text, descriptions aligned in one column. */
export function optionsHelp(options: readonly OptionSpec[]): string {
  const all = [...options, helpOption];
  const col = Math.min(26, Math.max(...all.map((o) => flagText(o).length)) + 4);
  return all
    .map((o) => {
      const flag = `  ${flagText(o)}`;
      const [first, ...rest] = o.help.split("\n");
      const head = flag.length + 2 > col ? `${flag}\n${" ".repeat(col)}${first}` : flag.padEnd(col) + first;
      return [head, ...rest.map((l) => " ".repeat(col) + l)].join("\n");
    })
    .join("\n");
}

/** `usage: netc NAME ARGS`, later lines of ARGS aligned under the first. */
export function usageLine(name: string, args: string): string {
  const lead = `usage: netc ${name} `;
  return lead + args.split("\n").map((l, i) => (i ? " ".repeat(lead.length) + l.trimStart() : l)).join("\n");
}

export function helpText(spec: CommandSpec<readonly OptionSpec[]>): string {
  return `${usageLine(spec.name, spec.args)}\n\n${spec.description.trim()}\n\noptions:\n${optionsHelp(spec.options)}`;
}

/** Parses argv against the table: the values by long flag name, and the positionals. */
export function parseOptions<O extends readonly OptionSpec[]>(name: string, options: O, argv: string[]): { values: Values<O>; positionals: string[] } {
  const cmd = new Command(`netc ${name}`)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .helpOption(false)
    .allowExcessArguments(true)
    .showSuggestionAfterError(true)
    .argument("[args...]");
  const attr = new Map<string, string>();
  for (const o of [...options, helpOption]) {
    const flags = `${o.short ? `-${o.short}, ` : ""}--${o.name}${"value" in o && o.value ? ` <${o.value.toLowerCase()}>` : ""}`;
    if ("multiple" in o && o.multiple) cmd.option(flags, o.help, (v: string, prev: string[] = []) => [...prev, v]);
    else cmd.option(flags, o.help);
    attr.set(cmd.options[cmd.options.length - 1].attributeName(), o.name);
  }
  try {
    cmd.parse(argv, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    const message = e.message.replace(/^error: /, "").replace(/\n\((Did you mean [^)]*)\)/, (_, s: string) => ` (d${s.slice(1)})`);
    throw new UsageError(message.replace(/ <[a-z=]+>'/, "'").trim());
  }
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cmd.opts())) values[attr.get(k) ?? k] = v;
  return { values: values as Values<O>, positionals: cmd.args };
}

/** A command from its table: parsing, --help and the body. */
export function defineCommand<const O extends readonly OptionSpec[]>(spec: CommandSpec<O>): CommandEntry & { spec: CommandSpec<O> } {
  const help = helpText(spec as unknown as CommandSpec<readonly OptionSpec[]>);
  return {
    spec,
    help,
    usage: usageLine(spec.name, spec.args),
    summary: spec.summary,
    async run(argv, out) {
      const parsed = parseOptions(spec.name, spec.options, argv);
      if ((parsed.values as { help?: boolean }).help) return out.stdout(help), EXIT.ok;
      return spec.run(parsed, out);
    },
  };
}

/** A whole-number flag: undefined when absent, else checked to be an integer of at least `min`. */
export function intFlag(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number of ${min} or more, got ${v}`);
  return n;
}
