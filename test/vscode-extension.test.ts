// editors/vscode: the extension's manifest is consistent with its files, and its
// TextMate grammar, run by VS Code's own TextMate engine (vscode-textmate with the
// Oniguruma regular expressions VS Code uses), colours every keyword the lexer knows
// and every layer the compiler knows.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";
import { ops } from "../compiler/ops.js";
import * as tokens from "../grammar/tokens.js";
import { ROOT } from "./support/cli.js";

const DIR = join(ROOT, "editors", "vscode");
const manifest = JSON.parse(readFileSync(join(DIR, "package.json"), "utf8"));
const grammarPath = join(DIR, manifest.contributes.grammars[0].path);
const keywords = Object.values(tokens)
  .filter((t) => typeof t === "object" && t !== null && (t as { LONGER_ALT?: unknown }).LONGER_ALT === tokens.Identifier)
  .map((t) => ((t as { PATTERN: RegExp }).PATTERN).source);

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync(createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath),
  });
  const grammar = await registry.loadGrammar(manifest.contributes.grammars[0].scopeName);
  if (!grammar) throw new Error("the grammar did not load");
  return grammar;
}

/** Each token of each line: its text and its innermost scope. */
function tokenize(grammar: textmate.IGrammar, text: string): { text: string; scope: string }[] {
  let state = textmate.INITIAL;
  const out: { text: string; scope: string }[] = [];
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scope: t.scopes[t.scopes.length - 1] });
    state = r.ruleStack;
  }
  return out;
}

describe("the VS Code extension", () => {
  it("has a manifest consistent with its files", () => {
    expect(manifest.main).toBe("./extension.js");
    expect(existsSync(join(DIR, manifest.main))).toBe(true);
    const [language] = manifest.contributes.languages;
    expect(language.extensions).toEqual([".net"]);
    expect(existsSync(join(DIR, language.configuration))).toBe(true);
    JSON.parse(readFileSync(join(DIR, language.configuration), "utf8"));
    expect(manifest.activationEvents).toEqual([`onLanguage:${language.id}`]);
    const [grammar] = manifest.contributes.grammars;
    expect(grammar.language).toBe(language.id);
    expect(JSON.parse(readFileSync(grammarPath, "utf8")).scopeName).toBe(grammar.scopeName);
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+/);
    expect(Object.keys(manifest.dependencies)).toEqual(["vscode-languageclient"]);
    expect(existsSync(join(DIR, "README.md"))).toBe(true);
  });

  it("has a client that parses and starts netc lsp", () => {
    const source = readFileSync(join(DIR, "extension.js"), "utf8");
    expect(() => new Script(source, { filename: "extension.js" })).not.toThrow();
    expect(source).toMatch(/"lsp"/);
    expect(source).toMatch(/module\.exports = \{ activate, deactivate \}/);
  });

  it("colours every keyword of the lexer and every layer of the compiler", async () => {
    const grammar = await loadGrammar();
    expect(keywords.length).toBeGreaterThanOrEqual(20);
    const scopes = (text: string) => tokenize(grammar, text).filter((t) => t.text.trim()).map((t) => ({ ...t, text: t.text.trim() }));
    for (const k of keywords) expect(scopes(`  ${k} x`)[0], k).toEqual({ text: k, scope: expect.stringMatching(/^(keyword|storage|constant\.language)\./) });
    for (const op of ops.keys()) expect(scopes(`  ${op} 3`)[0], op).toEqual({ text: op, scope: "support.function.layer.netc" });
  });

  it("colours a real network: declarations, labels, layers, arguments, numbers, comments", async () => {
    const grammar = await loadGrammar();
    const toks = tokenize(grammar, readFileSync(join(ROOT, "examples", "tiny-resnet.net"), "utf8"));
    const scopeOf = (text: string) => toks.find((t) => t.text === text)?.scope;
    expect(scopeOf("# A small residual network for 32x32 images.")).toBe("comment.line.number-sign.netc");
    expect(scopeOf("unit")).toBe("entity.name.function.netc");
    expect(scopeOf("tiny")).toBe("entity.name.function.netc");
    expect(scopeOf("stem")).toBe("entity.name.tag.label.netc");
    expect(scopeOf("conv")).toBe("support.function.layer.netc");
    expect(scopeOf("stride")).toBe("variable.parameter.netc");
    expect(scopeOf("3x32x32")).toBe("constant.numeric.netc");
    expect(scopeOf("false")).toBe("constant.language.boolean.netc");
    // `pad = 1` is an argument even though `pad` is also a layer
    expect(toks.filter((t) => t.text === "pad").every((t) => t.scope === "variable.parameter.netc")).toBe(true);
  });
});
