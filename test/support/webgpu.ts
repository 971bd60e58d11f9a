// The software WebGPU adapter (Dawn's OpenGL ES backend on Mesa's llvmpipe) is a test
// prerequisite: where it is missing, the webgpu tests are skipped on a developer's
// machine and fail in CI (CI=true), so that the GPU code path is never silently untested.
import { findAdapter } from "../../runtime/webgpu.js";

export async function softwareAdapterOrSkip(): Promise<boolean> {
  const found = await findAdapter("software");
  if (!("why" in found)) return true;
  if (process.env.CI) throw new Error(`CI needs the software WebGPU adapter: ${found.why}`);
  console.warn(`skipping the webgpu tests: ${found.why}`);
  return false;
}
