// netc draw NET: the network as a picture (SVG, PNG or Graphviz DOT); the drawing is tools/draw.
import { parseArgs } from "node:util";
import { extname } from "node:path";
import { compileNet, EXIT, UsageError, writeFileAtomically, type Out } from "./io.js";

export const drawHelp = `usage: netc draw NET [--depth N] [--format svg|dot|png] [-o FILE] [--network NAME] [--input CxHxW] [--set key=value]...

NET is a .net file or the name of a bundled network (see \`netc list\`).
Draws the network: one box per layer, or per block folded below --depth, with its
name, type, output shape and parameters, coloured by kind of layer; blocks above
--depth as clusters around their layers; every edge labelled with its tensor's shape.
Laid out by Graphviz (compiled to WebAssembly, nothing to install).

options:
  --depth N        how many levels of blocks to open (default 3, as in \`netc summary\`)
  --format FMT     svg, png or dot (default: from -o's extension, else svg)
  -o, --output F   write to file F (default: standard output; png needs -o)
  --network NAME   the network to draw (default: the file's last one)
  --input SHAPE    replace the first input's shape: 3x512x512, or 3xHxW for symbolic sizes
  --set KEY=VALUE  set a network argument; VALUE is a .net expression (--set classes=10)
  -h, --help       show this help`;

const FORMATS = ["svg", "png", "dot"] as const;
type Format = (typeof FORMATS)[number];

/** The flags, checked: the one place this command reads argv. */
function drawFlags(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      network: { type: "string" },
      input: { type: "string" },
      set: { type: "string", multiple: true },
      depth: { type: "string" },
      format: { type: "string" },
      output: { type: "string", short: "o" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { help: true as const };
  if (positionals.length !== 1) throw new UsageError("netc draw needs exactly one NET (a file or a library network name)");
  const depth = values.depth === undefined ? undefined : Number(values.depth);
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 1)) throw new UsageError(`--depth must be a whole number of at least 1, got ${values.depth}`);
  const fromExt = values.output ? extname(values.output).slice(1).toLowerCase() : "";
  const format = (values.format ?? ((FORMATS as readonly string[]).includes(fromExt) ? fromExt : "svg")) as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be svg, png or dot, got ${values.format}`);
  if (format === "png" && !values.output) throw new UsageError("--format png needs -o FILE (PNG is not written to a terminal)");
  const set: Record<string, string> = {};
  for (const kv of values.set ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(kv);
    if (!m) throw new UsageError(`--set takes key=value, got ${kv}`);
    set[m[1]] = m[2];
  }
  return { help: false as const, net: positionals[0], network: values.network, input: values.input, set, depth, format, output: values.output };
}

export async function draw(argv: string[], out: Out): Promise<number> {
  const f = drawFlags(argv);
  if (f.help) return out.stdout(drawHelp), EXIT.ok;
  const r = await compileNet(f.net, f.network, out, { set: f.set, input: f.input });
  if ("code" in r) return r.code;
  const { drawDot, layoutSvg, DrawLimitError } = await import("../tools/draw/index.js");
  let dot: string;
  try {
    dot = drawDot(r.graph, { depth: f.depth });
  } catch (e) {
    if (e instanceof DrawLimitError) return out.stderr(`netc draw: ${e.message}`), EXIT.errors;
    throw e;
  }
  let data: string | Uint8Array = dot;
  if (f.format !== "dot") data = await layoutSvg(dot);
  if (f.format === "png") {
    const { svgToPng, MissingFontError } = await import("../tools/draw/png.js");
    try {
      data = await svgToPng(data as string);
    } catch (e) {
      if (e instanceof MissingFontError) return out.stderr(`netc draw: ${e.message}`), EXIT.errors;
      throw e;
    }
  }
  if (f.output) writeFileAtomically(f.output, data);
  else out.stdout(data as string);
  return EXIT.ok;
}
