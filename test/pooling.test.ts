// Pooling's output size and padding limit, against PyTorch: sizes from Debian's torch
// 1.13 (F.max_pool2d / F.avg_pool2d on 1x1xNxN zeros, printed below), and, for every
// small case, a transcription of PyTorch's pooling_output_shape_pad_lr
// (aten/src/ATen/native/Pool.h). Symbolic sizes must give the same numbers.
process.env.NETC_NO_CACHE = "1";

import { describe, expect, it } from "vitest";
import { compileFile } from "../compiler/compile.js";
import { evaluate, formatDim } from "../compiler/symbolic.js";

async function outSize(line: string, input: string) {
  const r = await compileFile("pool.net", { text: `network p {\n  input ${input}\n  ${line}\n}\n` });
  return { shape: r.graph?.nodes.at(-1)?.shape, diagnostics: r.diagnostics };
}

/** PyTorch's pooling_output_shape_pad_lr, transcribed (div_rtn is floor division). */
function torchPoolSize(n: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  let out = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

describe("ceil-mode pooling", () => {
  // torch 1.13: F.max_pool2d(zeros(1,1,n,n), 2, stride=2, padding=1, ceil_mode=True).shape[-1]
  // for n = 4..9: 3 3 4 4 5 5; F.avg_pool2d(..., 3, stride=2, padding=1, ceil_mode=True): the
  // same; F.max_pool2d(..., 3, stride=3, padding=1, ceil_mode=True): 2 2 3 3 3 4.
  const torch113: [string, number[]][] = [
    ["maxpool 2x2, stride = 2, pad = 1, ceil = true", [3, 3, 4, 4, 5, 5]],
    ["avgpool 3x3, stride = 2, pad = 1, ceil = true", [3, 3, 4, 4, 5, 5]],
    ["maxpool 3x3, stride = 3, pad = 1, ceil = true", [2, 2, 3, 3, 3, 4]],
  ];
  for (const [line, sizes] of torch113) {
    it(`${line}: concrete and symbolic sizes agree with PyTorch for N = 4..9`, async () => {
      const sym = await outSize(line, "1xHxW");
      expect(sym.diagnostics).toEqual([]);
      for (let n = 4; n <= 9; n++) {
        const concrete = await outSize(line, `1x${n}x${n}`);
        expect(concrete.shape, `N = ${n}`).toEqual([1, sizes[n - 4], sizes[n - 4]]);
        expect(evaluate(sym.shape![1], { H: n, W: n }), `${formatDim(sym.shape![1])} at H = ${n}`).toBe(sizes[n - 4]);
      }
    });
  }

  it("agrees with PyTorch's formula for every small kernel, stride, padding, dilation and size", async () => {
    const mismatches: string[] = [];
    for (const k of [1, 2, 3, 4])
      for (const s of [1, 2, 3])
        for (const d of [1, 2])
          for (let p = 0; p <= Math.floor(((k - 1) * d + 1) / 2); p++) {
            const line = `maxpool ${k}x${k}, stride = ${s}, pad = ${p}, dilation = ${d}, ceil = true`;
            const sym = (await outSize(line, "1xHxW")).shape![1];
            for (let n = 1; n <= 16; n++) {
              const want = torchPoolSize(n, k, p, s, d, true);
              if (want < 1) continue;
              if (evaluate(sym, { H: n, W: n }) !== want) mismatches.push(`${line} at ${n}: ${formatDim(sym)} gives ${evaluate(sym, { H: n, W: n })}, PyTorch ${want}`);
            }
          }
    expect(mismatches).toEqual([]);
  });
});

describe("max pooling's padding limit", () => {
  it("is half the effective kernel (k - 1)*dilation + 1, as in today's PyTorch", async () => {
    // effective kernel 5: pad 2 allowed, 3 not; output (9 + 4 - 4 - 1)/1 + 1 = 9
    expect((await outSize("maxpool 3x3, pad = 2, dilation = 2, stride = 1", "1x9x9")).shape).toEqual([1, 9, 9]);
    const r = await outSize("maxpool 3x3, pad = 3, dilation = 2, stride = 1", "1x9x9");
    expect(r.diagnostics.map((d) => d.message)).toEqual(["maxpool's padding 3x3 must be at most half the effective kernel 5x5 (kernel 3x3, dilation 2x2)"]);
  });

  it("is half the kernel without dilation", async () => {
    const r = await outSize("maxpool 3x3, pad = 2", "1x9x9");
    expect(r.diagnostics.map((d) => d.message)).toEqual(["maxpool's padding 2x2 must be at most half the kernel 3x3"]);
  });
});
