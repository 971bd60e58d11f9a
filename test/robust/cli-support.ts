// The CLI's main run in this process, with its output captured.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/netc.js";

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export async function netc(...argv: string[]): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (s) => (stdout += s.endsWith("\n") ? s : `${s}\n`), stderr: (s) => (stderr += s.endsWith("\n") ? s : `${s}\n`), color: false });
  return { code, stdout, stderr };
}

export const scratch = (name: string) => mkdtempSync(join(tmpdir(), `netc-${name}-`));

/** No internal error, no stack trace: a message for a person. */
export function clean(r: Result) {
  return !/internal error|\n\s+at /.test(r.stderr);
}

/** A folder of two classes of six 8x8 PNG images each, under `dir`. */
export function imageFolder(dir: string, name: string): string {
  const data = join(dir, name);
  for (const cls of ["a", "b"]) {
    mkdirSync(join(data, cls), { recursive: true });
    for (let i = 0; i < 6; i++) {
      const p = new PNG({ width: 8, height: 8 });
      const seed = i + (cls === "a" ? 0 : 7);
      for (let k = 0; k < p.data.length; k++) p.data[k] = (k * 37 + seed * 101) % 256;
      writeFileSync(join(data, cls, `${i}.png`), PNG.sync.write(p));
    }
  }
  return data;
}

export const TINY_NET = "network tiny(classes = 2) {\n  input 3x8x8\n  conv 2, 3x3, pad = 1\n  globalavgpool\n  flatten\n  fc: linear classes\n}\n";
