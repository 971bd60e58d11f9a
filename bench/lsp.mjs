// node bench/lsp.mjs [--edits N]: how long the language server takes to publish
// diagnostics after an edit, measured as an editor sees it: from sending didChange to
// receiving publishDiagnostics, over stdio, to `node bin/netc.js lsp` (build first).
// Documents: resnet152.net (the blocks of networks/resnet.net and one network, ResNet-152,
// 515 layers) and networks/resnet.net itself (nine networks, all checked).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const edits = Number(process.argv[process.argv.indexOf("--edits") + 1]) || 40;

function client() {
  const proc = spawn(process.execPath, [join(ROOT, "bin", "netc.js"), "lsp"], { stdio: ["pipe", "pipe", "inherit"] });
  let buffer = Buffer.alloc(0);
  let id = 0;
  const waiting = new Map();
  const listeners = new Set();
  proc.stdout.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
      if (buffer.length < end + 4 + length) return;
      const m = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
      buffer = buffer.subarray(end + 4 + length);
      if (m.id !== undefined && !m.method) waiting.get(m.id)?.(m.result);
      else for (const l of listeners) l(m);
    }
  });
  const send = (m) => {
    const json = JSON.stringify({ jsonrpc: "2.0", ...m });
    proc.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  };
  return {
    request: (method, params) => new Promise((resolve) => (waiting.set(++id, resolve), send({ id, method, params }))),
    notify: (method, params) => send({ method, params }),
    diagnostics: (uri, version) =>
      new Promise((resolve) => {
        const l = (m) => {
          if (m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.version === version) listeners.delete(l), resolve(m.params.diagnostics);
        };
        listeners.add(l);
      }),
    close: () => (send({ id: ++id, method: "shutdown" }), send({ method: "exit" })),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

async function measure(name, path, text) {
  const c = client();
  await c.request("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  c.notify("initialized", {});
  const uri = pathToFileURL(path).href;
  let t = performance.now();
  c.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version: 1, text } });
  const first = await c.diagnostics(uri, 1);
  const open = performance.now() - t;
  if (first.length) throw new Error(`${name}: unexpected diagnostics ${JSON.stringify(first)}`);
  // each edit changes what the network means (its number of classes), one character
  const at = text.indexOf("classes = 1000") + "classes = 100".length;
  const line = text.slice(0, at).split("\n").length - 1;
  const character = at - text.lastIndexOf("\n", at - 1) - 1;
  const times = [];
  for (let v = 2; v < edits + 2; v++) {
    t = performance.now();
    c.notify("textDocument/didChange", {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: String(v % 10) }],
    });
    const d = await c.diagnostics(uri, v);
    times.push(performance.now() - t);
    if (d.length) throw new Error(`${name}: unexpected diagnostics after edit ${v}`);
  }
  c.close();
  console.log(`${name.padEnd(34)} open ${open.toFixed(0).padStart(5)} ms   after an edit: median ${median(times).toFixed(1)} ms, p90 ${p90(times).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms (${edits} edits)`);
}

/** The same edits, analysed in this process: wall time and CPU time (less sensitive to a loaded machine). */
async function inProcess(name, path, text) {
  const { analyze, ParseMemo } = await import(join(ROOT, "dist", "tools", "lsp", "analysis.js"));
  const memo = new ParseMemo();
  const none = () => undefined;
  await analyze(path, text, none, memo); // warm: the grammar loaded, imports parsed
  const at = text.indexOf("classes = 1000") + "classes = 100".length;
  const wall = [];
  const cpu = [];
  for (let v = 2; v < edits + 2; v++) {
    const edited = text.slice(0, at) + String(v % 10) + text.slice(at + 1);
    const [t, c] = [performance.now(), process.cpuUsage()];
    const a = await analyze(path, edited, none, memo);
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
    if (a.diagnostics.length) throw new Error(`${name}: unexpected diagnostics`);
  }
  console.log(`${(name + ", in process").padEnd(34)} reparse + check: median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU, min ${Math.min(...wall).toFixed(1)} ms wall`);
}

const resnet = readFileSync(join(ROOT, "networks", "resnet.net"), "utf8");
// resnet.net's blocks, and its network as ResNet-152 (no variants)
const resnet152 = resnet.slice(0, resnet.indexOf("network resnet18 =")).replace("network resnet(", "network resnet152(").replace("layers = [3, 4, 6, 3],", "layers = [3, 8, 36, 3],");
const dir = mkdtempSync(join(tmpdir(), "netc-bench-lsp-"));
try {
  writeFileSync(join(dir, "resnet152.net"), resnet152);
  console.log(`netc lsp: diagnostics after an edit (didChange → publishDiagnostics, stdio), node ${process.version}`);
  await measure("resnet152.net (1 network)", join(dir, "resnet152.net"), resnet152);
  await measure("networks/resnet.net (9 networks)", join(ROOT, "networks", "resnet.net"), resnet);
  await inProcess("resnet152.net", join(dir, "resnet152.net"), resnet152);
  await inProcess("networks/resnet.net", join(ROOT, "networks", "resnet.net"), resnet);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
