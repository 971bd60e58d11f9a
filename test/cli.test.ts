// The built command line (`node bin/netc.js`), run as a child process: exit codes,
// what goes to stdout and stderr, and numbers checked against hand computations.
import { describe, expect, it } from "vitest";
import { json, netc, noStackTrace, tableRows, useCli, write } from "./support/cli.js";

useCli();

describe("netc summary", () => {
  it("lenet5 prints a table with 44,426 parameters", () => {
    const r = netc(["summary", "lenet5"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("44,426");
    expect(r.stdout).toMatch(/Trainable params: 44,426/);
    expect(r.stdout).toMatch(/Layer\s+Type\s+Depth-Idx\s+Output shape\s+Params\s+MACs/);
    expect(r.stderr).toBe("");
  });

  it("--json parses and has the summary's fields", () => {
    const j = json(["summary", "lenet5"]);
    for (const k of ["network", "inputs", "outputs", "params", "buffers", "macs", "layers", "tensors"]) expect(j).toHaveProperty(k);
    expect(j.network).toBe("lenet5");
    expect(j.params).toBe(44426);
    expect(j.inputs[0].shape).toEqual([1, 28, 28]);
    expect(j.outputs[0].shape).toEqual([10]);
    expect(Array.isArray(j.layers)).toBe(true);
    expect(Array.isArray(j.tensors)).toBe(true);
    const fromTensors = j.tensors
      .filter((t: { kind: string }) => t.kind === "parameter")
      .reduce((s: number, t: { shape: number[] }) => s + t.shape.reduce((p, d) => p * d, 1), 0);
    expect(fromTensors).toBe(44426);
  });

  it("--set classes=100 changes the parameters by the last linear's (84 -> classes) difference", () => {
    const base = json(["summary", "lenet5"]).params;
    const r = json(["summary", "lenet5", "--set", "classes=100"]);
    const linear = (classes: number) => 84 * classes + classes; // weight and bias
    expect(r.params).toBe(base - linear(10) + linear(100));
    expect(r.params).toBe(44426 + 90 * 85);
    expect(r.outputs[0].shape).toEqual([100]);
  });

  it("--input 1x32x32 changes lenet5's flatten size and classifier.0", () => {
    const j = json(["summary", "lenet5", "--input", "1x32x32"]);
    // 32 -conv5-> 28 -pool2-> 14 -conv5-> 10 -pool2-> 5: 16 x 5 x 5 = 400 features
    const side = ((32 - 4) / 2 - 4) / 2;
    const features = 16 * side * side;
    expect(features).toBe(400);
    const flatten = j.layers.find((l: { op: string }) => l.op === "flatten");
    expect(flatten.outputShape).toEqual([features]);
    const c0 = j.layers.find((l: { name: string }) => l.name === "classifier.0");
    expect(c0.op).toBe("linear");
    expect(c0.params).toBe(120 * features + 120);
    expect(j.params).toBe(44426 - (120 * 256 + 120) + (120 * features + 120));
    expect(j.inputs[0].shape).toEqual([1, 32, 32]);
  });

  it("--input 3xHxW on resnet50 gives symbolic shapes inside and [1000] at the output", () => {
    const j = json(["summary", "resnet50", "--input", "3xHxW"]);
    expect(j.inputs[0].shape).toEqual([3, "H", "W"]);
    expect(j.outputs[0].shape).toEqual([1000]);
    const conv1 = j.layers.find((l: { name: string }) => l.name === "conv1");
    expect(conv1.outputShape[0]).toBe(64);
    expect(typeof conv1.outputShape[1]).toBe("string");
    expect(conv1.outputShape[1]).toMatch(/H/);
    expect(conv1.outputShape[2]).toMatch(/W/);
    const symbolic = j.layers.filter((l: { outputShape: unknown[] }) => l.outputShape.some((d) => typeof d === "string"));
    expect(symbolic.length).toBeGreaterThan(50);
    const fc = j.layers.find((l: { name: string }) => l.name === "fc");
    expect(fc.outputShape).toEqual([1000]);
    expect(j.params).toBe(25557032); // parameters do not depend on the image size
    expect(typeof j.macs).toBe("string");
  });

  it("--depth 1 shows fewer rows than the default", () => {
    const deep = netc(["summary", "resnet50"]);
    const shallow = netc(["summary", "resnet50", "--depth", "1"]);
    expect(deep.code).toBe(0);
    expect(shallow.code).toBe(0);
    const [d, s] = [tableRows(deep.stdout), tableRows(shallow.stdout)];
    expect(s.length).toBeLessThan(d.length);
    expect(s.some((l) => l.includes("layer1"))).toBe(true);
    expect(s.every((l) => /^[├└]─/.test(l))).toBe(true); // depth 1: top-level rows only
    expect(shallow.stdout).toContain("25,557,032");
  });

  it("a bad --depth is a usage error", () => {
    const r = netc(["summary", "lenet5", "--depth", "deep"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--depth");
    noStackTrace(r.stderr);
  });

  it("summary of a file with an error exits 1 with located diagnostics", () => {
    const p = write("flat-conv.net", "network n {\n  input 3x8x8\n  flatten\n  conv 4, 3x3\n}\n");
    const r = netc(["summary", p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("E0301");
    expect(r.stderr).toContain("flat-conv.net:4:3");
    noStackTrace(r.stderr);
  });

  it("netc summary nosuchnet exits non-zero with a clear message", () => {
    const r = netc(["summary", "nosuchnet"]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(70);
    expect(r.stderr).toContain("nosuchnet");
    expect(r.stderr).toMatch(/no (file|network)/);
    expect(r.stdout).toBe("");
    noStackTrace(r.stderr);
  });
});

describe("usage errors", () => {
  it("an unknown command exits 2 with usage", () => {
    const r = netc(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command");
    expect(r.stderr).toContain("usage: netc");
    noStackTrace(r.stderr);
  });

  it("an unknown flag exits 2 with the command's usage", () => {
    const r = netc(["summary", "lenet5", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");
    expect(r.stderr).toContain("usage: netc summary");
    noStackTrace(r.stderr);
  });

  it("a missing argument exits 2 with usage", () => {
    for (const args of [["summary"], ["check"], ["summary", "lenet5", "--input"]]) {
      const r = netc(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain(`usage: netc ${args[0]}`);
      noStackTrace(r.stderr);
    }
  });

  it("no command at all exits 2 with usage", () => {
    const r = netc([]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain("usage: netc");
  });

  it("a malformed --set exits 2", () => {
    const r = netc(["summary", "lenet5", "--set", "classes"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--set");
  });
});

describe("netc list", () => {
  it("lists resnet50 with 25,557,032 parameters", () => {
    const r = netc(["list"]);
    expect(r.code, r.stderr).toBe(0);
    const row = r.stdout.split("\n").find((l) => /^resnet50\s/.test(l));
    expect(row, r.stdout).toBeDefined();
    expect(row).toContain("25,557,032");
    expect(r.stdout).toMatch(/^lenet5\s.*44,426/m);
  });

  it("--json lists the same numbers", () => {
    const rows = json(["list"]);
    const resnet50 = rows.find((x: { name: string }) => x.name === "resnet50");
    expect(resnet50.params).toBe(25557032);
    expect(resnet50.output).toBe("1000");
  });
});

describe("--help", () => {
  const commands: [string, string[]][] = [
    ["summary", ["--network", "--input", "--set", "--depth", "--json", "--help"]],
    ["check", ["FILE", "--help"]],
    ["list", ["--json", "--help"]],
  ];
  for (const [command, options] of commands) {
    it(`netc ${command} --help exits 0 and mentions its options`, () => {
      for (const flag of ["--help", "-h"]) {
        const r = netc([command, flag]);
        expect(r.code, `${command} ${flag}`).toBe(0);
        expect(r.stdout).toContain(`usage: netc ${command}`);
        for (const o of options) expect(r.stdout, `${command} ${flag} mentions ${o}`).toContain(o);
      }
    });
  }

  it("netc --help and netc help COMMAND exit 0", () => {
    const r = netc(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["check", "summary", "list"]) expect(r.stdout).toContain(c);
    const h = netc(["help", "summary"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("--depth");
  });
});
