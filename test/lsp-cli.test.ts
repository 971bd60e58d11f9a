// `netc lsp` spoken to over JSON-RPC, as an editor does: diagnostics as the text
// changes (the spans `netc check` reports), hover with the shapes `netc summary` prints,
// definitions, completion, formatting equal to `netc fmt`, inlay hints, and the editor's
// unsaved buffer of an imported file used in place of the file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, netc, ROOT, tmp, useCli, write } from "./support/cli.js";
import { LspClient, uri } from "./support/lsp.js";

useCli();

const TINY = readFileSync(join(ROOT, "examples", "tiny-resnet.net"), "utf8");
/** LSP's 0-based position of the `n`th occurrence of `needle` (plus `delta` characters). */
function positionOf(text: string, needle: string, delta = 0, n = 0) {
  let offset = -1;
  for (let i = 0; i <= n; i++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`no ${needle}`);
  offset += delta;
  const before = text.slice(0, offset);
  return { line: before.split("\n").length - 1, character: offset - before.lastIndexOf("\n") - 1 };
}
const shapeOf = (layers: { name: string; outputShape: number[] }[], name: string) => layers.find((l) => l.name === name)!.outputShape.join("x");

describe("netc lsp", () => {
  let client: LspClient;
  let file: string;
  beforeAll(async () => {
    file = write("tiny.net", TINY);
    client = new LspClient(tmp());
    const init = await client.initialize(tmp());
    expect(init.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, documentFormattingProvider: true, inlayHintProvider: true });
  });
  afterAll(() => client.kill());

  it("publishes netc check's diagnostic at its span, and none once fixed", async () => {
    const broken = TINY.replace("stem: conv 16", "stem: convv 16");
    const checked = netc(["check", write("broken.net", broken)]);
    expect(checked.code).toBe(1);
    const code = /error\[(E\d+)\]/.exec(checked.stderr)![1];
    const at = /broken\.net:(\d+):(\d+)/.exec(checked.stderr)!;
    client.notify("textDocument/didOpen", { textDocument: { uri: uri(file), languageId: "netc", version: 1, text: broken } });
    const d = await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(file) && p.version === 1);
    expect(d.diagnostics).toHaveLength(1);
    const diag = d.diagnostics[0];
    expect(diag).toMatchObject({ code, severity: 1, source: "netc" });
    expect(diag.message).toContain("unknown layer or block `convv`");
    expect(diag.range).toEqual({ start: positionOf(broken, "convv"), end: positionOf(broken, "convv", 5) });
    expect([diag.range.start.line + 1, diag.range.start.character + 1]).toEqual([Number(at[1]), Number(at[2])]); // netc check's line:column
    client.notify("textDocument/didChange", { textDocument: { uri: uri(file), version: 2 }, contentChanges: [{ range: { start: positionOf(broken, "convv"), end: positionOf(broken, "convv", 5) }, text: "conv" }] });
    const fixed = await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(file) && p.version === 2);
    expect(fixed.diagnostics).toEqual([]);
  });

  it("gives every secondary span as related information", async () => {
    const twice = `${TINY}\nblock unit(width) {\n  relu\n}\n`;
    const path = write("twice.net", twice);
    client.notify("textDocument/didOpen", { textDocument: { uri: uri(path), languageId: "netc", version: 1, text: twice } });
    const d = await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(path));
    expect(d.diagnostics).toHaveLength(1);
    expect(d.diagnostics[0].range.start).toEqual(positionOf(twice, "unit(width)"));
    expect(d.diagnostics[0].relatedInformation).toEqual([
      { location: { uri: uri(path), range: { start: positionOf(twice, "unit(width,"), end: positionOf(twice, "unit(width,", 4) } }, message: "first declared here" },
    ]);
  });

  it("hovers with the shapes, parameters and MACs netc summary gives", async () => {
    const summary = json(["summary", file]);
    const stem = summary.layers.find((l: { name: string }) => l.name === "stem");
    const h = await client.request("textDocument/hover", { textDocument: { uri: uri(file) }, position: positionOf(TINY, "stem:", 1) });
    expect(h.contents.value).toContain(`\`${stem.outputShape.join("x")}\``);
    expect(h.contents.value).toContain(`params ${stem.params.toLocaleString("en-US")}`);
    expect(h.contents.value).toContain(`MACs ${stem.macs.toLocaleString("en-US")}`);
    // a layer of a block: one row per use, each with its shape
    const inBlock = await client.request("textDocument/hover", { textDocument: { uri: uri(file) }, position: positionOf(TINY, "conv2:", 2) });
    for (const use of ["stage1.0.conv2", "stage1.1.conv2", "stage2.0.conv2", "stage2.1.conv2"])
      expect(inBlock.contents.value).toContain(`| \`${use}\` | \`${shapeOf(summary.layers, use)}\` |`);
    expect(inBlock.contents.value).toContain("nn.Conv2d");
  });

  it("answers a pathological file with located errors, and goes on serving", async () => {
    const texts = [
      `network n {\n  input 3x8x8\n  let a = ${"(".repeat(3000)}1${")".repeat(3000)}\n  relu\n}\n`,
      "network n {\n  input 3x8x8\n  conv 8, 3x3\n  residual { conv 4, 1x1 }\n}\n}}}{{{ ((( \u0000",
    ];
    for (const [i, text] of texts.entries()) {
      const path = write(`odd${i}.net`, text);
      client.notify("textDocument/didOpen", { textDocument: { uri: uri(path), languageId: "netc", version: 1, text } });
      const d = await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(path));
      expect(d.diagnostics.length, `text ${i}`).toBeGreaterThan(0);
      for (const diag of d.diagnostics) expect(diag.code).toMatch(/^[EW]\d{4}$/);
      expect(d.diagnostics.map((x: { message: string }) => x.message).join("\n")).not.toMatch(/internal error/);
    }
    const empty = write("empty.net", "");
    client.notify("textDocument/didOpen", { textDocument: { uri: uri(empty), languageId: "netc", version: 1, text: "" } });
    expect((await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(empty))).diagnostics).toEqual([]); // as netc check: ok
    const h = await client.request("textDocument/hover", { textDocument: { uri: uri(file) }, position: positionOf(TINY, "stem:", 1) });
    expect(h.contents.value).toContain("16x32x32");
    expect(client.stderr).toBe("");
  });

  it("goes to the definition of a block", async () => {
    const loc = await client.request("textDocument/definition", { textDocument: { uri: uri(file) }, position: positionOf(TINY, "unit(32", 1) });
    expect(loc).toEqual({ uri: uri(file), range: { start: positionOf(TINY, "unit(width"), end: positionOf(TINY, "unit(width", 4) } });
  });

  it("completes layer names and argument names with their PyTorch meaning", async () => {
    const text = "network n {\n  input 3x8x8\n  c: co\n  conv 4, 3x3, \n}\n";
    const path = write("complete.net", text);
    client.notify("textDocument/didOpen", { textDocument: { uri: uri(path), languageId: "netc", version: 1, text } });
    const layers = await client.request("textDocument/completion", { textDocument: { uri: uri(path) }, position: positionOf(text, "c: co", 5) });
    const conv = layers.find((i: { label: string }) => i.label === "conv");
    expect(conv.detail).toContain("nn.Conv2d");
    expect(layers.map((i: { label: string }) => i.label)).toEqual(expect.arrayContaining(["batchnorm", "maxpool", "residual", "repeat"]));
    const args = await client.request("textDocument/completion", { textDocument: { uri: uri(path) }, position: positionOf(text, "3x3, ", 5) });
    const pad = args.find((i: { label: string }) => i.label === "pad");
    expect(pad.detail).toContain("padding");
    expect(args.map((i: { label: string }) => i.label)).toEqual(["out", "kernel", "stride", "pad", "dilation", "groups", "bias"]);
  });

  it("formats as netc fmt does", async () => {
    const messy = "network   n {\n input 3x8x8\n    conv 4,3x3,pad=1\n  relu\n}";
    const path = write("messy.net", messy);
    const fmt = netc(["fmt", path]);
    expect(fmt.code).toBe(0);
    client.notify("textDocument/didOpen", { textDocument: { uri: uri(path), languageId: "netc", version: 1, text: messy } });
    const edits = await client.request("textDocument/formatting", { textDocument: { uri: uri(path) }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0].range.start).toEqual({ line: 0, character: 0 });
    expect(edits[0].range.end).toEqual({ line: 4, character: 1 });
    expect(edits[0].newText.trimEnd()).toBe(fmt.stdout.trimEnd());
  });

  it("gives inlay hints with each line's output shape", async () => {
    const summary = json(["summary", file]);
    const hints = await client.request("textDocument/inlayHint", { textDocument: { uri: uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } } });
    const at = (needle: string) => hints.find((h: { position: { line: number } }) => h.position.line === positionOf(TINY, needle).line);
    const lineLength = (needle: string) => TINY.split("\n")[positionOf(TINY, needle).line].length;
    expect(at("stem:")).toMatchObject({ label: `→ ${shapeOf(summary.layers, "stem")}`, position: { character: lineLength("stem:") } });
    const lastOfStage2 = summary.layers.filter((l: { name: string }) => l.name.startsWith("stage2.")).at(-1);
    const closingOfStage2 = positionOf(TINY, "avgpool:").line - 1; // a multi-line statement's shape is on its closing line
    expect(hints.find((h: { position: { line: number } }) => h.position.line === closingOfStage2).label).toBe(`→ ${lastOfStage2.outputShape.join("x")}`);
    expect(at("fc:").label).toBe(`→ ${shapeOf(summary.layers, "fc")}`);
    expect(at("bn1:").label).toBe(`→ ${shapeOf(summary.layers, "stage1.0.bn1")} ×2, ${shapeOf(summary.layers, "stage2.0.bn1")} ×2`);
  });
});

