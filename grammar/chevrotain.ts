// Chevrotain, loaded from its single-file bundle. Its package entry point pulls in
// hundreds of small ES modules (lodash-es), which costs about 300 ms at every start of
// `netc`; the bundle it ships beside them loads in about 10 ms. Types come from the package.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

const entry = createRequire(import.meta.url).resolve("chevrotain"); // .../lib/src/api.js
const bundle = join(dirname(entry), "..", "chevrotain.min.mjs");
const chevrotain: typeof Chevrotain = await import(pathToFileURL(bundle).href);

export const { createToken, Lexer, CstParser, EOF, tokenMatcher } = chevrotain;
export type { CstNode, IToken, TokenType, IRecognitionException, ILexingError, CstElement } from "chevrotain";
