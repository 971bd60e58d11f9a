// `netc annotate` through the built command line: each line's output shape in one
// aligned column, the shapes those `netc summary --json` gives for the same layers,
// symbolic with a symbolic input, check's diagnostics and exit code on errors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { json, netc, noStackTrace, ROOT, useCli, write } from "./support/cli.js";

useCli();

const TINY = join(ROOT, "examples", "tiny-resnet.net");
const source = readFileSync(TINY, "utf8").trimEnd().split("\n");
type Layer = { name: string; outputShape: (number | string)[]; params: number };
const shape = (layers: Layer[], name: string) => layers.find((l) => l.name === name)!.outputShape.join("x");
const lastUnder = (layers: Layer[], prefix: string) => layers.filter((l) => l.name.startsWith(prefix)).at(-1)!.outputShape.join("x");

/** The annotation of the (first) line that contains `needle`. */
function noteOf(out: string, needle: string): string {
  const line = out.split("\n").find((l) => l.includes(needle));
  if (!line) throw new Error(`no line with ${needle}`);
  return line.slice(line.lastIndexOf("# ") + 2);
}

/** The annotation of the line that closes the (first) multi-line statement opening on a line with `needle`. */
function closingNote(out: string, needle: string): string {
  const lines = out.split("\n");
  const open = lines.findIndex((l) => l.includes(needle));
  const indent = /^ */.exec(lines[open])![0];
  const close = lines.findIndex((l, i) => i > open && l.startsWith(`${indent}}`));
  return lines[close].slice(lines[close].lastIndexOf("# ") + 2);
}

describe("netc annotate", () => {
  it("prints the source with each line's output shape in one column", () => {
    const r = netc(["annotate", TINY]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(source.length);
    lines.forEach((l, i) => expect(l.startsWith(source[i].trimEnd())).toBe(true)); // the source, unchanged
    const columns: number[] = [];
    lines.forEach((l, i) => {
      const code = source[i].trimEnd();
      if (l.length === code.length) return;
      const column = l.indexOf("# ", code.length);
      if (l.includes("downsample")) expect(column).toBe(code.length + 2); // too long for the column: two spaces after it
      else columns.push(column);
    });
    expect(columns.length).toBeGreaterThanOrEqual(15);
    expect(new Set(columns).size).toBe(1); // one column
  });

  it("gives the shapes netc summary gives, once per use inside a block", () => {
    const layers: Layer[] = json(["summary", TINY]).layers;
    const out = netc(["annotate", TINY]).stdout;
    expect(noteOf(out, "stem:")).toBe(shape(layers, "stem"));
    expect(noteOf(out, "fc:")).toBe(shape(layers, "fc"));
    expect(noteOf(out, "  flatten")).toBe(layers.find((l) => l.name !== "fc" && l.outputShape.length === 1)!.outputShape.join("x")); // the unlabelled flatten
    expect(closingNote(out, "stage1:")).toBe(lastUnder(layers, "stage1."));
    expect(closingNote(out, "stage2:")).toBe(lastUnder(layers, "stage2."));
    // bn1 runs in four units: two at 16 channels, two at 32
    expect(noteOf(out, "bn1:")).toBe(`${shape(layers, "stage1.0.bn1")} ×2, ${shape(layers, "stage2.0.bn1")} ×2`);
    expect(closingNote(out, "downsample:")).toBe(shape(layers, "stage2.0.downsample.1"));
    expect(out.trimEnd().split("\n").at(-1)).toMatch(new RegExp(`^}\\s+# ${shape(layers, "fc")}$`)); // the network's output
  });

  it("adds parameters with --params, as netc summary counts them", () => {
    const layers: Layer[] = json(["summary", TINY]).layers;
    const out = netc(["annotate", TINY, "--params"]).stdout;
    const stem = layers.find((l) => l.name === "stem")!;
    expect(noteOf(out, "stem:").split(/\s+/)).toEqual([shape(layers, "stem"), stem.params.toLocaleString("en-US")]);
    const fc = layers.find((l) => l.name === "fc")!;
    expect(noteOf(out, "fc:").split(/\s+/)).toEqual([shape(layers, "fc"), fc.params.toLocaleString("en-US")]);
    // the parameter column is right-aligned: every count ends at one column
    const ends = out.split("\n").filter((l) => /# \S+\s+[\d,]+$/.test(l) && !l.includes("downsample")).map((l) => l.length);
    expect(new Set(ends).size).toBe(1);
  });

  it("is symbolic where the input is", () => {
    const layers: Layer[] = json(["summary", TINY, "--input", "3xHxW"]).layers;
    const out = netc(["annotate", TINY, "--input", "3xHxW"]).stdout;
    expect(noteOf(out, "stem:")).toBe("16xHxW");
    expect(closingNote(out, "stage2:")).toBe(lastUnder(layers, "stage2."));
    expect(closingNote(out, "stage2:")).toMatch(/H/);
  });

  it("annotates the network chosen with --network, and its output still parses", () => {
    const layers: Layer[] = json(["summary", "resnet50"]).layers;
    const r = netc(["annotate", join(ROOT, "networks", "resnet.net"), "--network", "resnet50"]);
    expect(r.code, r.stderr).toBe(0);
    expect(noteOf(r.stdout, "layer3: stage")).toBe(lastUnder(layers, "layer3."));
    expect(noteOf(r.stdout, "conv1: conv 64, 7x7")).toBe(shape(layers, "conv1"));
    const again = netc(["check", write("annotated.net", r.stdout)]);
    expect(again.code, again.stderr).toBe(0);
  });

  it("is what docs/tools.md shows", () => {
    const doc = readFileSync(join(ROOT, "docs", "tools.md"), "utf8");
    const shown = /`npx netc annotate examples\/tiny-resnet\.net`:\n\n```\n([\s\S]*?)```/.exec(doc)![1];
    expect(shown.trimEnd()).toBe(netc(["annotate", TINY]).stdout.trimEnd());
  });

  it("exits 1 with netc check's diagnostics on an error", () => {
    const bad = write("bad.net", readFileSync(TINY, "utf8").replace("fc: linear classes", "fc: linear classes, 3x3"));
    const checked = netc(["check", bad]);
    const r = netc(["annotate", bad]);
    expect(r.code).toBe(1);
    expect(checked.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(/error\[E\d+\][^\n]*/.exec(checked.stderr)![0]);
    expect(r.stderr).toContain(/bad\.net:\d+:\d+/.exec(checked.stderr)![0]);
    noStackTrace(r.stderr);
    expect(netc(["annotate"]).code).toBe(2);
  });
});
