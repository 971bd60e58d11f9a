// Bundles the command line into one file (dist/netc.mjs) so that `netc` starts fast:
// one module to load instead of dozens. The grammar stays a separate chunk, loaded
// only when a file must be parsed (see compiler/parse-cache.ts).
import { rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { hashSources } from "../dist/compiler/parse-cache.js";

rmSync("dist/bundle", { recursive: true, force: true }); // no stale chunks

await build({
  entryPoints: { netc: "cli/netc.ts", worker: "runtime/worker.ts", "train-worker": "runtime/train-worker.ts", "native-worker": "export/onnx/native-worker.ts" },
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outdir: "dist/bundle",
  external: ["chevrotain", "commander", "prettier", "@hpcc-js/wasm-graphviz", "@resvg/resvg-js", "@tensorflow/*", "webgpu", "sharp", "jpeg-js", "pngjs", "fast-png", "mnist", "onnxruntime-node", "protobufjs", "protobufjs/*", "vscode-languageserver", "vscode-languageserver/*", "vscode-languageserver-textdocument"],
  logLevel: "warning",
});

// tfjs-core ships its gradient functions only as extensionless ES modules, which Node
// cannot load; `netc train` loads this bundle of them (they register in tfjs's global
// registry, which every copy of the core shares).
await build({
  entryPoints: ["node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: "dist/tfjs-gradients.js",
  logLevel: "warning",
});

// The parse cache's key includes this, so that a new grammar never reads old ASTs.
writeFileSync("dist/parse-format.txt", hashSources(process.cwd()) + "\n");
