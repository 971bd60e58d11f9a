// The playground in a real browser (issue 20): Debian's chromium, driven by
// playwright-core, on the page `netc playground` serves. A network typed with a mistake
// shows the compiler's diagnostic at its line; fixed, its parameter count equals
// `netc summary`'s; resnet18 picked from the bundled networks runs on wasm with uploaded
// safetensors weights, and its top-1 class equals `netc run`'s on the same weights and
// image; bad input keeps the page responsive. Screenshots of each state go to
// test-output/playground/.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, netc, ROOT, tmp, useCli } from "./support/cli.js";
import { CHROMIUM, chromiumOrSkip, startPlayground } from "./support/browser.js";
import { mulberry32 } from "../runtime/random.js";
import { writeSafetensors } from "../runtime/safetensors.js";
import type { StateTensor } from "../runtime/state.js";

const SHOTS = join(ROOT, "test-output", "playground");
const PHOTO = join(ROOT, "test/runtime/fixtures/photo.png");
const has = chromiumOrSkip();
let browser: Browser;
let page: Page;
let server: ChildProcess;
let url: string;

useCli();
beforeAll(async () => {
  if (!has) return;
  mkdirSync(SHOTS, { recursive: true });
  ({ url, server } = await startPlayground());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], timeout: 120_000 });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(120_000);
});
afterAll(async () => {
  await browser?.close();
  server?.kill();
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const compiledOnce = () => page.evaluate(() => document.body.dataset.compiled ?? "");
/** Waits for a compile after `since` (the value of compiledOnce() before the change). */
const nextCompile = (since: string) => page.waitForFunction((s) => (document.body.dataset.compiled ?? "") !== s, since);

async function open(query: string, network: string) {
  await page.goto(`${url}${query}`);
  await page.waitForFunction((n) => document.getElementById("status")!.textContent === `compiled ${n}` || document.getElementById("status")!.textContent!.startsWith(`compiled ${n} `), network);
}

async function typeText(text: string) {
  const since = await compiledOnce();
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  await nextCompile(since);
}

const BROKEN = `network small(classes = 10) {
  input 3x32x32
  conv 16, 3x3, pad = 1
  convv 32, 3x3
  relu
  globalavgpool
  flatten
  linear classes
}
`;

/** netc run's ranked rows (class, probability, score, label), its header row left out. */
const cliRows = (stdout: string) => stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)).filter((t) => /^\d+$/.test(t[0]));

