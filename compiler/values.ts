// Values of the language's expressions: numbers, booleans, strings, sizes (plain or
// symbolic), lists, blocks passed as arguments, and the incoming tensor `in`.
import type { BlockDecl } from "../syntax/ast.js";
import { formatDim, isSym, type Dim, type Sym } from "./symbolic.js";

export type Shape = Dim[];

export interface BlockRef {
  kind: "block";
  decl: BlockDecl;
  scope: unknown; // the module scope the block was declared in (see resolve.ts)
}

/** A layer passed as a value (`act = silu`), applied when called. */
export interface OpRef {
  kind: "op";
  name: string;
}

export interface TensorRef {
  kind: "tensor";
  shape: Shape | null;
}

/** The value of an expression that depends on an earlier error; it silences follow-on errors. */
export interface Unknown {
  kind: "unknown";
}
export const UNKNOWN: Unknown = { kind: "unknown" };

export type Value = number | boolean | string | Sym | Value[] | BlockRef | OpRef | TensorRef | Unknown;

export const isUnknown = (v: Value): v is Unknown => typeof v === "object" && !Array.isArray(v) && !isSym(v) && v.kind === "unknown";
export const isBlock = (v: Value): v is BlockRef => typeof v === "object" && !Array.isArray(v) && !isSym(v) && v.kind === "block";
export const isOp = (v: Value): v is OpRef => typeof v === "object" && !Array.isArray(v) && !isSym(v) && v.kind === "op";
export const isTensor = (v: Value): v is TensorRef => typeof v === "object" && !Array.isArray(v) && !isSym(v) && v.kind === "tensor";

export function typeName(v: Value): string {
  if (typeof v === "number") return Number.isInteger(v) ? "an integer" : "a number";
  if (typeof v === "boolean") return "a boolean";
  if (typeof v === "string") return "a string";
  if (isSym(v)) return "a symbolic size";
  if (Array.isArray(v)) return "a list";
  if (v.kind === "block") return "a block";
  if (v.kind === "op") return "a layer";
  if (v.kind === "tensor") return "a tensor";
  return "an unknown value";
}

export function show(v: Value): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean" ) return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (isSym(v)) return formatDim(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (v.kind === "block") return `block ${v.decl.name}`;
  if (v.kind === "op") return v.name;
  if (v.kind === "tensor") return v.shape ? formatShape(v.shape) : "tensor";
  return "?";
}

/** `64x56x56`, `1000`, `64x(H + 1)//2x(W + 1)//2`. */
export function formatShape(shape: readonly Dim[]): string {
  return shape.length === 0 ? "scalar" : shape.map(formatDim).join("x");
}

export function numel(shape: readonly Dim[]): number | null {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number") return null;
    n *= d;
  }
  return n;
}
