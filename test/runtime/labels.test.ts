// ImageNet's class names are data (runtime/imagenet-classes.json), shipped in the build.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { imagenetClasses } from "../../runtime/labels.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("imagenet class names", () => {
  it("are torchvision's 1,000, in index order", () => {
    const c = imagenetClasses();
    expect(c).toHaveLength(1000);
    // indices from torchvision.models._meta._IMAGENET_CATEGORIES
    expect([c[0], c[1], c[281], c[999]]).toEqual(["tench", "goldfish", "tabby", "toilet tissue"]);
  });

  it("ship in the build: tsc copies the JSON, the bundle inlines it", () => {
    if (!existsSync(`${ROOT}/dist/bundle/netc.js`)) return; // not built: the CLI tests build it
    expect(existsSync(`${ROOT}/dist/runtime/imagenet-classes.json`)).toBe(true);
    const bundle = (name: string) => readFileSync(`${ROOT}/dist/bundle/${name}`, "utf8");
    expect(readdirSync(`${ROOT}/dist/bundle`).some((f) => f.endsWith(".js") && bundle(f).includes('"great white shark"'))).toBe(true);
  });
});
