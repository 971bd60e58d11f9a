// Convolutionization (the lecture notes' `convolutionize`, OverFeat's dense evaluation):
// a rewrite of a shaped graph in which a `flatten` followed by `linear` becomes a
// convolution as large as the flattened map, and every later `linear` a 1x1
// convolution; elementwise layers (dropout, activations) carry over. The network then
// gives the same answer at its original size and a map of answers on larger images.
// Parameter names are kept, so a checkpoint converts by reshaping (`convertWeights`).
// What cannot become convolutional is handled deliberately: an adaptive pool that is the
// identity at the given size is removed and reported; anything else is an error.
import { Codes, error, type Diagnostic } from "../syntax/diagnostics.js";
import type { Graph, IRNode } from "./ir.js";
import { ops } from "./ops.js";
import type { Pair } from "./op-args.js";

export interface Conversion {
  /** Linear weights to reshape: name -> the convolution weight's PyTorch shape. */
  reshape: Map<string, number[]>;
  /** Nodes left out, and why. */
  removed: { name: string; reason: string }[];
}

export interface Convolutionized {
  text?: string; // the .net source of the rewritten network (not yet formatted)
  conversion?: Conversion;
  diagnostics: Diagnostic[];
  notes: string[];
}

const ELEMENTWISE = new Set(["relu", "relu6", "leakyrelu", "elu", "sigmoid", "tanh", "silu", "hardswish", "hardsigmoid", "gelu", "identity", "dropout"]);

export interface ConvolutionizeOptions {
  name?: string;
  /**
   * OverFeat's finer map: the last max pooling before the classifier at stride 1, and
   * the classifier's first convolution dilated by the stride it had, so that the map
   * has a cell for every shift of that pooling (twice as dense for AlexNet and VGG).
   */
  fine?: boolean;
}

/** Rewrites a chain-shaped graph (each layer feeding the next) into a fully convolutional network. */
export function convolutionize(g: Graph, opts: ConvolutionizeOptions = {}): Convolutionized {
  const name = opts.name ?? `${g.network}_fcn`;
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  const conversion: Conversion = { reshape: new Map(), removed: [] };
  const chain = g.nodes.filter((n) => n.op !== "input");
  const branchy = g.inputs.length !== 1 || chain.some((n, i) => n.inputs.length !== 1 || n.inputs[0] !== (i === 0 ? g.inputs[0].node : chain[i - 1].id));
  if (branchy || g.outputs.length !== 1) {
    diagnostics.push(error(Codes.usage, `${g.network} is not a chain of layers (it branches or merges); convolutionize handles sequential classifiers such as alexnet and vgg`, g.root.span));
    return { diagnostics, notes };
  }
  const kept: { node: IRNode; as?: string }[] = [];
  let linearSeen = false;
  let flattened: number[] | undefined; // the map a flatten turned into a vector, until a linear reads it
  const fail = (n: IRNode, message: string) => {
    diagnostics.push(error(Codes.usage, `${n.op} (${n.name}): ${message}`, n.span));
    return { diagnostics, notes };
  };
  for (const n of chain) {
    const inShape = g.nodes[n.inputs[0]].shape as number[];
    if (n.op === "adaptiveavgpool" || n.op === "adaptivemaxpool") {
      const [oh, ow] = n.attrs.size as Pair;
      if (linearSeen || inShape[1] !== oh || inShape[2] !== ow)
        return fail(n, `fixes the output size to ${oh}x${ow} and is not the identity on its input ${inShape.join("x")}; a fully convolutional network cannot keep it`);
      const reason = `the identity at this input size (${inShape.join("x")}); kept, it would fix every larger input to ${oh}x${ow}`;
      conversion.removed.push({ name: n.name, reason });
      notes.push(`removed ${n.op} ${oh}x${ow} (${n.name}): ${reason.replace("; kept, it", ": kept, it")}`);
      continue;
    }
    if (n.op === "flatten") {
      if (inShape.length !== 3) return fail(n, `flattens ${inShape.join("x")}, not an image`);
      flattened = inShape;
      continue; // the convolution that replaces the next linear reads the map itself
    }
    if (n.op === "linear") {
      if (!flattened && !linearSeen) return fail(n, `reads ${inShape.join("x")}, which no flatten produced`);
      const map = flattened ?? [inShape[0], 1, 1];
      flattened = undefined;
      linearSeen = true;
      const out = n.attrs.out as number;
      conversion.reshape.set(`${n.name}.weight`, [out, map[0], map[1], map[2]]);
      kept.push({ node: n, as: `conv ${out}, ${map[1]}x${map[2]}${n.attrs.bias ? "" : ", bias = false"}` });
      continue;
    }
    if ((linearSeen || flattened) && !ELEMENTWISE.has(n.op)) return fail(n, "cannot be carried over into the convolutional classifier");
    if (n.op === "reshape") return fail(n, "a reshape fixes the layout and cannot be made convolutional");
    kept.push({ node: n });
  }
  if (flattened) {
    diagnostics.push(error(Codes.usage, "the network ends with a flatten that no linear layer reads", g.root.span));
    return { diagnostics, notes };
  }
  if (opts.fine) {
    const first = kept.findIndex((k) => k.as !== undefined);
    const pool = kept.slice(0, first).reverse().find((k) => k.node.op === "maxpool");
    if (first < 0 || !pool) {
      diagnostics.push(error(Codes.usage, "--fine needs a max pooling before the classifier", g.root.span));
      return { diagnostics, notes };
    }
    const [sh, sw] = pool.node.attrs.stride as Pair;
    pool.node = { ...pool.node, attrs: { ...pool.node.attrs, stride: [1, 1] } };
    kept[first].as += `, dilation = ${sh === sw ? sh : `${sh}x${sw}`}`;
    notes.push(`${pool.node.name}: stride 1 instead of ${sh}, and ${kept[first].node.name} dilated by ${sh}: a map ${sh} times as dense`);
  }
  if (!linearSeen) notes.push(`${g.network} has no linear layer: it is fully convolutional already`);
  const input = g.nodes[g.inputs[0].node].shape as number[];
  return { text: emit(name, g.network, input[0], kept), conversion, diagnostics, notes };
}

