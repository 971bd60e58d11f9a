// netc draw NET: the network as a picture (SVG, PNG or Graphviz DOT); the drawing is tools/draw.
import { extname } from "node:path";
import { compileWithFlags, EXIT, UsageError, writeFileAtomically } from "./io.js";
import { defineCommand, intFlag, networkOptions } from "./options.js";

const FORMATS = ["svg", "png", "dot"] as const;
type Format = (typeof FORMATS)[number];

export const drawCommand = defineCommand({
  name: "draw",
  args: "NET [--depth N] [--format svg|dot|png] [-o FILE] [--network NAME] [--input SHAPE] [--set KEY=VALUE]...",
  summary: "the network as a picture: SVG, PNG or Graphviz DOT (--depth, -o FILE)",
  description: `NET is a .net file or the name of a bundled network (see \`netc list\`).
Draws the network: one box per layer, or per block folded below --depth, with its
name, type, output shape and parameters, coloured by kind of layer; blocks above
--depth as clusters around their layers; every edge labelled with its tensor's shape.
Laid out by Graphviz (compiled to WebAssembly, nothing to install).`,
  options: [
    ...networkOptions,
    { name: "depth", value: "N", help: "how many levels of blocks to open (default 3, as in `netc summary`)" },
    { name: "format", value: "FMT", help: "svg, png or dot (default: from -o's extension, else svg)" },
    { name: "output", short: "o", value: "FILE", help: "write to FILE (default: standard output; png needs -o)" },
  ],
  async run({ values, positionals }, out) {
    if (positionals.length !== 1) throw new UsageError("netc draw needs exactly one NET (a file or a library network name)");
    const depth = intFlag("depth", values.depth, 1);
    const fromExt = values.output ? extname(values.output).slice(1).toLowerCase() : "";
    const format = (values.format ?? ((FORMATS as readonly string[]).includes(fromExt) ? fromExt : "svg")) as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be svg, png or dot, got ${values.format}`);
    if (format === "png" && !values.output) throw new UsageError("--format png needs -o FILE (PNG is not written to a terminal)");
    const r = await compileWithFlags(positionals[0], values, out);
    if ("code" in r) return r.code;
    const { drawDot, layoutSvg, DrawLimitError } = await import("../tools/draw/index.js");
    let dot: string;
    try {
      dot = drawDot(r.graph, { depth });
    } catch (e) {
      if (e instanceof DrawLimitError) return out.stderr(`netc draw: ${e.message}`), EXIT.errors;
      throw e;
    }
    let data: string | Uint8Array = dot;
    if (format !== "dot") data = await layoutSvg(dot);
    if (format === "png") {
      const { svgToPng, MissingFontError } = await import("../tools/draw/png.js");
      try {
        data = await svgToPng(data as string);
      } catch (e) {
        if (e instanceof MissingFontError) return out.stderr(`netc draw: ${e.message}`), EXIT.errors;
        throw e;
      }
    }
    if (values.output) writeFileAtomically(values.output, data);
    else out.stdout(data as string);
    return EXIT.ok;
  },
});
