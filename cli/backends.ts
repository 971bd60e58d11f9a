// netc backends: where networks can run on this machine, and why not elsewhere.
import { EXIT, UsageError } from "./io.js";
import { defineCommand } from "./options.js";

export const backendsCommand = defineCommand({
  name: "backends",
  args: "[--json]",
  summary: "where networks can run here: GPU adapters, CPU backends",
  description: `Lists every runtime backend, whether it can start on this machine (and if not, why and
what to install), and the WebGPU adapters Dawn finds, with their limits and features.`,
  options: [{ name: "json", help: "print the list as JSON" }],
  async run({ values, positionals }, out) {
  if (positionals.length) throw new UsageError("netc backends takes no arguments");
  const { backendsReport } = await import("../runtime/backends-report.js");
  const list = await backendsReport();
  // onnxruntime lives above the runtime: asked here, placed after wasm
  const ox = await import("../export/onnx/session.js");
  const ort = await ox.availableProviders().then(
    (p) => ({ name: "onnxruntime", ok: true, detail: `onnxruntime-node running netc's ONNX export (inference: providers ${p.join(", ")}) and classifiers' training steps (CPU)` }),
    (e: Error) => ({ name: "onnxruntime", ok: false, detail: e.message }),
  );
  list.splice(list.findIndex((b) => b.name === "cpu") + 1, 0, ort);
  if (!list[0].detail.startsWith("webgpu") && ort.ok) list[0].detail = "onnxruntime for inference and for training the classifiers it can (else wasm); no hardware GPU adapter here";
  if (values.json) return out.stdout(JSON.stringify(list, null, 2)), EXIT.ok;
  const width = Math.max(...list.map((b) => b.name.length));
  for (const b of list) {
    out.stdout(`${b.name.padEnd(width)}  ${b.ok ? "yes" : "no "}  ${b.detail}`);
    if (b.adapter) {
      const l = b.adapter.limits;
      out.stdout(`${"".padEnd(width)}       limits: ${l.maxStorageBuffersPerShaderStage} storage buffers per stage, ${l.maxComputeWorkgroupStorageSize} B workgroup memory, ${(l.maxBufferSize / 2 ** 20).toFixed(0)} MiB largest buffer`);
      out.stdout(`${"".padEnd(width)}       features: ${b.adapter.features.join(" ") || "none"}`);
    }
  }
  return EXIT.ok;
  },
});
