/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors):
 *
 *   8 bytes   N, the header length, a little-endian u64
 *   N bytes   UTF-8 JSON: { NAME: { dtype, shape, data_offsets: [begin, end] }, ...,
 *             "__metadata__"?: { string: string } }, padded with spaces
 *   rest      the data buffer; offsets are relative to its start, tensors row-major and
 *             little-endian, packed one after the other with no gap
 *
 * The reader checks everything the reference implementation checks (and a little more:
 * names, shapes, metadata values) and throws a `WeightsError` naming the file and the
 * fault for any malformed input; it never lets a RangeError or a TypeError escape.
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomically } from "./atomic-write.js";

import type { StateTensor } from "./state.js";

/** A weights file that cannot be read: the message names the file and the fault. */
export class WeightsError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "WeightsError";
  }
}

/** The reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER = 100_000_000;

/** Bytes per element of each dtype of the format. */
const DTYPE_SIZE: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The dtypes we convert: floats to F32, integers to I64. */
const READABLE = new Set(["F32", "F16", "BF16", "F64", "I64", "I32"]);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses a safetensors file. Floating-point tensors (F32, F16, BF16, F64) come back as
 * Float32Array with dtype "F32"; integer tensors (I64, I32) as BigInt64Array with
 * dtype "I64". The map is in header order.
 */
