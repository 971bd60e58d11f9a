// Valid small networks for property tests, generated from the grammar, with their
// expected parameter count and output shape worked out alongside (re-exported by
// generators.ts).
import fc from "fast-check";

type State = { kind: "image"; c: number; h: number; w: number } | { kind: "flat"; f: number };

interface Gen {
  lines: string[];
  params: number;
  state: State;
  nextName: number;
}

/** One random choice per step; each is rendered only where it keeps the network valid. */
export type Step =
  | { op: "conv"; out: number; k: 1 | 3 | 5; stride: 1 | 2; pad: 0 | 1 | 2; bias: boolean; groups: 1 | 2; label: boolean; named: boolean }
  | { op: "pool"; max: boolean; k: 2 | 3; stride: 1 | 2 | 3 }
  | { op: "pointwise"; which: "relu" | "sigmoid" | "identity" | "dropout" | "batchnorm" | "silu" }
  | { op: "residual"; shortcut: boolean; out: number; stride: 1 | 2 }
  | { op: "concat"; a: number; b: number }
  | { op: "add"; a: number }
  | { op: "repeat"; n: number; conv: boolean; index: boolean }
  | { op: "let"; v: number }
  | { op: "if"; flag: boolean; a: number; b: number }
  | { op: "block"; out: number; stride: 1 | 2; keep: boolean }
  | { op: "flatten" }
  | { op: "global" }
  | { op: "adaptive"; s: number }
  | { op: "linear"; out: number; bias: boolean };

const small = fc.integer({ min: 1, max: 12 });
export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("conv" as const), out: small, k: fc.constantFrom(1 as const, 3 as const, 5 as const), stride: fc.constantFrom(1 as const, 2 as const), pad: fc.constantFrom(0 as const, 1 as const, 2 as const), bias: fc.boolean(), groups: fc.constantFrom(1 as const, 2 as const), label: fc.boolean(), named: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("pool" as const), max: fc.boolean(), k: fc.constantFrom(2 as const, 3 as const), stride: fc.constantFrom(1 as const, 2 as const, 3 as const) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("pointwise" as const), which: fc.constantFrom("relu" as const, "sigmoid" as const, "identity" as const, "dropout" as const, "batchnorm" as const, "silu" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("residual" as const), shortcut: fc.boolean(), out: small, stride: fc.constantFrom(1 as const, 2 as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("concat" as const), a: small, b: small }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("add" as const), a: small }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("repeat" as const), n: fc.integer({ min: 0, max: 3 }), conv: fc.boolean(), index: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("let" as const), v: small }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("if" as const), flag: fc.boolean(), a: small, b: small }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("block" as const), out: small, stride: fc.constantFrom(1 as const, 2 as const), keep: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flatten" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("global" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("adaptive" as const), s: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("linear" as const), out: fc.integer({ min: 1, max: 40 }), bias: fc.boolean() }) },
);

export const BLOCKS = `# blocks the generated networks call
block unit(out, stride = 1) {
  conv out, 3x3, stride = stride, pad = 1, bias = false
  batchnorm
  relu
}

block keep() {
  residual {
    conv in.channels, 3x3, pad = 1
    relu
  }
}
`;

const convOut = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;
const convParams = (cin: number, out: number, k: number, groups: number, bias: boolean) => out * (cin / groups) * k * k + (bias ? out : 0);
const bnParams = (c: number) => 2 * c;

