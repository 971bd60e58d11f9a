// --help for every command of `netc`, in process: exit 0, the command's usage on
// stdout, nothing on stderr; and `netc --help` lists every command.
import { describe, expect, it } from "vitest";
import { commands, main, usage } from "../cli/netc.js";
import type { Out } from "../cli/io.js";

function capture(): Out & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), color: false };
}

describe("--help", () => {
  const names = Object.keys(commands);

  it("covers every command", () => {
    expect(names.sort()).toEqual(["annotate", "backends", "bench", "check", "convolutionize", "data", "draw", "eval", "export", "fmt", "list", "lsp", "playground", "run", "summary", "train"]);
  });

  for (const name of names)
    it(`netc ${name} --help and -h exit 0 with the usage and the options`, async () => {
      for (const flag of ["--help", "-h"]) {
        const o = capture();
        expect(await main([name, flag], o), `${name} ${flag}`).toBe(0);
        expect(o.err).toEqual([]);
        const text = o.out.join("\n");
        expect(text).toMatch(new RegExp(`^usage: netc ${name}\\b`));
        expect(text).toContain("-h, --help");
        const h = capture();
        expect(await main(["help", name], h)).toBe(0);
        expect(h.out.join("\n")).toBe(text);
      }
    });

  it("netc --help lists every command", async () => {
    const o = capture();
    expect(await main(["--help"], o)).toBe(0);
    for (const name of names) expect(usage).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    expect(o.out.join("\n")).toBe(usage);
  });
});