describe("netc lsp with imports", () => {
  it("checks against the editor's unsaved buffer of an imported file, and goes to imports", async () => {
    const lib = write("lib.net", "block pair(width) {\n  conv width, 3x3, pad = 1\n  relu\n}\n");
    const main = "import \"./lib\"\n\nnetwork m {\n  input 3x16x16\n  p: pair(8)\n}\n";
    const mainPath = write("main.net", main);
    const client = new LspClient(tmp());
    try {
      await client.initialize(tmp());
      client.notify("textDocument/didOpen", { textDocument: { uri: uri(mainPath), languageId: "netc", version: 1, text: main } });
      expect((await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(mainPath))).diagnostics).toEqual([]);
      const loc = await client.request("textDocument/definition", { textDocument: { uri: uri(mainPath) }, position: positionOf(main, "lib") });
      expect(loc.uri).toBe(uri(lib));
      const block = await client.request("textDocument/definition", { textDocument: { uri: uri(mainPath) }, position: positionOf(main, "pair") });
      expect(block).toEqual({ uri: uri(lib), range: { start: { line: 0, character: 6 }, end: { line: 0, character: 10 } } });
      // the buffer renames the block, unsaved: main.net no longer finds it
      const edited = readFileSync(lib, "utf8").replace("pair", "twin");
      client.notify("textDocument/didOpen", { textDocument: { uri: uri(lib), languageId: "netc", version: 1, text: edited } });
      const d = await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(mainPath) && p.diagnostics.length > 0);
      expect(d.diagnostics[0].message).toContain("`pair`");
      expect(d.diagnostics[0].range.start).toEqual(positionOf(main, "pair"));
      // an error inside the imported buffer: shown at the import, located in the buffer
      const broken = edited.replace("conv width, 3x3", "conv width, 3x3, strde = 2").replace("twin", "pair");
      client.notify("textDocument/didChange", { textDocument: { uri: uri(lib), version: 2 }, contentChanges: [{ text: broken }] });
      const viaImport = await client.next("textDocument/publishDiagnostics", (p) => p.uri === uri(mainPath) && p.diagnostics.some((x: { message: string }) => x.message.includes("strde")));
      const diag = viaImport.diagnostics.find((x: { message: string }) => x.message.includes("strde"));
      expect(diag.range.start).toEqual(positionOf(main, "import"));
      expect(diag.message).toMatch(/lib\.net:2:\d+: /);
      expect(diag.relatedInformation[0].location).toEqual({ uri: uri(lib), range: { start: positionOf(broken, "strde"), end: positionOf(broken, "strde = 2", 9) } }); // the argument, as netc check underlines it
      expect(await client.close()).toBe(0);
    } finally {
      client.kill();
    }
  });
});