function render(g: Gen, s: Step, indent = "  ") {
  const st = g.state;
  const emit = (l: string) => g.lines.push(indent + l);
  const label = () => `l${g.nextName++}: `;
  if (st.kind === "flat") {
    // only what works on features
    if (s.op === "linear") {
      emit(`linear ${s.out}${s.bias ? "" : ", bias = false"}`);
      g.params += s.out * st.f + (s.bias ? s.out : 0);
      g.state = { kind: "flat", f: s.out };
    } else if (s.op === "pointwise") {
      emit(s.which === "dropout" ? "dropout 0.25" : s.which);
      if (s.which === "batchnorm") g.params += bnParams(st.f);
    } else if (s.op === "let") {
      const v = `v${g.nextName++}`;
      emit(`let ${v} = ${s.v} * 2 - ${s.v}`);
      emit(`linear ${v}`);
      g.params += s.v * st.f + s.v;
      g.state = { kind: "flat", f: s.v };
    } else if (s.op === "flatten") emit("flatten");
    return;
  }
  const { c, h, w } = st;
  switch (s.op) {
    case "conv": {
      const groups = c % s.groups === 0 && s.out % s.groups === 0 ? s.groups : 1;
      const oh = convOut(h, s.k, s.stride, s.pad);
      const ow = convOut(w, s.k, s.stride, s.pad);
      if (oh < 1 || ow < 1) return emit("relu");
      const args = s.named
        ? `out = ${s.out}, kernel = ${s.k}x${s.k}, stride = ${s.stride}, pad = ${s.pad}`
        : `${s.out}, ${s.k}x${s.k}, stride = ${s.stride}, pad = ${s.pad}`;
      emit(`${s.label ? label() : ""}conv ${args}${groups > 1 ? `, groups = ${groups}` : ""}${s.bias ? "" : ", bias = false"}`);
      g.params += convParams(c, s.out, s.k, groups, s.bias);
      g.state = { kind: "image", c: s.out, h: oh, w: ow };
      return;
    }
    case "pool": {
      if (h < s.k || w < s.k) return emit("identity");
      emit(`${s.max ? "maxpool" : "avgpool"} ${s.k}x${s.k}, stride = ${s.stride}`);
      g.state = { kind: "image", c, h: convOut(h, s.k, s.stride, 0), w: convOut(w, s.k, s.stride, 0) };
      return;
    }
    case "pointwise":
      emit(s.which === "dropout" ? "dropout p = 0.1" : s.which);
      if (s.which === "batchnorm") g.params += bnParams(c);
      return;
    case "residual": {
      if (!s.shortcut) {
        emit("residual {");
        emit(`  conv ${c}, 3x3, pad = 1, bias = false`);
        emit("  batchnorm");
        emit("}");
        g.params += convParams(c, c, 3, 1, false) + bnParams(c);
        return;
      }
      const oh = convOut(h, 3, s.stride, 1);
      const ow = convOut(w, 3, s.stride, 1);
      emit("residual {");
      emit(`  conv ${s.out}, 3x3, stride = ${s.stride}, pad = 1`);
      emit("  relu");
      emit("} shortcut {");
      emit(`  conv ${s.out}, 1x1, stride = ${s.stride}`);
      emit("}");
      g.params += convParams(c, s.out, 3, 1, true) + convParams(c, s.out, 1, 1, true);
      g.state = { kind: "image", c: s.out, h: oh, w: ow };
      return;
    }
    case "concat":
      emit(`${label()}concat {`);
      emit(`  conv ${s.a}, 1x1`);
      emit(`  {`);
      emit(`    conv ${s.b}, 3x3, pad = 1`);
      emit(`    relu`);
      emit(`  }`);
      emit("}");
      g.params += convParams(c, s.a, 1, 1, true) + convParams(c, s.b, 3, 1, true);
      g.state = { kind: "image", c: s.a + s.b, h, w };
      return;
    case "add":
      emit("add {");
      emit(`  conv ${s.a}, 1x1`);
      emit(`  conv ${s.a}, 3x3, pad = 1`);
      emit("}");
      g.params += convParams(c, s.a, 1, 1, true) + convParams(c, s.a, 3, 1, true);
      g.state = { kind: "image", c: s.a, h, w };
      return;
    case "repeat":
      emit(`repeat ${s.n}${s.index ? " as i" : ""} {`);
      if (s.conv) {
        emit(`  conv ${c}, 3x3, pad = 1${s.index ? ", bias = i >= 0" : ""}`);
        g.params += s.n * convParams(c, c, 3, 1, true);
      }
      emit("  relu");
      emit("}");
      return;
    case "let": {
      const v = `v${g.nextName++}`;
      emit(`let ${v} = ${s.v} * 2 - ${s.v}`);
      emit(`conv ${v}, 1x1`);
      g.params += convParams(c, s.v, 1, 1, true);
      g.state = { kind: "image", c: s.v, h, w };
      return;
    }
    case "if": {
      const v = `f${g.nextName++}`;
      emit(`let ${v} = ${s.flag}`);
      emit(`if ${v} and in.channels > 0 {`);
      emit(`  conv ${s.a}, 1x1`);
      emit("} else {");
      emit(`  conv ${s.b}, 1x1, bias = false`);
      emit("}");
      g.params += s.flag ? convParams(c, s.a, 1, 1, true) : convParams(c, s.b, 1, 1, false);
      g.state = { kind: "image", c: s.flag ? s.a : s.b, h, w };
      return;
    }
    case "block":
      if (s.keep) {
        emit("keep()");
        g.params += convParams(c, c, 3, 1, true);
        return;
      }
      emit(`${label()}unit(${s.out}, stride = ${s.stride})`);
      g.params += convParams(c, s.out, 3, 1, false) + bnParams(s.out);
      g.state = { kind: "image", c: s.out, h: convOut(h, 3, s.stride, 1), w: convOut(w, 3, s.stride, 1) };
      return;
    case "flatten":
      emit("flatten");
      g.state = { kind: "flat", f: c * h * w };
      return;
    case "global":
      emit("globalavgpool");
      g.state = { kind: "image", c, h: 1, w: 1 };
      return;
    case "adaptive":
      emit(`adaptiveavgpool ${s.s}x${s.s}`);
      g.state = { kind: "image", c, h: s.s, w: s.s };
      return;
    case "linear": // on an image, linear acts on the last dimension
      emit(`linear ${s.out}`);
      g.params += s.out * w + s.out;
      g.state = { kind: "image", c, h, w: s.out };
      return;
  }
}

export const validNetwork = fc
  .record({
    c: fc.integer({ min: 1, max: 6 }),
    h: fc.integer({ min: 1, max: 40 }),
    w: fc.integer({ min: 1, max: 40 }),
    steps: fc.array(step, { maxLength: 14 }),
    classes: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    blocks: fc.boolean(),
  })
  .map(({ c, h, w, steps, classes, blocks }) => {
    const g: Gen = { lines: [], params: 0, state: { kind: "image", c, h, w }, nextName: 0 };
    for (const s of steps) render(g, s);
    if (classes !== undefined) {
      if (g.state.kind === "image") render(g, { op: "flatten" });
      g.lines.push("  head logits {", "    linear classes", "  }");
      if (g.state.kind === "flat") g.params += classes * g.state.f + classes;
    }
    const usesBlocks = g.lines.some((l) => /\b(unit|keep)\(/.test(l));
    const text =
      (blocks || usesBlocks ? BLOCKS + "\n" : "") +
      `network generated(classes = ${classes ?? 10}) {\n  input ${c}x${h}x${w}\n${g.lines.join("\n")}\n}\n`;
    const out = classes !== undefined && g.state.kind === "flat" ? [classes] : g.state.kind === "flat" ? [g.state.f] : [g.state.c, g.state.h, g.state.w];
    return { text, params: g.params, out };
  });
