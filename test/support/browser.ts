// The browser tests' prerequisites: Debian's chromium (driven by playwright-core, no
// browser download) and the playground served by the built `netc playground`. Where
// chromium is missing the tests are skipped on a developer's machine and fail in CI
// (CI=true), as the webgpu tests do (see webgpu.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./cli.js";

export const CHROMIUM = process.env.NETC_CHROMIUM ?? "/usr/bin/chromium";

export function chromiumOrSkip(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const why = `no chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`CI needs Debian's chromium for the playground tests: ${why}`);
  console.warn(`skipping the playground browser tests: ${why}`);
  return false;
}

/** `netc playground --port 0` started; resolves with its URL once it prints it. */
export function startPlayground(): Promise<{ url: string; server: ChildProcess }> {
  const server = spawn(process.execPath, [join(ROOT, "bin", "netc.js"), "playground", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`netc playground did not start: ${out}`)), 60_000);
    const read = (d: Buffer) => {
      out += d.toString();
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], server });
      }
    };
    server.stdout!.on("data", read);
    server.stderr!.on("data", read);
    server.once("exit", (code) => reject(new Error(`netc playground exited (${code}): ${out}`)));
  });
}
