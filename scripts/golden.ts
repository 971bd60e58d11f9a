// Regenerates the formatter's golden outputs: test/format/NAME.out.net is what
// formatText makes of test/format/NAME.in.net. Outputs are never written by hand.
//   npm run golden
// test/format.test.ts checks the committed outputs against the formatter.
import { readdirSync, readFileSync, unlinkSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatText } from "../grammar/format.js";

// dist/scripts/golden.js -> test/format/
const DIR = fileURLToPath(new URL("../../test/format/", import.meta.url));

let failed = 0;
for (const name of readdirSync(DIR).filter((f) => f.endsWith(".in.net")).sort()) {
  const input = join(DIR, name);
  const output = join(DIR, name.replace(/\.in\.net$/, ".out.net"));
  const r = formatText(readFileSync(input, "utf8"), input);
  if (r.formatted === undefined) {
    // No output rather than a stale one: the golden test then fails for this file.
    if (existsSync(output)) unlinkSync(output);
    console.error(`${name}: not formatted: ${r.diagnostics.map((d) => d.message).join("; ")}`);
    failed++;
    continue;
  }
  const old = existsSync(output) ? readFileSync(output, "utf8") : undefined;
  if (old !== r.formatted) writeFileSync(output, r.formatted);
  console.log(`${old === r.formatted ? "unchanged" : "written  "} ${output.slice(DIR.length)}`);
}
process.exitCode = failed ? 1 : 0;
