// npm run bench [-- --backend webgpu …]: the CPU benchmarks (compile, runtime, train, onnx,
// tasks: the full detection and segmentation runs, 10-30 minutes),
// or with --backend webgpu the GPU benchmark (bench/gpu.mjs) with the flags passed on.
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const scripts = args.includes("webgpu") ? [["gpu.mjs", args]] : [["compile.mjs", args], ["runtime.mjs", args], ["train.mjs", args], ["onnx.mjs", args], ["tasks.mjs", args]];
for (const [script, a] of scripts) {
  const r = spawnSync(process.execPath, [new URL(script, import.meta.url).pathname, ...a], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