export function readSafetensors(bytes: Uint8Array, file: string): Map<string, StateTensor> {
  const fail = (detail: string): never => {
    throw new WeightsError(file, detail);
  };
  if (bytes.length < 8) fail(`too short to be a safetensors file (${bytes.length} bytes; the header length alone takes 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.length - 8} bytes follow the length)`);
  }
  const n = Number(headerLength);
  if (n > MAX_HEADER) fail(`header length ${n} is above the limit of ${MAX_HEADER} bytes`);
  if (n < 2) fail(`header length ${n} is too short for a JSON object`);

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail("header is not a JSON object (it does not start with '{')");
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) fail("header is not a JSON object");

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (value === null || typeof value !== "object" || Array.isArray(value)) fail(`"__metadata__" is not an object of strings`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`"__metadata__" entry ${JSON.stringify(k)} is not a string`);
      }
      continue;
    }
    entries.push(parseEntry(name, value, fail));
  }

  // The data buffer must be covered exactly: sorted by offset, each tensor starts where
  // the previous one ended, the first at 0, the last at the end of the file.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.end > dataLength) {
      fail(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] run past the end of the data (${dataLength} bytes; the file is truncated or the offsets are wrong)`);
    }
    if (e.begin < at) fail(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${at}`);
    if (e.begin > at) fail(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${at} (tensors must be contiguous)`);
    at = e.end;
  }
  if (at !== dataLength) {
    fail(`the tensors cover ${at} bytes of data but ${dataLength} follow the header (${dataLength > at ? "trailing bytes" : "truncated"})`);
  }

  const out = new Map<string, StateTensor>();
  for (const e of entries) out.set(e.name, convert(e, bytes, dataStart));
  return out;
}

function parseEntry(name: string, value: unknown, fail: (detail: string) => never): Entry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(`${where}: its header entry is not an object`);
  const v = value as Record<string, unknown>;
  const dtype = v.dtype;
  if (typeof dtype !== "string") fail(`${where}: "dtype" is missing or not a string`);
  const d = dtype as string;
  if (!Object.hasOwn(DTYPE_SIZE, d)) fail(`${where}: unknown dtype ${JSON.stringify(d)}`);
  if (!READABLE.has(d)) fail(`${where}: dtype ${d} is not supported (F32, F16, BF16, F64, I64 and I32 are)`);
  const shape = v.shape;
  if (!Array.isArray(shape)) fail(`${where}: "shape" is missing or not a list`);
  for (const s of shape as unknown[]) {
    if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) fail(`${where}: shape ${JSON.stringify(shape)} has an entry that is not a non-negative integer`);
  }
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2) fail(`${where}: "data_offsets" is missing or not a list of two integers`);
  const [begin, end] = offsets as unknown[];
  if (typeof begin !== "number" || typeof end !== "number" || !Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < 0) {
    fail(`${where}: data_offsets ${JSON.stringify(offsets)} are not non-negative integers`);
  }
  const b = begin as number;
  const e = end as number;
  if (e < b) fail(`${where}: data_offsets [${b}, ${e}] end before they begin`);
  let count = 1;
  for (const s of shape as number[]) count *= s; // may exceed 2^53 only if it cannot match
  const expected = count * DTYPE_SIZE[d]!;
  if (expected !== e - b) {
    fail(`${where}: shape ${JSON.stringify(shape)} of ${d} needs ${expected} bytes but data_offsets [${b}, ${e}] hold ${e - b}`);
  }
  return { name, dtype: d, shape: [...(shape as number[])], begin: b, end: e };
}

function convert(e: Entry, bytes: Uint8Array, dataStart: number): StateTensor {
  const src = bytes.subarray(dataStart + e.begin, dataStart + e.end);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const size = DTYPE_SIZE[e.dtype]!;
  const count = src.length / size;
  const shape = e.shape;
  switch (e.dtype) {
    case "F32": {
      const data = new Float32Array(count);
      if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(src);
      else for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
      return { shape, data, dtype: "F32" };
    }
    case "F64": {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(i * 8, true);
      return { shape, data, dtype: "F32" };
    }
    case "F16": {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(i * 2, true));
      return { shape, data, dtype: "F32" };
    }
    case "BF16": {
      const data = new Float32Array(count);
      const u32 = new Uint32Array(data.buffer);
      for (let i = 0; i < count; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      return { shape, data, dtype: "F32" };
    }
    case "I64": {
      const data = new BigInt64Array(count);
      if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(src);
      else for (let i = 0; i < count; i++) data[i] = view.getBigInt64(i * 8, true);
      return { shape, data, dtype: "I64" };
    }
    case "I32": {
      const data = new BigInt64Array(count);
      for (let i = 0; i < count; i++) data[i] = BigInt(view.getInt32(i * 4, true));
      return { shape, data, dtype: "I64" };
    }
  }
  throw new Error(`unreachable dtype ${e.dtype}`);
}

/** IEEE 754 half precision to a number (exact: every half is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Serialises tensors as safetensors: header entries and data in the map's order, the
 * header padded with spaces to a multiple of 8 bytes (as the reference writer does), so
 * that every tensor's data starts 8-byte aligned in the file.
 */
export function writeSafetensors(tensors: Map<string, StateTensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === "__metadata__") throw new Error(`a tensor cannot be named "__metadata__"`);
    let count = 1;
    for (const s of t.shape) {
      if (!Number.isSafeInteger(s) || s < 0) throw new Error(`tensor ${JSON.stringify(name)}: invalid shape ${JSON.stringify(t.shape)}`);
      count *= s;
    }
    if (count !== t.data.length) {
      throw new Error(`tensor ${JSON.stringify(name)}: shape ${JSON.stringify(t.shape)} has ${count} elements but the data has ${t.data.length}`);
    }
    const expectF32 = t.dtype === "F32";
    if (expectF32 !== t.data instanceof Float32Array) throw new Error(`tensor ${JSON.stringify(name)}: dtype ${t.dtype} does not match its data array`);
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const t of tensors.values()) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    } else {
      const view = new DataView(out.buffer, at, t.data.byteLength);
      if (t.data instanceof Float32Array) t.data.forEach((x, i) => view.setFloat32(i * 4, x, true));
      else t.data.forEach((x, i) => view.setBigInt64(i * 8, x, true));
    }
    at += t.data.byteLength;
  }
  return out;
}

/** Reads and parses a safetensors file from disk. */
export async function loadSafetensors(path: string): Promise<Map<string, StateTensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new WeightsError(path, `cannot be read (${(e as Error).message})`);
  }
  return readSafetensors(bytes, path);
}

/**
 * Writes tensors to `path` so that readers never see a half-written file: the bytes go
 * to a temporary file in the same directory (same file system), which is then renamed
 * over `path`. The temporary file is removed if anything fails.
 */
export async function saveSafetensorsAtomically(
  path: string,
  tensors: Map<string, StateTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomically(path, writeSafetensors(tensors, metadata)); // temporary files removed on signals and by the next write
}
