// What the diagnostics tests share: a temporary directory to compile files from,
// positions computed from each test's own source text, and checks on rendered output.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { compileFile, type Compiled } from "../../compiler/compile.js";
import type { Diagnostic } from "../../syntax/diagnostics.js";
import { renderDiagnostics } from "../../syntax/render-diagnostics.js";

let dir: string;
/** Registers the temporary directory for the calling test file. */
export function useTempDir() {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "netc-diagnostics-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
}
export const tempDir = () => dir;
/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/** Offset of the n-th (0-based) occurrence of `needle`; fails the test if there is none. */
export function at(text: string, needle: string, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    expect(i, `${JSON.stringify(needle)} occurs ${nth + 1} times in the test source`).toBeGreaterThanOrEqual(0);
  }
  return i;
}

/** Writes the file into the temp dir and compiles it from disk; returns the rendered text too. */
export async function compile(name: string, text: string, opts: { network?: string } = {}) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const r = await compileFile(path, opts);
  return { path, r, rendered: renderDiagnostics(r.diagnostics, r.sources) };
}

export function only(r: Compiled, code: string): Diagnostic {
  const ds = r.diagnostics.filter((d) => d.code === code);
  expect(ds, `one ${code} among ${JSON.stringify(r.diagnostics.map((d) => `${d.code} ${d.message}`))}`).toHaveLength(1);
  return ds[0];
}

export const primary = (d: Diagnostic) => d.labels.find((l) => l.primary) ?? d.labels[0];

/**
 * The rendered source line `N | text` at `line`, and right under it the underline that
 * starts at `col` and is `len` marks long (then, optionally, the label's message).
 */
export function expectUnderline(rendered: string, source: string, line: number, col: number, len: number, mark = "^") {
  const lines = rendered.split("\n");
  const srcLine = source.split("\n")[line - 1];
  const i = lines.findIndex((l) => new RegExp(`^\\s*${line} \\| `).test(l) && l.endsWith(`| ${srcLine}`));
  expect(i, `rendered source line ${line} (${JSON.stringify(srcLine)}) in:\n${rendered}`).toBeGreaterThanOrEqual(0);
  const gutter = lines[i].indexOf("|");
  const under = lines[i + 1] ?? "";
  expect(under.slice(0, gutter + 1).trim(), `gutter of the underline in:\n${rendered}`).toBe("|");
  const marks = under.slice(gutter + 2);
  const expected = " ".repeat(col - 1) + mark.repeat(len);
  expect(marks.slice(0, expected.length), `underline in:\n${rendered}`).toBe(expected);
  // nothing more is underlined: a space and the label's message, or the end of the line
  expect(marks.slice(expected.length), `underline length in:\n${rendered}`).toMatch(/^(| .*)$/);
  expect(marks[expected.length] === mark).toBe(false);
}

