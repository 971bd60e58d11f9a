// The webgpu backend: TensorFlow.js's WebGPU kernels on Dawn's Node.js addon (npm
// `webgpu`, shipped inside the registry package). netc picks the adapter itself:
//   hardware: Dawn's Vulkan backend (needs the Vulkan loader libvulkan.so.1 and a GPU
//             driver's Vulkan ICD);
//   software: Dawn's OpenGL ES backend on Mesa's llvmpipe (EGL, surfaceless), slow but
//             real: tests and CI run the GPU code path on it.
// The device is requested with the adapter's limits (tfjs asks for 8 storage buffers per
// stage by default, and ops with more inputs then fail validation), device errors are
// caught and turned into exceptions (WebGPU validation errors do not throw), and AddN is
// split where it would bind more buffers than the device allows.
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import { BackendError } from "./backend-error.js";
import { installGuards, type DeviceLike } from "./webgpu-guards.js";

export type AdapterChoice = "auto" | "hardware" | "software";

export interface AdapterReport {
  /** Dawn's backend: vulkan (hardware) or opengles (Mesa's llvmpipe). */
  dawn: "vulkan" | "opengles";
  software: boolean;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  limits: Record<string, number>;
  features: string[];
}

type GPUAdapterLike = {
  info: Record<string, string | undefined>;
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
  features: Set<string>;
  requestDevice(d: object): Promise<DeviceLike>;
};
type WebGPUModule = { create(options: string[]): { requestAdapter(o?: object): Promise<GPUAdapterLike | null> }; globals: object };

const LIMITS = [
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupSizeX",
  "maxComputeInvocationsPerWorkgroup",
];

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader/i;
const require = createRequire(import.meta.url);

// Dawn's instances must outlive their adapters and devices: one collected by the garbage
// collector takes its device down with it (a segmentation fault), so they are kept here.
const instances: object[] = [];

let active: { report: AdapterReport; choice: AdapterChoice } | undefined;

function loadDawn(): WebGPUModule {
  try {
    const dawn = require("webgpu") as WebGPUModule;
    Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode… for Dawn and tfjs-webgpu
    return dawn;
  } catch (e) {
    throw new BackendError(`the webgpu backend needs the npm package \`webgpu\` (Dawn), which did not load: ${(e as Error).message.split("\n")[0]}. Reinstall netc's dependencies (npm install).`);
  }
}

/** Where the dynamic loader would find a library: LD_LIBRARY_PATH and the usual folders. */
function findLibrary(name: string): string | undefined {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean),
    "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
    "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib",
  ];
  for (const d of dirs) if (existsSync(`${d}/${name}`)) return `${d}/${name}`;
  return undefined;
}

function vulkanDrivers(): string[] {
  if (process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES) return (process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES)!.split(":");
  const out: string[] = [];
  for (const d of ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d", "/usr/local/nvidia/share/vulkan/icd.d"])
    if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith(".json")) out.push(`${d}/${f}`);
  return out;
}

function withTimeout<T>(p: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new BackendError(`${what} did not answer within ${ms / 1000} s`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function describe(adapter: GPUAdapterLike, dawn: AdapterReport["dawn"]): AdapterReport {
  const i = adapter.info ?? {};
  const text = `${i.device ?? ""} ${i.description ?? ""} ${i.vendor ?? ""}`;
  const limits: Record<string, number> = {};
  for (const k of LIMITS) limits[k] = adapter.limits[k];
  return {
    dawn,
    software: !!adapter.isFallbackAdapter || i.type === "cpu" || SOFTWARE.test(text),
    vendor: i.vendor ?? "",
    architecture: i.architecture ?? "",
    device: (i.device ?? "").replace(/-+$/, ""),
    description: i.description ?? "",
    limits,
    features: [...adapter.features].sort(),
  };
}

/** One line: what the adapter is. */
export function adapterLine(a: AdapterReport): string {
  const name = [a.vendor, a.architecture, a.device || a.description].filter(Boolean).join(" ");
  return `${name || "unknown adapter"} (Dawn ${a.dawn === "vulkan" ? "Vulkan" : "OpenGL ES"}${a.software ? ", software" : ""})`;
}

type Found = { adapter: GPUAdapterLike; report: AdapterReport } | { why: string };

/** A GPU's device files: NVIDIA's driver, or a DRM render node (AMD, Intel). */
function gpuDevices(): string[] {
  if (process.platform !== "linux") return ["(not Linux: not checked)"];
  const found: string[] = [];
  if (existsSync("/dev/nvidia0")) found.push("/dev/nvidia0");
  if (existsSync("/dev/dri")) for (const f of readdirSync("/dev/dri")) if (f.startsWith("renderD")) found.push(`/dev/dri/${f}`);
  return found;
}

async function hardwareAdapter(dawn: WebGPUModule): Promise<Found> {
  // Asked of Dawn only where a GPU can be: on a machine without one, Dawn would print
  // its drivers' warnings for nothing.
  if (!gpuDevices().length) return { why: "no hardware adapter: this machine shows no GPU (no /dev/nvidia0, no /dev/dri/renderD*: there is none, or its driver is not loaded)" };
  const loader = findLibrary("libvulkan.so.1");
  if (!loader) return { why: "no hardware adapter: Dawn's Vulkan backend needs the Vulkan loader libvulkan.so.1, which is not installed (Debian/Ubuntu: apt-get install libvulkan1), and a GPU driver with a Vulkan ICD" };
  const drivers = vulkanDrivers();
  if (!drivers.length) return { why: `no hardware adapter: the Vulkan loader is there (${loader}) but no Vulkan driver (ICD) is: none in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d (NVIDIA: the driver's nvidia_icd.json; AMD/Intel: apt-get install mesa-vulkan-drivers)` };
  // Mesa's software Vulkan (lavapipe) is refused by Dawn, noisily: leave it out unless
  // the user chose the drivers.
  const hardware = drivers.filter((d) => !/lvp_icd|swiftshader/i.test(d));
  if (!hardware.length) return { why: `no hardware adapter: the only Vulkan driver here is a software one (${drivers.join(", ")})` };
  if (!process.env.VK_DRIVER_FILES && !process.env.VK_ICD_FILENAMES) process.env.VK_DRIVER_FILES = hardware.join(":");
  const gpu = dawn.create(["backend=vulkan"]);
  instances.push(gpu);
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: "high-performance" }), "Dawn's Vulkan adapter request");
  if (!adapter) return { why: `no hardware adapter: Dawn's Vulkan backend found no GPU through ${hardware.join(", ")} (is the GPU driver loaded? nvidia-smi / vulkaninfo tell)` };
  const report = describe(adapter, "vulkan");
  if (report.software) return { why: `no hardware adapter: the only Vulkan device is a software one (${adapterLine(report)})` };
  return { adapter, report };
}