describe("the playground in chromium", () => {
  it("underlines a mistake at its line, with the compiler's message; fixed, counts as netc summary", async () => {
    if (!has) return;
    await open("?net=lenet5", "lenet5");
    await typeText(BROKEN);
    const line = await page.evaluate(() => {
      const mark = document.querySelector(".cm-lintRange-error");
      const lines = [...document.querySelectorAll(".cm-content > .cm-line")];
      return mark ? lines.indexOf(mark.closest(".cm-line")!) + 1 : 0;
    });
    expect(line).toBe(4);
    const cli = netc(["check", writeNet("broken.net", BROKEN)]);
    expect(cli.code).toBe(1);
    const message = /error\[(E\d+)\]: (.*)/.exec(cli.stderr)!;
    expect(await page.textContent("#diagnostics")).toContain(message[2]); // the CLI's own words
    expect(await page.textContent("#diagnostics")).toContain("main.net:4:3");
    await page.hover(".cm-lintRange-error");
    await page.waitForSelector(`.cm-tooltip-lint:has-text("${message[1]}")`);
    await shot("1-mistake");

    const fixed = BROKEN.replace("convv", "conv");
    await typeText(fixed);
    await page.waitForSelector("#totals[data-params]");
    const params = Number(await page.getAttribute("#totals", "data-params"));
    expect(params).toBe(json(["summary", writeNet("fixed.net", fixed)]).params);
    expect(params).toBe(448 + 4640 + 330); // by hand: 3*16*9+16, 16*32*9+32, 32*10+10
    expect(await page.isHidden("#problems")).toBe(true);
    await shot("2-fixed");

    await page.click("#share"); // the text in the link's fragment: opened anew, the same network
    const link = page.url();
    expect(link).toContain("#network=small&text=");
    await page.goto("about:blank");
    await page.goto(link);
    await page.waitForFunction(() => document.getElementById("totals")!.dataset.params === String(448 + 4640 + 330));

    await page.fill('#params input[name="classes"]', "100");
    await page.waitForFunction(() => document.getElementById("totals")!.dataset.params === String(448 + 4640 + 3300));
  });

  it("opens resnet18 from the picker and runs it on wasm: top-1 as netc run's on the same weights and image", async () => {
    if (!has) return;
    await open("", "lenet5"); // the default network
    const since = await compiledOnce();
    await page.selectOption("#library", "resnet18");
    await nextCompile(since);
    await page.waitForFunction(() => /compiled resnet18/.test(document.getElementById("status")!.textContent!));
    const params = Number(await page.getAttribute("#totals", "data-params"));
    expect(params).toBe(11_689_512); // torchvision's published count for resnet18
    expect(page.url()).toContain("?net=resnet18");
    await page.waitForSelector('#picture[data-state="drawn"]');
    const svg = await page.evaluate(async () => (await fetch((document.getElementById("picture-img") as HTMLImageElement).src)).text());
    const drawn = netc(["draw", "resnet18", "--format", "svg", "--depth", "3"], 120_000);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(svg.trim()).toBe(drawn.stdout.trim()); // the picture netc draw draws
    await shot("3-resnet18");

    const weights = join(tmp(), "resnet18.safetensors");
    writeFileSync(weights, writeSafetensors(randomWeights(json(["summary", "resnet18"]).tensors, 20)));
    await page.setInputFiles("#weights-file", weights);
    await page.setInputFiles("#image-file", PHOTO);
    await page.selectOption("#backend", "wasm");
    await page.click("#run");
    await page.waitForSelector("#top5 tr[data-index]", { timeout: 280_000 });
    await page.locator("#run-card").scrollIntoViewIfNeeded();
    await shot("4-run");
    expect(await page.getAttribute("#run-info", "data-backend")).toBe("wasm");
    expect(await page.textContent("#run-info")).toMatch(/ms per run/);
    const browserTop = await page.$$eval("#top5 tr[data-index]", (rows) => rows.map((r) => [...r.children].map((c) => c.textContent!)));
    expect(browserTop).toHaveLength(5);

    const cli = netc(["run", "resnet18", "--weights", weights, "--input", PHOTO, "--backend", "wasm", "--labels", "imagenet"], 280_000);
    expect(cli.code, cli.stderr).toBe(0);
    const cliTop = cliRows(cli.stdout);
    expect(Number(browserTop[0][0])).toBe(Number(cliTop[0][0]));
    expect(Number(browserTop[0][2])).toBeCloseTo(Number(cliTop[0][2]), 2);
    expect(browserTop[0][3]).toBe(cliTop[0].slice(3).join(" "));
  });

  it("runs lenet5 on WebGL with random initial weights: top-1 as netc run's without --weights", async () => {
    if (!has) return;
    await open("?net=lenet5", "lenet5");
    await page.setInputFiles("#image-file", PHOTO); // made gray and resized to 28x28, as netc run does
    await page.selectOption("#backend", "webgl");
    await page.click("#run");
    await page.waitForSelector("#top5 tr[data-index]");
    expect(await page.getAttribute("#run-info", "data-backend")).toBe("webgl");
    const top1 = await page.getAttribute("#top5 tr[data-index]", "data-index");
    const cli = netc(["run", "lenet5", "--input", PHOTO, "--backend", "wasm", "--top", "1"], 120_000);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain("random initial weights");
    expect(Number(top1)).toBe(Number(cliRows(cli.stdout)[0][0]));
  });

  it("stays responsive on bad input: a huge repeat, 1e9 channels, a 100 MB paste", async () => {
    if (!has) return;
    await open("?net=alexnet", "alexnet");
    const responsive = async () => expect(await page.evaluate(() => 1 + 1, undefined)).toBe(2);
    await typeText("network huge {\n  input 3x8x8\n  repeat 1000 { repeat 1000 { relu } }\n}\n");
    await responsive();
    expect(await page.textContent("#status")).toMatch(/error|stopped/);
    expect(await page.textContent("#diagnostics")).toMatch(/more than|stopped/);
    await shot("5-huge-repeat");

    await typeText("network wide {\n  input 3x224x224\n  conv 1000000000, 3x3\n  conv 1000000000, 3x3\n}\n");
    await responsive();
    expect(await page.textContent("#status")).toMatch(/error|stopped|compiled/);

    const before = await page.evaluate(() => document.querySelector(".cm-content")!.textContent!.length);
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData("text/plain", "x".repeat(100_000_000));
      document.querySelector(".cm-content")!.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await responsive();
    expect(await page.textContent("#status")).toMatch(/paste of 100,000,000 characters refused/);
    expect(await page.evaluate(() => document.querySelector(".cm-content")!.textContent!.length)).toBe(before);
    await shot("6-paste");
  });
});

function writeNet(name: string, text: string): string {
  const p = join(tmp(), name);
  writeFileSync(p, text);
  return p;
}

/** Seeded weights of PyTorch's magnitudes: He-uniform filters, batch norms near identity. */
function randomWeights(tensors: { name: string; shape: number[]; kind: string }[], seed: number): Map<string, StateTensor> {
  const r = mulberry32(seed);
  const u = () => 2 * r() - 1;
  const out = new Map<string, StateTensor>();
  for (const t of tensors) {
    if (t.kind === "counter") {
      out.set(t.name, { shape: t.shape, data: new BigInt64Array(1), dtype: "I64" });
      continue;
    }
    const n = t.shape.reduce((a, b) => a * b, 1);
    const fanIn = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const value = t.name.endsWith("running_var") ? () => 1 + 0.5 * Math.abs(u())
      : t.shape.length === 1 && t.name.endsWith(".weight") ? () => 1 + 0.2 * u()
      : t.shape.length === 1 ? () => 0.1 * u()
      : () => Math.sqrt(6 / fanIn) * u();
    for (let i = 0; i < n; i++) data[i] = value();
    out.set(t.name, { shape: t.shape, data, dtype: "F32" });
  }
  return out;
}
