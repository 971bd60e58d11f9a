// Strings are decoded by netc's own rules, with located errors (they went through
// JSON.parse: `import "<TAB>"` and `import "\u12"` were internal errors), and label
// templates keep non-finite numbers (1e309 became null, then a crash).
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { decodeString, stringFaults } from "../../grammar/strings.js";
import { formatText } from "../../grammar/format.js";
import { compileFile } from "../../compiler/compile.js";

const at = (text: string) => {
  const r = parse(text, "t.net");
  return r.diagnostics.map((d) => ({ code: d.code, message: d.message, at: text.slice(d.labels[0].span.start, d.labels[0].span.end) }));
};

describe("string literals", () => {
  it("decode the escapes JSON.stringify writes", () => {
    for (const s of ["plain", 'a "quoted" word', "back\\slash", "tab\there", "line\nbreak", "\u0001\u001f\u007f", "é ü 雪 😀", "\b\f\r/"])
      expect(decodeString(JSON.stringify(s))).toBe(s);
    expect(decodeString('"\\/\\u00e9"')).toBe("/é");
  });

  it("a raw tab is a located error, not an internal error", () => {
    expect(at('import "\t"\n')).toEqual([{ code: "E0101", message: "a raw control character (U+0009) in a string", at: "\t" }]);
  });

  it("\\u needs four hexadecimal digits", () => {
    expect(at('import "\\u12"\n')).toEqual([{ code: "E0101", message: "a \\u escape needs four hexadecimal digits", at: "\\u12" }]);
    expect(at('import "\\u"\n')[0].at).toBe("\\u");
    expect(at('import "\\uZZZZ"\n')[0].at).toBe("\\u");
  });

  it("an unknown escape is an error on the escape", () => {
    expect(at('import "dir\\q.net"\n')).toEqual([{ code: "E0101", message: "unknown escape \\q in a string", at: "\\q" }]);
  });

  it("every fault of every string is reported", () => {
    expect(at('network n(a = "\\x", b = "\\u1") { input 3x8x8 }\n').map((d) => d.at)).toEqual(["\\x", "\\u1"]);
  });

  it("labels, --set values and formatted files go through the same rules", () => {
    expect(at('network n {\n  input 3x8x8\n  "a\\z{1}": relu\n}\n')[0].at).toBe("\\z");
    const ok = 'network n(mode = "a\\tb\\u00e9") {\n  input 3x8x8\n}\n';
    expect(formatText(ok, "t.net").formatted).toBe('network n(mode = "a\\tbé") {\n  input 3x8x8\n}\n');
  });

  it("no faults in every printable ASCII string JSON.stringify writes", () => {
    let all = "";
    for (let c = 0; c < 0x80; c++) all += String.fromCharCode(c);
    expect(stringFaults(JSON.stringify(all))).toEqual([]);
    expect(decodeString(JSON.stringify(all))).toBe(all);
  });
});

describe("label templates", () => {
  it("a non-finite number is an ordinary value, not a crash", async () => {
    const text = 'network n {\n  input 3x8x8\n  "c{1 + 1e309}": relu\n}\n';
    const r = await compileFile("t.net", { text });
    expect(r.diagnostics.filter((d) => d.code === "E0901")).toEqual([]);
    const item = parse(text, "t.net").program!.items[0];
    const part = item.kind === "network" ? item.body[1].label?.parts?.[1] : undefined;
    expect(part).toMatchObject({ kind: "binary", op: "+", right: { kind: "number", value: Infinity, text: "1e309" } });
  });

  it("a 5,000-term sum in a label parses (no recursion per operand)", () => {
    const sum = Array.from({ length: 5000 }, () => "1").join(" + ");
    const r = parse(`network n {\n  input 3x8x8\n  "c{${sum}}": relu\n}\n`, "t.net");
    expect(r.diagnostics).toEqual([]);
  });
});
