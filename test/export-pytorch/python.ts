// Debian's python3-torch for the export tests: found, or (with CI set) a failure, never
// a silent skip.
import { spawnSync } from "node:child_process";

export const PYTHON = process.env.NETC_PYTHON ?? "/usr/bin/python3";

/** Whether `python3 -c "import torch, numpy"` works; throws under CI when it does not. */
export function torchAvailable(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8", timeout: 120_000 });
  if (r.status === 0) return true;
  if (process.env.CI) throw new Error(`CI needs PyTorch for the export tests: ${PYTHON} -c "import torch, numpy" failed: ${r.stderr || r.error}`);
  return false;
}
