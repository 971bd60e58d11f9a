// datasetFor: the data for training a graph, or a DataError saying what does not fit
// (what `netc train` used to check itself).
process.env.NETC_NO_CACHE = "1";

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileFile } from "../../compiler/compile.js";
import { DataError, datasetFor } from "../../runtime/data.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "netc-dataset-"));
  for (const cls of ["cat", "dog", "owl"]) {
    mkdirSync(join(dir, cls));
    for (let i = 0; i < 5; i++) {
      const png = new PNG({ width: 8, height: 8 });
      png.data.fill(40 * i);
      writeFileSync(join(dir, cls, `${i}.png`), PNG.sync.write(png));
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function graph(classes: number, input = "3x8x8") {
  const r = await compileFile("d.net", { text: `network d {\n  input ${input}\n  flatten\n  linear ${classes}\n}\n` });
  return r.graph!;
}

describe("datasetFor", () => {
  it("an image folder the size of the network's input, one class per sub-folder", async () => {
    const data = datasetFor(await graph(3), dir);
    expect(data.classes).toEqual(["cat", "dog", "owl"]);
    expect(data.shape).toEqual([3, 8, 8]);
    expect(data.train.n + data.test.n).toBe(15);
  });

  it("another number of classes is a DataError that says how to fix it", async () => {
    const g = await graph(10);
    expect(() => datasetFor(g, dir)).toThrow(DataError);
    expect(() => datasetFor(g, dir)).toThrow("d's output is 10; the data has 3 classes (try --set classes=3)");
  });
});
