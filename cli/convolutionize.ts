// netc convolutionize NET: the network with its linear layers rewritten as convolutions,
// printed (or written) as a formatted .net file; its checkpoint converted alongside.
import { Codes } from "../syntax/diagnostics.js";
import { compileOptionsOf, compileWithFlags, EXIT, report, resolveNet, UsageError, writeFileAtomically } from "./io.js";
import { defineCommand, networkOptions } from "./options.js";
import { checkOutputPath } from "../runtime/io-safety.js";
import { stateDictFaults } from "../compiler/state-dict-check.js";

export const convolutionizeCommand = defineCommand({
  name: "convolutionize",
  args: `NET [--network N] [--input CxHxW] [-o OUT.net] [--fine]
[--weights W.safetensors --weights-out W2.safetensors]`,
  summary: "rewrite linear layers as convolutions (dense prediction)",
  description: `Rewrites NET's classifier as convolutions, so that the network takes inputs of any size
(its input becomes 3xHxW) and outputs a map of class scores, with the same parameters
under the same names. Two kinds of classifier convert:
- a flatten followed by linear layers (alexnet, vgg): the first linear becomes a
  convolution as large as the flattened map, the later ones 1x1 convolutions; each cell
  of the map is the network on one window of the image (OverFeat's dense evaluation);
- a global average pool followed by flatten, dropout and linear layers (resnet,
  densenet, efficientnet...): the linear layers become 1x1 convolutions before the pool,
  which is left out with the flatten; the body is kept as written (the new file imports
  NET's file for its blocks). The map's average over its cells is NET's output.
An adaptive pool that is the identity at the network's input size is removed (and said
so); anything that cannot become convolutional is an error (E0501) saying why.`,
  options: [
    ...networkOptions,
    { name: "output", short: "o", value: "FILE", help: "write the .net file (atomically) instead of printing it" },
    { name: "fine", help: `OverFeat's finer map: the last max pooling at stride 1 and the
classifier's first convolution dilated to match` },
    { name: "weights", value: "FILE", help: "a checkpoint of NET to convert (safetensors or a PyTorch .pth)" },
    { name: "rename", value: "FROM=TO", multiple: true, help: "rename the checkpoint's tensors: FROM a regular expression (repeatable;\n--rename '^conv1=features.0')" },
    { name: "weights-out", value: "FILE", help: "where to write the converted checkpoint" },
  ],
  async run({ values, positionals }, out) {
  if (positionals.length !== 1) throw new UsageError("netc convolutionize needs exactly one NET");
  if (!!values.weights !== !!values["weights-out"]) throw new UsageError("--weights and --weights-out go together");
  if (values.output) checkOutputPath(values.output, "the network");
  if (values["weights-out"]) checkOutputPath(values["weights-out"], "the weights");
  const compiled = await compileWithFlags(positionals[0], values, out);
  if ("code" in compiled) return compiled.code;
  const { convertWeights, convolutionizeChecked } = await import("../compiler/convolutionize.js"); // loads the printer
  const file = values.output ?? `${compiled.graph.network}_fcn.net`;
  const net = resolveNet(positionals[0]);
  const source = { file: net.file, network: values.network ?? net.network, set: compileOptionsOf(values).options.set };
  const result = await convolutionizeChecked(compiled.graph, compiled.counts.params, { fine: values.fine, file, source });
  const code = report(result.diagnostics, new Map([...compiled.sources, ...(result.sources ?? [])]), out);
  if (code !== EXIT.ok || !result.text) return result.diagnostics.some((d) => d.code === Codes.internal) ? EXIT.internal : EXIT.errors;
  for (const n of result.notes) out.stderr(`note: ${n}`);
  // The checkpoint is read, checked against the network and converted before anything is written.
  let converted: Map<string, import("../runtime/state.js").StateTensor> | undefined;
  if (values.weights) {
    const rt = await import("../runtime/index.js");
    try {
      const tensors = await rt.loadWeights(values.weights, { rename: values.rename });
      const faults = stateDictFaults(compiled.graph, tensors);
      if (faults.length) throw new Error(`${values.weights} is not a checkpoint of ${compiled.graph.network}; nothing was written:\n  ${faults.join("\n  ")}`);
      converted = convertWeights(tensors, result.conversion!);
    } catch (e) {
      out.stderr(`netc convolutionize: ${(e as Error).message}`);
      return EXIT.errors;
    }
  }

  if (values.output) writeFileAtomically(values.output, result.text);
  else out.stdout(result.text);

  if (converted) {
    const rt = await import("../runtime/index.js");
    try {
      await rt.saveSafetensorsAtomically(values["weights-out"]!, converted);
      const k = result.conversion!.reshape.size;
      out.stderr(`wrote ${values["weights-out"]} (${k} linear weight${k === 1 ? "" : "s"} reshaped)`);
    } catch (e) {
      out.stderr(`netc convolutionize: ${(e as Error).message}`);
      return EXIT.errors;
    }
  }
  return EXIT.ok;
  },
});
