// docs/networks.md is generated from the compiler; it must be what the generator gives now.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { networksDoc } from "../scripts/networks-doc.js";

it("docs/networks.md is up to date (regenerate with npm run docs:networks)", async () => {
  const committed = readFileSync(new URL("../docs/networks.md", import.meta.url), "utf8");
  expect(committed).toBe(await networksDoc());
}, 120_000); // compiles every library network (about 130, DeepLabV3 and EfficientNet-B7 among them)
