// The CLI's main run in this process, with its output captured.
import { mkdtempSync } from "node:fs";
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
