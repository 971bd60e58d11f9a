// Error codes come from the one Codes table (syntax/diagnostics.ts): no source file
// spells a code itself, and every code in the table is distinct and well-formed.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Codes } from "../../syntax/diagnostics.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith(".ts") ? [join(dir, f)] : []));

describe("error codes", () => {
  it("are spelled only in the Codes table", () => {
    const found: string[] = [];
    for (const folder of ["syntax", "grammar", "compiler", "runtime", "cli"])
      for (const file of files(join(ROOT, folder))) {
        const rel = relative(ROOT, file);
        if (rel === join("syntax", "diagnostics.ts")) continue;
        for (const m of readFileSync(file, "utf8").matchAll(/["'`][EW]\d{4}["'`]/g)) found.push(`${rel}: ${m[0]}`);
      }
    expect(found).toEqual([]);
  });

  it("are distinct, E (error) or W (warning) and four digits, the first digit the stage", () => {
    const values = Object.values(Codes);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(v).toMatch(/^[EW]0[1-9]\d{2}$/);
  });
});
