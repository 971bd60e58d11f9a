// --resume validates the checkpoint pair before training: the optimizer's tensors (a
// wrong file crashed in a broadcast), the epoch count (-5 trained "epoch -4", 2^62
// trained nothing), NaN weights (trained with loss NaN), and that both files come from
// the same save (a kill between the two renames resumed silently from a mixed pair).
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readSafetensors, writeSafetensors } from "../../runtime/safetensors.js";
import { safetensorsMetadata } from "../../runtime/checkpoint.js";
import { clean, imageFolder, netc, scratch, TINY_NET } from "./cli-support.js";

const dir = scratch("resume");
const net = join(dir, "tiny.net");
writeFileSync(net, TINY_NET);
const other = join(dir, "other.net");
writeFileSync(other, TINY_NET.replace("conv 2, 3x3", "conv 3, 3x3").replace("tiny", "other"));
let data: string;

const train = (...args: string[]) => netc("train", net, "--data", data, "--batch", "2", ...args);
const ck = (name: string) => join(dir, `${name}.safetensors`);
const opt = (name: string) => join(dir, `${name}.optimizer.safetensors`);

function rewrite(path: string, change: (m: Map<string, import("../../runtime/state.js").StateTensor>) => void) {
  const bytes = new Uint8Array(readFileSync(path));
  const t = readSafetensors(bytes, path);
  change(t);
  writeFileSync(path, writeSafetensors(t, safetensorsMetadata(bytes)));
}
function copyPair(from: string, to: string) {
  copyFileSync(ck(from), ck(to));
  copyFileSync(opt(from), opt(to));
}
const refused = (r: { code: number; stderr: string }, message: RegExp) => {
  expect(clean(r as never), r.stderr).toBe(true);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(message);
};

beforeAll(async () => {
  data = imageFolder(dir, "data");
  for (const [what, args] of [
    ["base", ["--checkpoint", ck("base")]],
    ["second", ["--checkpoint", ck("second")]],
    ["other", ["--checkpoint", ck("other")]],
    ["sgd", ["--optimizer", "sgd", "--checkpoint", ck("sgd")]],
  ] as const) {
    const r = await netc("train", what === "other" ? other : net, "--data", data, "--batch", "2", "--epochs", "1", ...args);
    expect(r.code, r.stderr).toBe(0);
  }
}, 240_000);

describe("--resume", () => {
  it("continues a good pair", async () => {
    copyPair("base", "good");
    const r = await train("--epochs", "2", "--checkpoint", ck("good"), "--resume", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).epochs).toBe(2);
  }, 120_000);

  it("refuses an optimizer file of another network's tensors", async () => {
    copyPair("base", "wrong");
    copyFileSync(opt("other"), opt("wrong"));
    rewrite(ck("wrong"), () => {}); // keep the generations from refusing first: strip nothing
    const r = await train("--epochs", "2", "--checkpoint", ck("wrong"), "--resume");
    expect(clean(r), r.stderr).toBe(true);
    expect(r.code).toBe(1);
  }, 120_000);

  it("refuses optimizer tensors of the wrong shape, even from the same save", async () => {
    copyPair("base", "shape");
    rewrite(opt("shape"), (t) => {
      const name = [...t.keys()].find((k) => k.endsWith("/m"))!;
      t.set(name, { shape: [3, 3, 1, 4], dtype: "F32", data: new Float32Array(36) });
    });
    refused(await train("--epochs", "2", "--checkpoint", ck("shape"), "--resume"), /holds .*\/m of shape \[3, 3, 1, 4\], but .* is \[/);
  }, 120_000);

  it("refuses another optimizer's state", async () => {
    copyPair("sgd", "mixed-opt");
    refused(await train("--epochs", "2", "--checkpoint", ck("mixed-opt"), "--resume"), /momentum, which is not adam's/);
  }, 120_000);

  for (const [epoch, what] of [[-5n, "negative"], [2n ** 62n, "huge"]] as const)
    it(`refuses a ${what} stored epoch`, async () => {
      copyPair("base", `epoch-${what}`);
      rewrite(opt(`epoch-${what}`), (t) => t.set("netc.epoch", { shape: [], dtype: "I64", data: BigInt64Array.of(epoch) }));
      refused(await train("--epochs", "4", "--checkpoint", ck(`epoch-${what}`), "--resume"), /epochs are done: not a whole number from 0 to 1,000,000/);
    }, 120_000);

  it("refuses NaN weights", async () => {
    copyPair("base", "nan");
    rewrite(ck("nan"), (t) => {
      for (const v of t.values()) if (v.dtype === "F32") (v.data as Float32Array).fill(Number.NaN);
    });
    refused(await train("--epochs", "2", "--checkpoint", ck("nan"), "--resume"), /holds NaN or infinite values in \d+ tensors?: /);
  }, 120_000);

  it("refuses a pair from two saves (a kill between the renames)", async () => {
    copyPair("base", "torn");
    copyFileSync(opt("second"), opt("torn"));
    refused(await train("--epochs", "2", "--checkpoint", ck("torn"), "--resume"), /are not from the same save/);
  }, 120_000);
});
