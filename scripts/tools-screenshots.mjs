// node scripts/tools-screenshots.mjs: the pictures of docs/tools.md, made from the tools'
// real output (build first): `netc annotate` as a terminal shows it, and what an editor
// shows from `netc lsp` (inlay hints and a hover, asked of the server over JSON-RPC).
// Drawn with Pillow and DejaVu Sans Mono (Debian's python3-pil, fonts-dejavu-core).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NET = join(ROOT, "examples", "tiny-resnet.net");
const COLORS = { text: "#d4d4d4", note: "#6a9955", hint: "#8a8a8a", box: "#252526", border: "#454545", prompt: "#569cd6", error: "#f48771" };

/** Draws lines of [text, colour] segments (and an optional box over them) to a PNG. */
function render(out, lines, box) {
  const py = `
import json, sys
from PIL import Image, ImageDraw, ImageFont
spec = json.load(sys.stdin)
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 14)
cw, lh, pad = font.getlength("M"), 19, 14
cols = max([sum(len(t) for t, _ in l) for l in spec["lines"]] + [spec["box"]["col"] + max(len(s) for s in spec["box"]["lines"]) + 2 if spec["box"] else 0])
img = Image.new("RGB", (int(cols * cw + 2 * pad), len(spec["lines"]) * lh + 2 * pad), "#1e1e1e")
d = ImageDraw.Draw(img)
for i, l in enumerate(spec["lines"]):
    x = pad
    for t, c in l:
        d.text((x, pad + i * lh), t, font=font, fill=c)
        x += font.getlength(t)
b = spec["box"]
if b:
    x0, y0 = pad + b["col"] * cw, pad + b["line"] * lh
    w = max(len(s) for s in b["lines"]) * cw + 16
    d.rectangle([x0, y0, x0 + w, y0 + len(b["lines"]) * lh + 10], fill="${COLORS.box}", outline="${COLORS.border}")
    for i, s in enumerate(b["lines"]):
        d.text((x0 + 8, y0 + 5 + i * lh), s, font=font, fill="${COLORS.text}")
img.save(spec["out"], optimize=True)
`;
  const r = spawnSync("/usr/bin/python3", ["-c", py], { input: JSON.stringify({ out, lines, box: box ?? null }), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  console.log(`wrote ${out}`);
}

function annotatePicture() {
  const args = ["annotate", "examples/tiny-resnet.net", "--params"];
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "netc.js"), ...args], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const lines = [[["$ ", COLORS.prompt], [`npx netc ${args.join(" ")}`, COLORS.text]]];
  const source = readFileSync(NET, "utf8").split("\n");
  r.stdout.trimEnd().split("\n").forEach((l, i) => {
    const code = source[i].trimEnd();
    lines.push(l.length > code.length ? [[l.slice(0, code.length), COLORS.text], [l.slice(code.length), COLORS.note]] : [[l, COLORS.text]]);
  });
  render(join(ROOT, "docs", "images", "annotate.png"), lines);
}

/** Asks `netc lsp` for the inlay hints of the example and the hover on a line of its block. */
async function editorPicture() {
  const proc = spawn(process.execPath, [join(ROOT, "bin", "netc.js"), "lsp"], { cwd: ROOT });
  let buffer = Buffer.alloc(0);
  const waiting = new Map();
  proc.stdout.on("data", (c) => {
    buffer = Buffer.concat([buffer, c]);
    for (let end; (end = buffer.indexOf("\r\n\r\n")) >= 0; ) {
      const n = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, end).toString())[1]);
      if (buffer.length < end + 4 + n) return;
      const m = JSON.parse(buffer.subarray(end + 4, end + 4 + n).toString());
      buffer = buffer.subarray(end + 4 + n);
      if (m.id !== undefined && !m.method) waiting.get(m.id)(m.result);
    }
  });
  let id = 0;
  const send = (m) => {
    const s = JSON.stringify({ jsonrpc: "2.0", ...m });
    proc.stdin.write(`Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`);
  };
  const request = (method, params) => new Promise((resolve) => (waiting.set(++id, resolve), send({ id, method, params })));
  const text = readFileSync(NET, "utf8");
  const uri = pathToFileURL(NET).href;
  await request("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  send({ method: "initialized", params: {} });
  send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "netc", version: 1, text } } });
  const source = text.trimEnd().split("\n");
  const hints = await request("textDocument/inlayHint", { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: source.length, character: 0 } } });
  const at = source.findIndex((l) => l.includes("conv2:"));
  const hover = await request("textDocument/hover", { textDocument: { uri }, position: { line: at, character: source[at].indexOf("conv2") + 2 } });
  send({ id: ++id, method: "shutdown" });
  send({ method: "exit" });
  const lines = source.map((l, i) => {
    const h = hints.find((x) => x.position.line === i);
    return h ? [[l, COLORS.text], [`  ${h.label}`, COLORS.hint]] : [[l, COLORS.text]];
  });
  // the hover's markdown as an editor shows it: emphasis dropped, the table in columns
  const plain = (l) => l.replace(/\*\*|`/g, "").replace(/^_(.*)_$/, "$1");
  const rows = [];
  const box = [];
  for (const l of hover.contents.value.split("\n")) {
    if (/^\|[-:|]+\|$/.test(l) || l === "---") continue;
    if (l.startsWith("|")) rows.push(l.slice(1, -1).split("|").map((c) => plain(c.trim())));
    else if (l || box.at(-1)) box.push(plain(l)); // one blank line between paragraphs
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => r.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "));
  const cut = box.findIndex((l) => /uses in/.test(l)) + 2;
  box.splice(cut, 0, ...table, "");
  render(join(ROOT, "docs", "images", "editor.png"), lines, { line: at + 1, col: source[at].indexOf("conv2") + 2, lines: box });
}

annotatePicture();
await editorPicture();
