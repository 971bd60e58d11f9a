// tools/draw: the drawing model, its DOT and its SVG, checked for structure (boxes,
// clusters, edges, labels, shapes), never bytes. The references are independent of netc:
// torchvision's state_dicts (test/fixtures/torchvision-tensors.json, scripts/gen-torch-fixtures.py)
// for parameters, and the papers' tables for shapes (He et al. 2015 table 1, Szegedy et
// al. 2014 table 1, Huang et al. 2017 with growth rate 32).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileFile, type CompileOptions } from "../../compiler/compile.js";
import { findLibraryNetwork } from "../../compiler/modules.js";
import { summaryJson } from "../../compiler/summary.js";
import { columns, drawingModel, DrawLimitError, layoutSvg, toDot, type DrawModel } from "../../tools/draw/index.js";

type Entry = [name: string, shape: number[], kind: string];
const torch = JSON.parse(readFileSync(new URL("../fixtures/torchvision-tensors.json", import.meta.url), "utf8")) as {
  models: { model: string; tensors: Entry[] }[];
};
/** torchvision's trainable parameters under a module name (all of them for ""). */
function torchParams(model: string, prefix: string): number {
  const m = torch.models.find((x) => x.model === model)!;
  return m.tensors
    .filter(([name, , kind]) => kind === "parameter" && (prefix === "" || name.startsWith(`${prefix}.`)))
    .reduce((s, [, shape]) => s + shape.reduce((p, d) => p * d, 1), 0);
}

async function compiled(net: string, opts: CompileOptions = {}) {
  const file = net.endsWith(".net") ? net : findLibraryNetwork(net)!;
  const r = await compileFile(file, { network: net.endsWith(".net") ? undefined : net, ...opts });
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return { graph: r.graph!, counts: r.counts! };
}

const boxes = (m: DrawModel) => m.nodes.filter((n) => n.kind !== "output");
const inCluster = (m: DrawModel, name: string) => {
  const c = m.clusters.find((k) => k.name === name)!;
  return m.nodes.filter((n) => n.cluster === c.id);
};
const edgesInto = (m: DrawModel, id: string) => m.edges.filter((e) => e.to === id);

