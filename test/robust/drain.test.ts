// A long summary through a pipe: Node queues what a slow reader has not taken, so
// `summary` writes its next piece only once stdout has drained (a million rows as JSON
// queued 0.5 GB before). Here stdout is "full" after every piece until the test says.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/netc.js";
import { scratch } from "./cli-support.js";

async function paced(args: string[]) {
  const written: string[] = [];
  const waiting: Array<() => void> = [];
  let writtenWhileWaiting = 0;
  let drains = 0;
  const out = {
    stdout: (s: string) => {
      if (waiting.length) writtenWhileWaiting++;
      written.push(s);
    },
    stderr: () => {},
    color: false,
    drained: () => {
      drains++;
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
  };
  const done = main(args, out);
  let rounds = 0;
  for (let settled = false; !settled; rounds++) {
    await new Promise((r) => setTimeout(r, 0));
    expect(waiting.length).toBeLessThanOrEqual(1);
    const before = written.length;
    await new Promise((r) => setTimeout(r, 0));
    expect(written.length).toBe(before); // nothing more until stdout drains
    const next = waiting.shift();
    if (next) next();
    else settled = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
  }
  return { code: await done, written, writtenWhileWaiting, drains, rounds };
}

describe("summary waits for stdout between pieces", () => {
  const file = join(scratch("drain"), "long.net");
  writeFileSync(file, `network long {\n  input 3x8x8\n${"  conv 3, 3x3, pad = 1\n".repeat(1_000)}}\n`);

  for (const json of [false, true])
    it(json ? "as JSON" : "as a table", async () => {
      const r = await paced(["summary", file, ...(json ? ["--json"] : [])]);
      expect(r.code).toBe(0);
      expect(r.writtenWhileWaiting).toBe(0);
      expect(r.drains).toBe(r.written.length - 1); // after every piece but the last
      expect(r.written.length).toBeGreaterThan(5); // pieces of 200 rows or entries
      const text = r.written.join("");
      if (json) expect(JSON.parse(text).layers).toHaveLength(1_000);
      else expect(text.split("\n").filter((l) => /\bconv\b/.test(l))).toHaveLength(1_000);
    }, 120_000);
});
