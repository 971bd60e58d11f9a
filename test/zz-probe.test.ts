import { test } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { summaryJson } from "../compiler/summary.js";
test("probe", async () => {
  for (const text of ["network t { input 3x17x17; conv 8, 3x3, stride = 2, pad = 1, groups = 1, bias = false }",
    "network t {\n input 3x17x17\n batchnorm\n}", "network t { input 16; linear 4 }", "network t { input 3x4; linear 5 }",
    "network t { input 3x2x2; conv 8, 3x3 }", "network t { input 3x5x5; maxpool 2x2, pad = 2 }",
    "network t { input 3x5x5; conv 8, 1x7 }", "network t { input 3x5x5; conv 8, [1, 7], pad = \"same\" }", "network t { input 4x5x5; prelu 4 }",
    "network t { input 4x5x5; pad [1, 2, 3, 4] }"]) {
    const r = await compileFile("/tmp/t.net", { text });
    console.log(JSON.stringify(r.diagnostics.map(d => [d.severity, d.message])));
    if (r.graph) { const s = summaryJson(r.graph, r.counts!); console.log(JSON.stringify({o: s.outputs, l: s.layers, t: s.tensors})); }
  }
});
