// `netc draw` as a user runs it: SVG on stdout, PNG and DOT files, and its refusals.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { fontFiles, svgToPng } from "../../tools/draw/png.js";
import { netc, noStackTrace, ROOT, tmp, useCli, write } from "../support/cli.js";

useCli();

const svgSize = (svg: string) => {
  const m = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg)!;
  return [Number(m[1]), Number(m[2])];
};

describe("netc draw", () => {
  it("writes an SVG to stdout: every layer of lenet5 a box, every edge its shape", () => {
    const r = netc(["draw", "lenet5"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml/);
    expect(r.stdout).toContain("</svg>");
    const layers = JSON.parse(netc(["summary", "lenet5", "--json"]).stdout).layers as { name: string; outputShape: number[] }[];
    const nodes = r.stdout.match(/class="node /g)!.length;
    expect(nodes).toBe(layers.length + 2); // and the input and the output
    for (const l of layers) expect(r.stdout).toContain(`> ${l.outputShape.join("x")}</text>`);
    expect(r.stdout).toContain(">1x28x28</text>");
  });

  it("-o picture.png writes a PNG 1.5 times the SVG's size in pixels (a point is 4/3 pixel)", () => {
    const png = join(tmp(), "r18.png");
    const r = netc(["draw", "resnet18", "--depth", "2", "-o", png]);
    expect(r.code, r.stderr).toBe(0);
    const img = PNG.sync.read(readFileSync(png));
    const [w, h] = svgSize(netc(["draw", "resnet18", "--depth", "2"]).stdout);
    expect(Math.abs(img.width - w * (4 / 3) * 1.5)).toBeLessThanOrEqual(2);
    expect(Math.abs(img.height - h * (4 / 3) * 1.5)).toBeLessThanOrEqual(2);
  });

  it("renders text with DejaVu Sans (CI installs it; without it PNG is refused, never blank)", async () => {
    expect(fontFiles().length).toBeGreaterThan(0);
    const dark = async (text: string) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="5" y="20" font-family="DejaVu Sans" font-size="14">${text}</text></svg>`;
      const img = PNG.sync.read(Buffer.from(await svgToPng(svg, 1)));
      let n = 0;
      for (let i = 0; i < img.data.length; i += 4) if (img.data[i] < 128) n++;
      return n;
    };
    expect(await dark("")).toBe(0);
    expect(await dark("64x56x56")).toBeGreaterThan(50);
  });

  it("--format dot writes Graphviz text with the clusters of --depth", () => {
    const file = join(tmp(), "r50.dot");
    const r = netc(["draw", "resnet50", "--depth", "2", "--format", "dot", "-o", file]);
    expect(r.code, r.stderr).toBe(0);
    const dot = readFileSync(file, "utf8");
    expect(dot).toMatch(/^digraph "resnet50" \{/);
    expect(dot.match(/subgraph "cluster_layer\d"/g)).toEqual(["layer1", "layer2", "layer3", "layer4"].map((l) => `subgraph "cluster_${l}"`));
    expect(dot).toContain('"layer1.2" -> "layer2.0" [label=" 256x56x56"');
  });

  it("the format follows -o's extension; symbolic sizes and --set work as in summary", () => {
    const file = join(tmp(), "t.dot");
    const r = netc(["draw", join(ROOT, "examples", "tiny-resnet.net"), "--input", "3xHxW", "--set", "classes=7", "-o", file]);
    expect(r.code, r.stderr).toBe(0);
    const dot = readFileSync(file, "utf8");
    expect(dot).toContain('label=" 3xHxW"');
    expect(dot).toContain('label=" 7"');
  });

  it("refuses bad flags with usage (exit 2), and a bad network with its located error, writing nothing", () => {
    for (const args of [["--depth", "0"], ["--format", "gif"], ["--format", "png"], []]) {
      const r = netc(["draw", ...(args.length ? ["lenet5"] : []), ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^netc draw: /);
    }
    const bad = write("bad.net", "network x {\n  input 3x8x8\n  conv 4, 9x9\n}\n");
    const out = join(tmp(), "bad.svg");
    const r = netc(["draw", bad, "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.net:3:3/);
    noStackTrace(r.stderr);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses more boxes than it can lay out, suggesting --depth", () => {
    const big = write("big.net", "network big {\n  input 3x8x8\n  repeat 3001 { relu }\n}\n");
    const r = netc(["draw", big]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/more than 3000 to lay out: fold blocks with a smaller --depth/);
    noStackTrace(r.stderr);
  });

  it("is listed in netc's usage", () => {
    expect(netc(["--help"]).stdout).toMatch(/draw NET +the network as a picture/);
  });
});
