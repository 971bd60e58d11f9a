// docs/cli.md is generated from the commands' option tables; it must be what the
// generator gives now, and every flag a command parses must be in it.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { cliDoc } from "../scripts/cli-doc.js";
import { commands } from "../cli/netc.js";

it("docs/cli.md is up to date (regenerate with npm run docs:cli)", () => {
  const committed = readFileSync(new URL("../docs/cli.md", import.meta.url), "utf8");
  expect(committed).toBe(cliDoc());
});

it("docs/cli.md lists every command and every flag of its table", () => {
  const doc = cliDoc();
  for (const [name, c] of Object.entries(commands)) {
    expect(doc).toContain(`## netc ${name}\n`);
    const spec = (c as { spec?: { options: { name: string }[] } }).spec;
    expect(spec, `${name} declares its options`).toBeDefined();
    const section = doc.slice(doc.indexOf(`## netc ${name}\n`)).split("\n## ")[0];
    for (const o of spec!.options) expect(section, `${name} --${o.name}`).toMatch(new RegExp(`--${o.name}\\b`));
  }
});
