// What the tasks' end-to-end CLI tests share: the built CLI's `netc eval --json`.
import { expect } from "vitest";
import { netc } from "../support/cli.js";

/** Generous: a spawned CLI on a loaded 2-core machine. */
export const LONG = 280_000;

/** `netc eval NET --data DATA [--weights W] --json`, which must succeed: its JSON. */
export function evalJson(net: string, data: string, weights?: string) {
  const r = netc(["eval", net, "--data", data, ...(weights ? ["--weights", weights] : []), "--json"], LONG);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
