// Issue 15, points 1, 2, 8 and 11: one option parser for every command (cli/options.ts),
// run through the built CLI. Each test here failed on the code before it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { netc, noStackTrace, ROOT, tmp, useCli } from "./support/cli.js";

useCli();

/** Three classes of six 8x8 images, and a class folder of broken "images" if asked. */
function folder(name: string, broken = false): string {
  const data = join(tmp(), name);
  for (const cls of ["a", "b", "c", ...(broken ? ["d"] : [])]) {
    mkdirSync(join(data, cls), { recursive: true });
    for (let i = 0; i < 6; i++) {
      if (cls === "d") {
        writeFileSync(join(data, cls, `${i}.png`), "not a png");
        continue;
      }
      const p = new PNG({ width: 8, height: 8 });
      for (let k = 0; k < p.data.length; k++) p.data[k] = (k * 37 + i * 11 + cls.charCodeAt(0) * 101) % 256;
      writeFileSync(join(data, cls, `${i}.png`), PNG.sync.write(p));
    }
  }
  return data;
}

const TINY = "network tiny(classes = 2) {\n  input 3x8x8\n  conv 2, 3x3, pad = 1\n  globalavgpool\n  flatten\n  fc: linear classes\n}\n";

describe("--set, --network and --input on every command that compiles a network (point 1)", () => {
  it("train takes --set classes=3, as its own error message advises", () => {
    writeFileSync(join(tmp(), "tiny.net"), TINY);
    const data = folder("three");
    const bad = netc(["train", "tiny.net", "--data", data, "--epochs", "1", "--backend", "cpu"], 120_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("try --set classes=3");
    const r = netc(["train", "tiny.net", "--data", data, "--epochs", "1", "--backend", "cpu", "--set", "classes=3", "--json"], 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).epochs).toBe(1);
  });

  it("convolutionize, export (pytorch) and bench take --set; bench takes a 4-dimensional --input", () => {
    const conv = netc(["convolutionize", "lenet5", "--set", "classes=3"]);
    expect(conv.code, conv.stderr).toBe(0);
    expect(conv.stdout).toMatch(/conv 3, 1x1/); // the last linear layer, 84 -> 3, as a 1x1 convolution
    const py = netc(["export", "lenet5", "--format", "pytorch", "--set", "classes=3"]);
    expect(py.code, py.stderr).toBe(0);
    expect(py.stdout).toContain("nn.Linear(84, 3");
    const bench = netc(["bench", "lenet5", "--set", "classes=3", "--input", "2x1x28x28", "--iterations", "1", "--threads", "1", "--backend", "cpu", "--json"], 120_000);
    expect(bench.code, bench.stderr).toBe(0);
    expect(JSON.parse(bench.stdout).batch).toBe(2); // the batch of a 4-dimensional --input
  });
});

describe("train checks what it can before loading data (point 2)", () => {
  it("a network whose input is not MNIST's is refused before the backend starts or the data loads", () => {
    const r = netc(["train", "resnet18", "--data", "mnist"], 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("resnet18 takes 3x224x224 inputs but the mnist images are 1x28x28");
    expect(r.stderr).not.toContain("netc train: on ");
  });

  it("a class count that does not fit is refused before any image is read", () => {
    writeFileSync(join(tmp(), "tiny.net"), TINY);
    const r = netc(["train", "tiny.net", "--data", folder("four", true), "--backend", "cpu"], 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the data has 4 classes (try --set classes=4)"); // not the broken d/0.png
  });

  it("--epochs 0 is a usage error, not a silent success (point 11)", () => {
    const r = netc(["train", "lenet5", "--data", "mnist", "--epochs", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--epochs must be at least 1");
  });
});

describe("option errors (point 8)", () => {
  it("a misspelt option gets a did-you-mean and the usage line, not the whole help", () => {
    const r = netc(["summary", "lenet5", "--depht", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--depht' (did you mean --depth?)");
    expect(r.stderr).toContain("usage: netc summary");
    expect(r.stderr).not.toContain("options:");
    expect(r.stderr.split("\n")[0].split("'").length % 2).toBe(1); // no unclosed quote
    noStackTrace(r.stderr);
  });

  it("a negative number is an option's value: --lr -1 is checked as a learning rate", () => {
    const r = netc(["train", "lenet5", "--data", "mnist", "--lr", "-1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--lr takes a number of 0 or more, got -1");
    expect(r.stderr).not.toContain("ambiguous");
  });

  it("a misspelt network name or command gets a did-you-mean", () => {
    const r = netc(["summary", "resnt50"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean `resnet50`?");
    const c = netc(["sumary", "lenet5"]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("did you mean `summary`?");
  });

  it("--version prints package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    for (const flag of ["--version", "-V"]) {
      const r = netc([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(`netc ${version}`);
    }
  });

  it("--flag=value and options after the arguments work everywhere", () => {
    const r = netc(["summary", "--depth=1", "lenet5", "--set=classes=3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Output: output 3/);
  });
});