async function softwareAdapter(dawn: WebGPUModule): Promise<Found> {
  process.env.EGL_PLATFORM ??= "surfaceless"; // no display: EGL without a window system
  process.env.XDG_RUNTIME_DIR ??= "/tmp";
  if (!findLibrary("libEGL.so.1"))
    return { why: "no software adapter: Dawn's OpenGL ES backend needs Mesa's EGL and llvmpipe (Debian/Ubuntu: apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri libgles2)" };
  const gpu = dawn.create(["backend=opengles"]);
  instances.push(gpu);
  const adapter = await withTimeout(gpu.requestAdapter({ featureLevel: "compatibility" }), "Dawn's OpenGL ES adapter request");
  if (!adapter) return { why: "no software adapter: Dawn's OpenGL ES backend found no EGL device (Debian/Ubuntu: apt-get install libegl-mesa0 libgl1-mesa-dri libgles2)" };
  return { adapter, report: describe(adapter, "opengles") };
}

/** Finds an adapter without starting anything: for `netc backends` and for `auto`. */
export async function findAdapter(choice: AdapterChoice): Promise<Found> {
  const dawn = loadDawn();
  if (choice === "software") return softwareAdapter(dawn);
  return hardwareAdapter(dawn);
}

/** The adapter the webgpu backend runs on, once started. */
export function activeAdapter(): AdapterReport | undefined {
  return active?.report;
}

/**
 * Registers and starts tfjs's webgpu backend on the chosen adapter. `auto` and
 * `hardware` take a hardware adapter only; `software` takes Mesa's llvmpipe.
 */
export async function startWebGPU(choice: AdapterChoice = "hardware"): Promise<AdapterReport> {
  if (active) {
    if (active.choice !== choice && choice !== "auto") throw new BackendError(`the webgpu backend already runs on ${adapterLine(active.report)} in this process`);
    await tf.setBackend("webgpu");
    return active.report;
  }
  const found = await findAdapter(choice);
  if ("why" in found)
    throw new BackendError(choice === "software" ? found.why : `${found.why}. For Mesa's software adapter (slow, for testing): --backend webgpu --adapter software`);
  const { adapter, report } = found;
  const requiredLimits: Record<string, number> = {};
  for (const k of LIMITS) if (adapter.limits[k] !== undefined) requiredLimits[k] = adapter.limits[k];
  const requiredFeatures = ["timestamp-query", "shader-f16"].filter((f) => adapter.features.has(f));
  const device = await withTimeout(adapter.requestDevice({ requiredLimits, requiredFeatures }), "the WebGPU device request");
  const { WebGPUBackend } = (await import("@tensorflow/tfjs-backend-webgpu")) as unknown as { WebGPUBackend: new (d: unknown, i: unknown) => tf.KernelBackend };
  // tfjs-webgpu's backend checks navigator.gpu when constructed; it was imported before
  // this existed, so it did not register its own factory (which picks the adapter itself).
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (!nav?.gpu) Object.defineProperty(globalThis, "navigator", { value: { ...(nav ?? {}), gpu: {} }, configurable: true, writable: true });
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  const guard = installGuards(device);
  tf.registerBackend("webgpu", () => guard.wrap(new WebGPUBackend(device, adapter.info)), 0);
  if (!(await tf.setBackend("webgpu"))) throw new BackendError(`the webgpu backend could not start on ${adapterLine(report)}`);
  active = { report, choice };
  return report;
}


/**
 * Refuses, before anything runs, a tensor larger than one binding of the active GPU
 * device allows (Mesa's software adapter binds 128 MiB; GPUs usually 2 GiB or more).
 * `batch` is known at run time; for the weights alone it is omitted.
 */
export function assertFitsDevice(tensors: Iterable<{ name: string; shape: readonly number[] }>, batch?: number) {
  if (!active || tf.getBackend() !== "webgpu") return;
  const limit = active.report.limits.maxStorageBufferBindingSize;
  for (const t of tensors) {
    const bytes = 4 * (batch ?? 1) * t.shape.reduce((a, b) => a * b, 1);
    if (bytes > limit)
      throw new BackendError(
        `${t.name} (${t.shape.join("x")}${batch ? `, batch ${batch}` : ""}) takes ${(bytes / 2 ** 20).toFixed(0)} MiB, more than the ${(limit / 2 ** 20).toFixed(0)} MiB this GPU adapter binds at once (${adapterLine(active.report)})${batch && batch > 1 ? "; try a smaller batch" : ""}`,
      );
  }
}
