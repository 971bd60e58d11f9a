// The Prettier plugin for .net files: `prettier --plugin netc/prettier networks/*.net`,
// and any editor integration that runs Prettier. It wraps the same parser and printer
// as `netc fmt`, so both give the same text.
import type { Plugin } from "prettier";
import type { Program } from "../syntax/ast.js";
import { parse } from "./index.js";
import { DEFAULT_WIDTH, programDoc } from "./printer.js";
import { SourceFile } from "../syntax/source.js";

/** The root Prettier sees. Comments stay inside `program`: the printer places them itself. */
interface Root {
  type: "netc-file";
  program: Program;
  text: string;
  start: number;
  end: number;
}

export const languages: Plugin["languages"] = [
  { name: "netc", parsers: ["netc"], extensions: [".net"], vscodeLanguageIds: ["netc"] },
];

export const parsers: Plugin<Root>["parsers"] = {
  netc: {
    astFormat: "netc",
    parse(text) {
      const r = parse(text, "input.net");
      if (!r.program) {
        const d = r.diagnostics[0];
        const pos = new SourceFile("input.net", text).position(d.labels[0]?.span.start ?? 0);
        // Prettier reports `loc` as the error's place.
        throw Object.assign(new SyntaxError(`${d.message} (${pos.line}:${pos.column})`), { loc: { start: pos } });
      }
      return { type: "netc-file", program: r.program, text, start: 0, end: text.length };
    },
    locStart: (node: Root) => node.start ?? 0,
    locEnd: (node: Root) => node.end ?? 0,
  },
};

export const printers: Plugin<Root>["printers"] = {
  netc: {
    print(path) {
      const root = path.node;
      return programDoc(root.program, root.text);
    },
  },
};

/** netc's width, unless the user's Prettier configuration sets one. */
export const defaultOptions: Plugin["defaultOptions"] = { printWidth: DEFAULT_WIDTH, tabWidth: 2 };

const plugin: Plugin<Root> = { languages, parsers, printers, defaultOptions };
export default plugin;