/** The rewritten chain as .net text: labelled groups following the original names. */
function emit(name: string, original: string, channels: number, kept: { node: IRNode; as?: string }[]): string {
  const lines = [
    `# ${original}, convolutionized by netc: each linear layer became a convolution, so the network`,
    `# takes any input size and gives a map of outputs. Parameter names are ${original}'s.`,
    `network ${name} {`,
    `  input ${channels}xHxW`,
  ];
  let open: string[] = [];
  for (const { node, as } of kept) {
    const path = node.name.split(".");
    const label = path.pop()!;
    let common = 0;
    while (common < open.length && common < path.length && open[common] === path[common]) common++;
    for (let k = open.length; k > common; k--) lines.push(`${"  ".repeat(k)}}`);
    open = open.slice(0, common);
    for (const p of path.slice(common)) {
      lines.push(`${"  ".repeat(open.length + 1)}${labelText(p)}: {`);
      open.push(p);
    }
    lines.push(`${"  ".repeat(open.length + 1)}${labelText(label)}: ${as ?? layerText(node)}`);
  }
  for (let k = open.length; k > 0; k--) lines.push(`${"  ".repeat(k)}}`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

const KEYWORDS = new Set(["block", "network", "let", "input", "import", "repeat", "as", "for", "in", "if", "else", "residual", "shortcut", "when", "concat", "add", "mul", "from", "head", "and", "or", "not", "true", "false"]);
const labelText = (l: string) => (/^[A-Za-z_][A-Za-z0-9_]*$|^[0-9]+$/.test(l) && !KEYWORDS.has(l) ? l : `"${l}"`);

/** A layer as .net text: its arguments that differ from their defaults. */
function layerText(n: IRNode): string {
  const spec = ops.get(n.op)!;
  const args: string[] = [];
  let named = false;
  for (const a of spec.args) {
    const v = n.attrs[a.name];
    const def = a.defaultFrom ? n.attrs[a.defaultFrom] : a.default;
    if (def !== undefined && same(v, def)) {
      named = true; // once one is left out, the rest must be named
      continue;
    }
    const text = valueText(v, a.name === "kernel" || a.name === "size");
    args.push(named || def !== undefined ? `${a.name} = ${text}` : text);
    if (def !== undefined) named = true;
  }
  return args.length ? `${n.op} ${args.join(", ")}` : n.op;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An argument's text: sizes as 3x3 for kernels, a single number for equal strides and pads. */
function valueText(v: unknown, size = false): string {
  if (!size && Array.isArray(v) && v.length === 2 && v[0] === v[1] && typeof v[0] === "number") return String(v[0]);
  if (Array.isArray(v)) return v.every((x) => typeof x === "number" && x >= 0) && v.length > 1 ? v.join("x") : `[${v.map((x) => valueText(x)).join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

/** Reshapes a checkpoint's linear weights into the convolutions' layout (flatten order is C, H, W). */
export function convertWeights<T extends { shape: number[] }>(tensors: Map<string, T>, conversion: Conversion): Map<string, T> {
  const out = new Map<string, T>();
  for (const [name, t] of tensors) {
    const shape = conversion.reshape.get(name);
    if (shape && t.shape.reduce((a, b) => a * b, 1) !== shape.reduce((a, b) => a * b, 1))
      throw new Error(`${name} is ${t.shape.join("x")}, which does not reshape to ${shape.join("x")}`);
    out.set(name, shape ? { ...t, shape } : t);
  }
  return out;
}
