// The bundled library's weights are named, shaped and ordered as torchvision's, so a
// torchvision state_dict loads into what a .net file describes. The expected lists are
// test/fixtures/torchvision-tensors.json (scripts/gen-torch-fixtures.py, torchvision 0.14).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { findLibraryNetwork } from "../compiler/modules.js";
import { summaryJson } from "../compiler/summary.js";

type Entry = [name: string, shape: number[], kind: "parameter" | "buffer" | "counter"];
const fixture = JSON.parse(readFileSync(new URL("./fixtures/torchvision-tensors.json", import.meta.url), "utf8")) as {
  models: { model: string; tensors: Entry[] }[];
};

const key = ([name, shape, kind]: Entry) => `${name} [${shape.join(", ")}] ${kind}`;

async function netcTensors(network: string, file: string): Promise<Entry[]> {
  const r = await compileFile(file, { network });
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return summaryJson(r.graph!, r.counts!).tensors.map((t) => [t.name, t.shape, t.kind] as Entry);
}

/** Where two lists of the same entries first part, and what moved, in words. */
function orderDifference(netc: string[], torch: string[]): string | undefined {
  const i = netc.findIndex((k, j) => k !== torch[j]);
  if (i < 0 && netc.length === torch.length) return undefined;
  const moved = netc.filter((k, j) => torch.indexOf(k) !== j).length;
  return `first difference at index ${i}: netc has ${netc[i]}, torchvision has ${torch[i]}; ${moved} of ${netc.length} entries are at other positions`;
}

/**
 * Models whose state_dict order differs, and why. netc lists tensors in execution order;
 * PyTorch in the order modules were assigned in __init__. Loading is by name, so order
 * does not matter to a checkpoint.
 */
const registeredLater: Record<string, string> = {
  googlenet_aux: "torchvision assigns aux1 and aux2 after inception5b; they run after inception4a and 4d",
};

describe("torchvision state_dict names", () => {
  it("has fixtures for the models asked for", () => {
    expect(fixture.models.map((m) => m.model)).toEqual(
      expect.arrayContaining(["resnet18", "resnet50", "resnext50_32x4d", "wide_resnet50_2", "alexnet", "vgg16", "vgg16_bn",
        "densenet121", "mobilenet_v2", "efficientnet_b0", "googlenet", "googlenet_aux", "inception_v3", "inception_v3_aux"]),
    );
  });

  it("every fixture model is in the library", () => {
    expect(fixture.models.filter((m) => !findLibraryNetwork(m.model)).map((m) => m.model)).toEqual([]);
  });

  for (const { model, tensors } of fixture.models) {
    const file = findLibraryNetwork(model);
    describe.skipIf(!file)(model, () => {
      it("the same tensors (names, shapes, kinds), as a set", async () => {
        const ours = (await netcTensors(model, file!)).map(key).sort();
        expect(ours).toEqual(tensors.map(key).sort());
      });

      it.skipIf(model in registeredLater)("in the same order", async () => {
        const ours = (await netcTensors(model, file!)).map(key);
        const theirs = tensors.map(key);
        expect(orderDifference(ours, theirs)).toBeUndefined();
        expect(ours).toEqual(theirs);
      });
    });
  }
});
