/**
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
 * for float tensors only: the parity fixtures' inputs and outputs.
 *
 *   6 bytes  magic "\x93NUMPY", then major and minor version bytes
 *   2 bytes  (version 1) or 4 bytes (versions 2, 3) little-endian header length
 *   header   a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *            padded with spaces and a final newline so that the data starts 64-byte aligned
 *   data     the array, C order
 */

/** An .npy file that cannot be read: the message names the file and the fault. */
export class NpyError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "NpyError";
  }
}

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Reads a little-endian float32 or float64 array in C order (float64 is rounded to float32). */
export function readNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (detail: string): never => {
    throw new NpyError(file, detail);
  };
  if (bytes.length < 10) fail(`too short to be an .npy file (${bytes.length} bytes)`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) fail("not an .npy file (bad magic; expected \\x93NUMPY)");
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(`too short for an .npy version ${major} header`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`unsupported .npy version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail(`header length ${headerLength} runs past the end of the file`);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(bytes.subarray(headerStart, dataStart));
  } catch {
    return fail("header is not valid text");
  }
  const dict = parseHeader(header.trim(), fail);
  const { descr, fortran, shape } = dict;
  if (fortran) fail("the array is in Fortran order; only C order is supported (save with np.ascontiguousarray)");
  let size: number;
  if (descr === "<f4") size = 4;
  else if (descr === "<f8") size = 8;
  else return fail(`dtype ${JSON.stringify(descr)} is not supported (little-endian float32 '<f4' or float64 '<f8' are)`);
  let count = 1;
  for (const s of shape) count *= s;
  const needed = count * size;
  const available = bytes.length - dataStart;
  if (available < needed) fail(`truncated: shape (${shape.join(", ")}) needs ${needed} bytes of data, the file has ${available}`);
  if (available > needed) fail(`${available - needed} unexpected bytes after the data of shape (${shape.join(", ")})`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    data[i] = size === 4 ? view.getFloat32(dataStart + i * 4, true) : view.getFloat64(dataStart + i * 8, true);
  }
  return { shape, data };
}

function parseHeader(
  text: string,
  fail: (detail: string) => never,
): { descr: string; fortran: boolean; shape: number[] } {
  // The dict numpy writes, keys in any order, with or without a trailing comma.
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!text.startsWith("{") || !text.endsWith("}") || !descr || !fortran || !shape) {
    return fail(`header is not the dict numpy writes (with 'descr', 'fortran_order' and 'shape'): ${JSON.stringify(text.slice(0, 120))}`);
  }
  const dims: number[] = [];
  for (const part of shape[1]!.split(",")) {
    const p = part.trim();
    if (p === "") continue;
    if (!/^\d+L?$/.test(p)) return fail(`shape (${shape[1]}) is not a tuple of non-negative integers`);
    const n = Number.parseInt(p, 10);
    if (!Number.isSafeInteger(n)) return fail(`shape (${shape[1]}) has a dimension that is too large`);
    dims.push(n);
  }
  return { descr: descr[1]!, fortran: fortran[1] === "True", shape: dims };
}

/**
 * Writes a float32 array as numpy does (`np.save` of a C-order float32 array): version
 * 1.0, descr '<f4', the header padded with spaces and a newline to a multiple of 64 bytes.
 */
export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  let count = 1;
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0) throw new Error(`invalid shape ${JSON.stringify(shape)}`);
    count *= s;
  }
  if (count !== data.length) throw new Error(`shape (${shape.join(", ")}) has ${count} elements but the data has ${data.length}`);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  // numpy (>= 1.23) leaves room for the first dimension to grow to 21 digits in place.
  if (shape.length > 0) dict += " ".repeat(Math.max(0, 21 - String(shape[0]).length));
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const headerLength = total - 10;
  if (headerLength > 0xffff) throw new Error("shape too long for an .npy version 1.0 header");
  const header = dict + " ".repeat(headerLength - dict.length - 1) + "\n";
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat32(total + i * 4, data[i]!, true);
  return out;
}