describe("the drawing model", () => {
  it("at full depth, one box per layer and input, one edge per tensor use: as many as summary --json lists", async () => {
    const { graph, counts } = await compiled("resnet18");
    const json = summaryJson(graph, counts);
    const m = drawingModel(graph, { depth: 99 });
    expect(boxes(m).length).toBe(json.layers.length + json.inputs.length);
    expect(m.nodes.filter((n) => n.kind === "output").map((n) => n.shape)).toEqual(json.outputs.map((o) => o.shape.join("x")));
    expect(m.edges.length).toBe(graph.nodes.reduce((s, n) => s + new Set(n.inputs).size, 0) + json.outputs.length);
    // every edge is labelled with its tensor's shape, as summary --json gives it
    const shapeOf = new Map(json.layers.map((l) => [l.name, l.outputShape.join("x")]));
    for (const e of m.edges) {
      const n = graph.nodes[e.tensor];
      if (n.op !== "input") expect(e.shape).toBe(shapeOf.get(n.name));
    }
    expect(boxes(m).reduce((s, n) => s + n.params, 0)).toBe(torchParams("resnet18", ""));
    // every residual unit's add has two inputs: the branch and the shortcut
    const adds = m.nodes.filter((n) => n.type === "add");
    expect(adds.length).toBe(8);
    for (const a of adds) expect(edgesInto(m, a.id).length).toBe(2);
  });

  it("ResNet-50 at depth 2: stages as clusters of bottleneck boxes, parameters as torchvision's", async () => {
    const { graph } = await compiled("resnet50");
    const m = drawingModel(graph, { depth: 2 });
    expect(m.clusters.map((c) => c.name)).toEqual(["layer1", "layer2", "layer3", "layer4"]);
    expect(["layer1", "layer2", "layer3", "layer4"].map((s) => inCluster(m, s).length)).toEqual([3, 4, 6, 3]);
    for (const n of boxes(m)) expect(n.params, n.name).toBe(torchParams("resnet50", n.name));
    for (const c of m.clusters) expect(c.params, c.name).toBe(torchParams("resnet50", c.name));
    expect(m.nodes.find((n) => n.name === "layer1.0")).toMatchObject({ kind: "block", type: "bottleneck", params: 75_008 });
    // conv2_x .. conv5_x of the paper: 256x56x56, 512x28x28, 1024x14x14, 2048x7x7
    const out = ["layer1.2", "layer2.3", "layer3.5", "layer4.2"].map((n) => m.nodes.find((x) => x.name === n)!.shape);
    expect(out).toEqual(["256x56x56", "512x28x28", "1024x14x14", "2048x7x7"]);
    expect(edgesInto(m, "layer2.0").map((e) => e.shape)).toEqual(["256x56x56"]);
  });

  it("GoogLeNet with its auxiliary heads: inception branches joined by a concat, three outputs", async () => {
    const { graph } = await compiled("googlenet_aux");
    const m = drawingModel(graph, { depth: 2 });
    const published = { "3a": 256, "3b": 480, "4a": 512, "4b": 512, "4c": 512, "4d": 528, "4e": 832, "5a": 832, "5b": 1024 };
    for (const [name, channels] of Object.entries(published)) {
      const inside = inCluster(m, `inception${name}`);
      expect(inside.filter((n) => n.kind === "block").map((n) => n.label)).toEqual(["branch1", "branch2", "branch3", "branch4"]);
      const concat = inside.find((n) => n.type === "concat")!;
      expect(edgesInto(m, concat.id).length).toBe(4);
      expect(concat.shape.split("x")[0]).toBe(String(channels));
    }
    expect(m.nodes.filter((n) => n.kind === "output").map((n) => [n.label, n.shape])).toEqual([["output", "1000"], ["aux1", "1000"], ["aux2", "1000"]]);
    for (const aux of ["aux1", "aux2"]) expect(m.clusters.find((c) => c.name === aux)!.params).toBe(torchParams("googlenet_aux", aux));
    // the auxiliary heads branch off inception4a and 4d: their concat feeds two clusters
    const concat4a = inCluster(m, "inception4a").find((n) => n.type === "concat")!;
    expect(m.edges.filter((e) => e.from === concat4a.id).length).toBe(5); // four branches of 4b, aux1's pool
  });

  it("DenseNet-121: dense blocks as clusters, transitions halving the channels, long enough to wrap into columns", async () => {
    const { graph } = await compiled("densenet121");
    const m = drawingModel(graph);
    const last = (block: string) => inCluster(m, `features.${block}`).at(-1)!.shape;
    // 64 + 6·32, then halved by the transition; 128 + 12·32; 256 + 24·32; 512 + 16·32
    expect(["denseblock1", "transition1", "denseblock2", "transition2", "denseblock3", "transition3", "denseblock4"].map(last))
      .toEqual(["256x56x56", "128x28x28", "512x28x28", "256x14x14", "1024x14x14", "512x7x7", "1024x7x7"]);
    expect([1, 2, 3, 4].map((i) => inCluster(m, `features.denseblock${i}`).length)).toEqual([6, 12, 24, 16]);
    expect(boxes(m).reduce((s, n) => s + n.params, 0)).toBe(torchParams("densenet121", ""));
    const cols = columns(m, 20);
    expect(cols.heads.length).toBeGreaterThanOrEqual(2);
    const order = m.nodes.map((n) => n.id);
    expect([...cols.heads].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(cols.heads); // left to right as it runs
    expect(cols.loose.size).toBe(cols.heads.length - 1); // one edge between consecutive columns, no more
    expect(columns(m, Infinity).heads).toEqual([]);
  });

  it("symbolic input sizes label boxes and edges with formulas", async () => {
    const { graph } = await compiled("examples/tiny-resnet.net", { input: "3xHxW" });
    const m = drawingModel(graph, { depth: 1 });
    expect(edgesInto(m, "stem").map((e) => e.shape)).toEqual(["3xHxW"]);
    // the stride-2 3x3 convolution with padding 1: floor((H + 2 - 3) / 2) + 1 = (H + 1)//2
    expect(edgesInto(m, "avgpool").map((e) => e.shape)).toEqual(["32x(H + 1)//2x(W + 1)//2"]);
    expect(m.nodes.find((n) => n.name === "stage2")!.macs).toMatch(/H/);
  });
});

describe("DOT and SVG", () => {
  it("the SVG has a node per box, a cluster per block, an edge per edge, with their labels", async () => {
    const { graph } = await compiled("examples/tiny-resnet.net");
    const m = drawingModel(graph, { depth: 2 });
    const dot = toDot(m);
    const svg = await layoutSvg(dot);
    const classes = [...svg.matchAll(/<g id="[^"]*" class="([^"]*)"/g)].map((x) => x[1]);
    expect(classes.filter((c) => c.startsWith("node ")).length).toBe(m.nodes.length);
    expect(classes.filter((c) => c === "cluster netc_cluster").length).toBe(m.clusters.length);
    const invisible = Math.max(0, columns(m, 20).heads.length - 1); // the edges that order the columns
    expect(classes.filter((c) => c === "edge").length).toBe(m.edges.length + invisible);
    expect(m.clusters.map((c) => c.name)).toEqual(["stage1", "stage2"]);
    for (const c of m.clusters) expect(svg).toContain(`${c.name} · sequence · `);
    expect(svg).toContain(">stem</text>");
    expect(svg).toContain(">conv 3x3</text>");
    expect(svg).toContain(">448 params</text>"); // 16·3·3·3 + 16
    expect(svg).toContain(">unit · 9 layers</text>"); // stage2.0 with its downsample shortcut
    for (const e of m.edges) expect(svg).toContain(`> ${e.shape}</text>`);
    expect(svg).toMatch(/class="node netc_conv"/);
  });

  it("refuses a picture with more boxes than it lays out", async () => {
    const { graph } = await compiled("resnet18");
    expect(() => toDot(drawingModel(graph, { depth: 99 }), { maxBoxes: 10 })).toThrow(DrawLimitError);
  });

  it("the browser's part imports nothing of Node's", () => {
    for (const file of ["index.ts", "model.ts", "dot.ts", "columns.ts", "layout.ts"]) {
      const text = readFileSync(new URL(`../../tools/draw/${file}`, import.meta.url), "utf8");
      expect(text, file).not.toMatch(/from "node:|import\("node:|resvg|png\.js/);
    }
  });
});
