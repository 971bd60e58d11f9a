// The library networks added for issue 14 (EfficientNet-B1 … B7 and V2, ConvNeXt,
// MobileNetV3, ShuffleNetV2, RegNet, MnasNet, DeepLabV3, U-Net, SSDlite), exact to
// torchvision: parameter count, MACs (Conv2d, ConvTranspose2d and Linear, measured by
// PyTorch's forward hooks), output shapes (and names, for a dict of outputs) and the
// state_dict, names, shapes, kinds and order. The expected figures are
// test/fixtures/torchvision-networks.json (scripts/gen-torch-networks.py, torchvision 0.14).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { summaryJson } from "../compiler/summary.js";

type Entry = [name: string, shape: number[], kind: "parameter" | "buffer" | "counter"];
interface Model { model: string; input: number[]; outputs: [name: string | null, shape: number[]][]; params: number; macs: number; tensors: Entry[] }
const { models } = JSON.parse(readFileSync(new URL("./fixtures/torchvision-networks.json", import.meta.url), "utf8")) as { models: Model[] };

const key = ([name, shape, kind]: Entry) => `${name} [${shape.join(", ")}] ${kind}`;

/** Models whose state_dict order differs, and why (loading is by name: order does not matter to a checkpoint). */
const otherOrder: Record<string, string> = {
  convnext_tiny: "PyTorch lists a module's own parameters (layer_scale) before its submodules'; netc lists tensors in execution order",
};
otherOrder.convnext_small = otherOrder.convnext_base = otherOrder.convnext_tiny;
for (const v of ["x_400mf", "x_800mf", "x_1_6gf", "y_400mf", "y_800mf", "y_1_6gf"]) {
  otherOrder[`regnet_${v}`] = "torchvision's ResBottleneckBlock defines its shortcut (proj) before its body (f); netc lists the body first, as it runs";
}

describe("torchvision networks of issue 14", () => {
  it("every fixture model is in the library", () => {
    expect(models.filter((m) => !findLibraryNetwork(m.model)).map((m) => m.model)).toEqual([]);
  });

  for (const m of models) {
    const file = findLibraryNetwork(m.model);
    it.skipIf(!file)(`${m.model}: ${m.params.toLocaleString("en")} parameters, ${m.macs.toLocaleString("en")} MACs, torchvision's state_dict`, async () => {
      const r = await compileFile(file!, { network: m.model });
      expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
      expect(r.graph!.nodes[r.graph!.inputs[0].node].shape).toEqual(m.input);
      expect(r.counts!.params).toBe(m.params);
      expect(r.counts!.macs).toBe(m.macs);
      const j = summaryJson(r.graph!, r.counts!);
      // A dict of outputs (DeepLabV3's out and aux, SSD's bbox_regression and cls_logits) by name.
      if (m.outputs[0][0] === null) expect(j.outputs.map((o) => o.shape)).toEqual(m.outputs.map(([, shape]) => shape));
      else expect(j.outputs.map((o) => [o.name, o.shape])).toEqual(m.outputs);
      const ours = j.tensors.map((t) => key([t.name, t.shape, t.kind] as Entry));
      if (m.model in otherOrder) expect([...ours].sort()).toEqual(m.tensors.map(key).sort());
      else expect(ours).toEqual(m.tensors.map(key));
      expect(r.diagnostics).toEqual([]);
    });
  }
});
