// Builds the playground (web/) into dist/playground/: plain static files, servable by
// `netc playground` or any web server. The compiler runs in a Web Worker; the runtime
// (TensorFlow.js) is a chunk loaded only when "run" is pressed. Node's modules that the
// compiler and runtime import are replaced by web/shims/ (the bundled networks are a
// read-only file system there). Prints the gzipped size of what the page loads before
// "run"; fails the build above the limit.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const out = "dist/playground";
const LIMIT = 1.5e6; // bytes, gzipped: the page before "run"
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const root = process.cwd();
const shim = (name) => resolve(root, "web/shims", name);
const chevrotainBundle = resolve(root, "node_modules/chevrotain/lib/chevrotain.min.mjs");
const library = Object.fromEntries(readdirSync("networks").filter((f) => f.endsWith(".net")).sort().map((f) => [f, readFileSync(join("networks", f), "utf8")]));

/** node:* modules to shims; the grammar's Chevrotain loader to Chevrotain's own bundle; the library as data. */
const browser = {
  name: "netc-browser",
  setup(b) {
    const nodeShims = { "node:fs": "fs.ts", "node:fs/promises": "fs.ts", "node:path": "path.ts", "node:url": "url.ts", "node:crypto": "crypto.ts", "node:module": "module.ts" };
    b.onResolve({ filter: /^node:/ }, (a) => {
      if (nodeShims[a.path]) return { path: shim(nodeShims[a.path]) };
      return { errors: [{ text: `${a.path} has no browser shim (imported by ${a.importer})` }] };
    });
    b.onResolve({ filter: /\/chevrotain\.js$/ }, (a) => (a.importer.includes("/grammar/") ? { path: "chevrotain", namespace: "netc-chevrotain" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "netc-chevrotain" }, () => ({
      contents: `export { createToken, Lexer, CstParser, EOF, tokenMatcher } from ${JSON.stringify(chevrotainBundle)};`,
      resolveDir: root,
      loader: "js",
    }));
    // The runtime's Node image decoders: the browser decodes images itself (web/run.ts).
    b.onResolve({ filter: /^(pngjs|jpeg-js)$/ }, () => ({ path: shim("decoders.ts") }));
    b.onResolve({ filter: /^netc:library$/ }, () => ({ path: "library", namespace: "netc-library" }));
    b.onLoad({ filter: /.*/, namespace: "netc-library" }, () => ({ contents: JSON.stringify(library), loader: "json" }));
  },
};

const common = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["chrome113", "firefox121", "safari17"],
  minify: true,
  plugins: [browser],
  define: { "process.env.NETC_NO_CACHE": '"1"', "process.env.NETC_CACHE_DIR": "undefined", "process.env.NETC_VALIDATE_GRAMMAR": "undefined", "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
  metafile: true,
};

// The page and its run-time chunk (split: the runtime is a dynamic import), and the compile worker.
const page = await build({ ...common, entryPoints: { main: "web/main.ts" }, splitting: true, outdir: out, chunkNames: "chunks/[name]-[hash]" });
const worker = await build({ ...common, entryPoints: { "compile-worker": "web/compile-worker.ts", "draw-worker": "web/draw-worker.ts" }, splitting: true, outdir: out, chunkNames: "chunks/[name]-[hash]" });

for (const f of ["index.html", "style.css"]) copyFileSync(join("web", f), join(out, f));
const wasmDir = "node_modules/@tensorflow/tfjs-backend-wasm/dist";
mkdirSync(join(out, "wasm"), { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"))) copyFileSync(join(wasmDir, f), join(out, "wasm", f));

// What loads before "run": main.js and the chunks it imports statically, and the two
// workers with everything they import (the grammar and Graphviz load on the first compile).
const outputs = { ...page.metafile.outputs, ...worker.metafile.outputs };
const initial = new Set();
const visit = (file, dynamic) => {
  if (initial.has(file) || !outputs[file]) return;
  initial.add(file);
  for (const i of outputs[file].imports) if (i.kind === "import-statement" || (dynamic && i.kind === "dynamic-import")) visit(i.path, dynamic);
};
visit(`${out}/main.js`, false);
visit(`${out}/compile-worker.js`, true);
visit(`${out}/draw-worker.js`, true);
const gz = (f) => gzipSync(readFileSync(f)).length;
const before = [...initial].reduce((s, f) => s + gz(f), 0) + gz(join(out, "index.html")) + gz(join(out, "style.css"));
const all = Object.keys(outputs).filter((f) => f.endsWith(".js")).reduce((s, f) => s + gz(f), 0);
const report = { beforeRunGzipBytes: before, allJsGzipBytes: all, initialFiles: [...initial].map((f) => f.slice(out.length + 1)) };
writeFileSync(join(out, "size.json"), JSON.stringify(report, null, 2) + "\n");
console.log(`playground: ${(before / 1e6).toFixed(2)} MB gzipped before "run" (${[...initial].length} files, limit ${LIMIT / 1e6} MB); ${(all / 1e6).toFixed(2)} MB with the runtime`);
if (before > LIMIT) {
  console.error(`playground: the page loads ${before} bytes gzipped before "run", over the ${LIMIT} limit`);
  process.exit(1);
}
